"""Trainer ``run_fn`` for DeepLabv3+ under one training domain of the paper's configurations.

``examples`` holds the training split (``train`` of the ingested examples, or
``train__<spec>`` of the compressed or restored examples, which keep the original image and
label). ``custom_config``:
  ``training_domain``: ``O``, ``C``, ``R``, ``A``, ``o``, ``r``, ``o+c`` or ``o+r``;
  ``training``: ``SegmentationTrainingConfig`` fields; ``num_classes``; ``class_names``;
  ``privileged_fraction``: the ingestion's (recorded with the model; the privileged images
  themselves are the examples ingestion flagged ``privileged``, tiles included); ``seed``.
"""
from __future__ import annotations

import logging
import os

import tensorflow as tf
from tfx.components.trainer.fn_args_utils import FnArgs

import dataconf
from components import examples_io, trainer_checkpoints
from image_datasets import features
from keras_models.segmentation import configurations, export, training

__all__ = ["run_fn", "source_datasets"]


def source_datasets(files: list[str], domain: str, privileged_fraction: float = 0.0) -> list[tf.data.Dataset]:
    """One dataset of ``(uint8 image, uint8 label, float weight)`` per training source of
    ``domain`` (see ``configurations.TrainingSource``); privileged sources keep the examples
    ingestion flagged ``privileged``, the others the rest."""
    sources = configurations.TRAINING[domain].sources
    if any(s.subset != "all" for s in sources) and privileged_fraction <= 0:
        raise ValueError(f"training domain {domain!r} needs privileged images, but privileged_fraction is 0")
    out = []
    for source in sources:
        spec = {source.feature: tf.io.FixedLenFeature([], tf.string),
                features.LABEL: tf.io.FixedLenFeature([], tf.string),
                features.PRIVILEGED: tf.io.FixedLenFeature([], tf.int64, default_value=0)}
        data = tf.data.TFRecordDataset(files, compression_type="GZIP").map(
            lambda r, spec=spec: tf.io.parse_single_example(r, spec))
        if source.subset != "all":
            keep = int(source.subset == "privileged")
            data = data.filter(lambda ex, keep=keep: tf.equal(ex[features.PRIVILEGED], keep))
        out.append(data.map(lambda ex, f=source.feature, w=source.weight: (
            tf.io.decode_png(ex[f], channels=3), tf.io.decode_png(ex[features.LABEL], channels=1)[..., 0],
            tf.constant(w, tf.float32)), num_parallel_calls=tf.data.AUTOTUNE))
    return out


# TFX Trainer calls this.
def run_fn(fn_args: FnArgs) -> None:
    custom = fn_args.custom_config or {}
    domain = custom["training_domain"]
    config = dataconf.from_dict(training.SegmentationTrainingConfig, custom.get("training", {}), "training")
    files = examples_io.split_files(fn_args.train_files)
    sources = source_datasets(files, domain, float(custom.get("privileged_fraction", 0.0)))
    steps = int(fn_args.train_steps or 1000)
    num_classes = int(custom["num_classes"])
    logging.info("SegmentationTrainer: training domain %s, %s preset, %d steps on %s", domain, config.preset, steps,
                 fn_args.train_files)
    network = training.train(config, num_classes, sources, steps,
                             log_dir=os.path.join(fn_args.model_run_dir, "logs"),
                             checkpoint_dir=trainer_checkpoints.checkpoint_dir(fn_args),
                             seed=int(custom.get("seed", 0)), verbose=2)
    export.export(network, fn_args.serving_model_dir, num_classes, config.base_scale,
                  {"training_domain": domain, "preset": config.preset, "steps": steps,
                   "class_names": list(custom.get("class_names", [])), "train_files": list(fn_args.train_files),
                   "privileged_fraction": float(custom.get("privileged_fraction", 0.0))})
    trainer_checkpoints.release(fn_args)
