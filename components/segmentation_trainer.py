"""Trainer ``run_fn`` for DeepLabv3+ under one training domain of the paper's configurations.

``examples`` holds the training split (``train`` of the ingested examples, or
``train__<spec>`` of the compressed or restored examples, which keep the original image and
label). ``custom_config``: ``SegmentationTrainerConfig``'s fields.
"""
from __future__ import annotations

import dataclasses
import logging
import os

import tensorflow as tf
from tfx.components.trainer.fn_args_utils import FnArgs

from components import examples_io, trainer_args, trainer_checkpoints
from image_datasets import features
from keras_models.segmentation import configurations, export, training
from keras_models.segmentation.training import SegmentationTrainingConfig

__all__ = ["run_fn", "source_datasets", "SegmentationTrainerConfig"]


@dataclasses.dataclass
class SegmentationTrainerConfig:
    """Attributes:
      training_domain: ``O``, ``C``, ``R``, ``A``, ``o``, ``r``, ``o+c`` or ``o+r``.
      training: the network and optimisation.
      num_classes, class_names: the label set (names recorded with the model).
      privileged_fraction: the share of the training images that are privileged for this
        configuration (its ``@`` fraction, else the ingestion's); the privileged images are the
        first of ingestion's ranking (``examples_io.is_privileged``, tiles with their image).
        Recorded with the model.
      seed: initialisation, crops and data order.
    """

    training_domain: str
    training: SegmentationTrainingConfig
    num_classes: int
    class_names: tuple[str, ...] = ()
    privileged_fraction: float = 0.0
    seed: int = 0


def source_datasets(files: list[str], domain: str, privileged_fraction: float = 0.0) -> list[tf.data.Dataset]:
    """One dataset of ``(uint8 image, uint8 label, float weight)`` per training source of
    ``domain`` (see ``configurations.TrainingSource``); privileged sources keep the examples of
    the images privileged at ``privileged_fraction``, the others the rest."""
    sources = configurations.TRAINING[domain].sources
    if any(s.subset != "all" for s in sources) and privileged_fraction <= 0:
        raise ValueError(f"training domain {domain!r} needs privileged images, but privileged_fraction is 0")
    out = []
    for source in sources:
        spec = {source.feature: tf.io.FixedLenFeature([], tf.string),
                features.LABEL: tf.io.FixedLenFeature([], tf.string), **examples_io.PRIVILEGED_FEATURES}
        data = tf.data.TFRecordDataset(files, compression_type="GZIP").map(
            lambda r, spec=spec: tf.io.parse_single_example(r, spec))
        if source.subset != "all":
            keep = source.subset == "privileged"
            data = data.filter(lambda ex, keep=keep: tf.equal(
                examples_io.is_privileged(ex, privileged_fraction), keep))
        out.append(data.map(lambda ex, f=source.feature, w=source.weight: (
            tf.io.decode_png(ex[f], channels=3), tf.io.decode_png(ex[features.LABEL], channels=1)[..., 0],
            tf.constant(w, tf.float32)), num_parallel_calls=tf.data.AUTOTUNE))
    return out


# TFX Trainer calls this.
def run_fn(fn_args: FnArgs) -> None:
    custom = trainer_args.custom_config(SegmentationTrainerConfig, fn_args)
    domain, config = custom.training_domain, custom.training
    files = examples_io.split_files(fn_args.train_files)
    sources = source_datasets(files, domain, custom.privileged_fraction)
    steps = trainer_args.train_steps(fn_args)
    logging.info("SegmentationTrainer: training domain %s, %s preset, %d steps on %s", domain, config.preset, steps,
                 fn_args.train_files)
    network = training.train(config, custom.num_classes, sources, steps,
                             log_dir=os.path.join(fn_args.model_run_dir, "logs"),
                             checkpoint_dir=trainer_checkpoints.checkpoint_dir(fn_args),
                             seed=custom.seed, verbose=2)
    export.export(network, fn_args.serving_model_dir, custom.num_classes, config.base_scale,
                  {"training_domain": domain, "preset": config.preset, "steps": steps,
                   "class_names": list(custom.class_names), "train_files": list(fn_args.train_files),
                   "privileged_fraction": custom.privileged_fraction})
    trainer_checkpoints.release(fn_args)
