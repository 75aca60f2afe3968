"""Trainer ``run_fn`` for a restorer (FineNet GAN or RDN) on (compressed, original) pairs.

The Trainer's ``examples`` are the Compression output; ``train_args.splits`` names the one
split of pairs, ``<privileged|auxiliary>__<spec key>``. ``custom_config``:
``RestorationTrainerConfig``'s fields. The SavedModel (signatures ``restore`` on image bytes and ``restore_tensor`` on floats) lands in
``serving_model_dir`` with ``restorer.json`` naming the preset, the pairs and the steps.
"""
from __future__ import annotations

import dataclasses
import logging
import os
from typing import Any, Optional

from tfx.components.trainer.fn_args_utils import FnArgs

from components import examples_io, trainer_args, trainer_checkpoints
from keras_models.restoration import export

__all__ = ["run_fn", "RestorationTrainerConfig"]


@dataclasses.dataclass
class RestorationTrainerConfig:
    """Attributes:
      preset: restoration preset (``finenet-tiny``, ``rdn-paper``...); ``overrides`` changes
        single fields.
      seed: the networks' initialisation and the crops drawn.
      name: recorded in ``restorer.json`` (the pipeline's ``<restorer>:<pairs split>``).
      privileged_fraction: learn only from the pairs of the images privileged at this fraction
        (a configuration such as ``rO@0.125``); None: every pair of the split.
    """

    preset: str
    overrides: dict[str, Any] = dataclasses.field(default_factory=dict)
    seed: int = 0
    name: Optional[str] = None
    privileged_fraction: Optional[float] = None


# TFX Trainer calls this.
def run_fn(fn_args: FnArgs) -> None:
    custom = trainer_args.custom_config(RestorationTrainerConfig, fn_args)
    pairs = examples_io.pair_dataset(examples_io.split_files(fn_args.train_files),
                                     privileged_fraction=custom.privileged_fraction)
    steps = trainer_args.train_steps(fn_args)
    logging.info("RestorationTrainer: %s for %d steps on %s", custom.preset, steps, fn_args.train_files)
    metadata = {"pairs": list(fn_args.train_files), **({"name": custom.name} if custom.name else {}),
                **({"privileged_fraction": custom.privileged_fraction}
                   if custom.privileged_fraction is not None else {})}
    export.train_and_export(custom.preset, custom.overrides, pairs, steps, fn_args.serving_model_dir, metadata,
                            checkpoint_dir=trainer_checkpoints.checkpoint_dir(fn_args),
                            log_dir=os.path.join(fn_args.model_run_dir, "logs"), seed=custom.seed, verbose=2)
    trainer_checkpoints.release(fn_args)
