"""Trainer ``run_fn`` for the Mean-Scale Hyperprior codec: one model per lambda.

``custom_config``: ``MshTrainerConfig``'s fields. The models land in ``serving_model_dir/q<k>`` with k = 1 for the smallest lambda (lowest
rate), which is the layout the ``msh`` codec reads.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import os
from typing import Any

import tensorflow as tf
from tfx.components.trainer.fn_args_utils import FnArgs

from components import examples_io, trainer_args, trainer_checkpoints
from keras_models.msh import config as msh_config, export as msh_export, training

__all__ = ["run_fn", "MshTrainerConfig"]


@dataclasses.dataclass
class MshTrainerConfig:
    """Attributes:
      preset: MSH preset; ``overrides`` changes single fields.
      lambdas: one model per rate-distortion trade-off.
      seed: the models' initialisation and data order.
    """

    preset: str
    lambdas: tuple[float, ...]
    overrides: dict[str, Any] = dataclasses.field(default_factory=dict)
    seed: int = 0


# TFX Trainer calls this.
def run_fn(fn_args: FnArgs) -> None:
    custom = trainer_args.custom_config(MshTrainerConfig, fn_args)
    lambdas = sorted(custom.lambdas)
    images = examples_io.image_dataset(examples_io.split_files(fn_args.train_files))
    steps = trainer_args.train_steps(fn_args)
    for k, lmbda in enumerate(lambdas, start=1):
        config = msh_config.preset(custom.preset, **{**custom.overrides, "lmbda": lmbda})
        logging.info("MSH q%d: lambda %g, %d steps", k, lmbda, steps)
        model = training.train(config, images, steps,
                               log_dir=os.path.join(fn_args.model_run_dir, f"q{k}"),
                               checkpoint_dir=trainer_checkpoints.checkpoint_dir(fn_args, f"q{k}"),
                               seed=custom.seed, verbose=2)
        msh_export.export(model, os.path.join(fn_args.serving_model_dir, f"q{k}"))
    with tf.io.gfile.GFile(os.path.join(fn_args.serving_model_dir, "rate_points.json"), "w") as f:
        json.dump({f"q{k}": lmbda for k, lmbda in enumerate(lambdas, start=1)}, f)
    trainer_checkpoints.release(fn_args)
