"""One code path for CPU and GPU training: the ``tf.distribute`` strategy for the visible
devices and the optional mixed-precision policy."""
from __future__ import annotations

import contextlib
import logging

import tensorflow as tf

__all__ = ["strategy", "precision_policy"]


def strategy() -> tf.distribute.Strategy:
    """MirroredStrategy across several GPUs; the default strategy on one GPU or the CPU."""
    gpus = tf.config.list_logical_devices("GPU")
    if len(gpus) > 1:
        logging.info("training on %d GPUs with MirroredStrategy", len(gpus))
        return tf.distribute.MirroredStrategy([g.name for g in gpus])
    logging.info("training on %s with the default strategy", gpus[0].name if gpus else "the CPU")
    return tf.distribute.get_strategy()


@contextlib.contextmanager
def precision_policy(mixed: bool):
    """Builds models under ``mixed_float16`` when ``mixed`` (restores the previous policy)."""
    previous = tf.keras.mixed_precision.global_policy()
    if mixed:
        tf.keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        yield
    finally:
        tf.keras.mixed_precision.set_global_policy(previous)
