"""Trainer ``run_fn`` for a restorer (FineNet GAN or RDN) on (compressed, original) pairs.

The Trainer's ``examples`` are the Compression output; ``train_args.splits`` names the one
split of pairs, ``<privileged|auxiliary>__<spec key>``. ``custom_config``:
``{"preset": "finenet-tiny", "overrides": {...}, "seed": 0, "name": "finenet"}``. The
SavedModel (signatures ``restore`` on image bytes and ``restore_tensor`` on floats) lands in
``serving_model_dir`` with ``restorer.json`` naming the preset, the pairs and the steps.
"""
from __future__ import annotations

import logging
import os

from tfx.components.trainer.fn_args_utils import FnArgs

from components import examples_io, trainer_checkpoints
from keras_models.restoration import export

__all__ = ["run_fn"]


# TFX Trainer calls this.
def run_fn(fn_args: FnArgs) -> None:
    custom = fn_args.custom_config or {}
    preset = custom.get("preset", "finenet-tiny")
    pairs = examples_io.pair_dataset(examples_io.split_files(fn_args.train_files))
    steps = int(fn_args.train_steps or 1000)
    logging.info("RestorationTrainer: %s for %d steps on %s", preset, steps, fn_args.train_files)
    metadata = {"pairs": list(fn_args.train_files), **({"name": custom["name"]} if "name" in custom else {})}
    export.train_and_export(preset, custom.get("overrides", {}), pairs, steps, fn_args.serving_model_dir, metadata,
                            checkpoint_dir=trainer_checkpoints.checkpoint_dir(fn_args),
                            log_dir=os.path.join(fn_args.model_run_dir, "logs"), seed=int(custom.get("seed", 0)),
                            verbose=2)
    trainer_checkpoints.release(fn_args)
