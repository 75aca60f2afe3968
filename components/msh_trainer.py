"""Trainer ``run_fn`` for the Mean-Scale Hyperprior codec: one model per lambda.

``custom_config``: ``{"preset": "tiny", "lambdas": [..], "overrides": {...}, "seed": 0}``.
The models land in ``serving_model_dir/q<k>`` with k = 1 for the smallest lambda (lowest
rate), which is the layout the ``msh`` codec reads.
"""
from __future__ import annotations

import json
import logging
import os

import tensorflow as tf
from tfx.components.trainer.fn_args_utils import FnArgs

from components import examples_io, trainer_checkpoints
from keras_models.msh import config as msh_config, training

__all__ = ["run_fn"]


# TFX Trainer calls this.
def run_fn(fn_args: FnArgs) -> None:
    custom = fn_args.custom_config or {}
    lambdas = sorted(float(v) for v in custom.get("lambdas", [0.01]))
    images = examples_io.image_dataset(examples_io.split_files(fn_args.train_files))
    steps = int(fn_args.train_steps or 1000)
    for k, lmbda in enumerate(lambdas, start=1):
        config = msh_config.preset(custom.get("preset", "tiny"), **{**custom.get("overrides", {}), "lmbda": lmbda})
        logging.info("MSH q%d: lambda %g, %d steps", k, lmbda, steps)
        model = training.train(config, images, steps,
                               log_dir=os.path.join(fn_args.model_run_dir, f"q{k}"),
                               checkpoint_dir=trainer_checkpoints.checkpoint_dir(fn_args, f"q{k}"),
                               seed=int(custom.get("seed", 0)), verbose=2)
        training.export(model, os.path.join(fn_args.serving_model_dir, f"q{k}"))
    with tf.io.gfile.GFile(os.path.join(fn_args.serving_model_dir, "rate_points.json"), "w") as f:
        json.dump({f"q{k}": lmbda for k, lmbda in enumerate(lambdas, start=1)}, f)
    trainer_checkpoints.release(fn_args)
