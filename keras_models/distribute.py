"""One code path for CPU and GPU training: the ``tf.distribute`` strategy for the visible
devices and the mixed-precision policy, used where the devices support it."""
from __future__ import annotations

import contextlib
import logging

import tensorflow as tf

__all__ = ["strategy", "precision_policy", "mixed_precision_available", "loss_scaled"]


def strategy() -> tf.distribute.Strategy:
    """MirroredStrategy across several GPUs; the default strategy on one GPU or the CPU."""
    gpus = tf.config.list_logical_devices("GPU")
    if len(gpus) > 1:
        logging.info("training on %d GPUs with MirroredStrategy", len(gpus))
        return tf.distribute.MirroredStrategy([g.name for g in gpus])
    logging.info("training on %s with the default strategy", gpus[0].name if gpus else "the CPU")
    return tf.distribute.get_strategy()


def mixed_precision_available() -> bool:
    """True when there are GPUs and each computes in float16 at speed (compute capability 7.0
    or newer: Volta, Turing, Ampere and later)."""
    gpus = tf.config.list_physical_devices("GPU")
    return bool(gpus) and all(
        (tf.config.experimental.get_device_details(g).get("compute_capability") or (0, 0)) >= (7, 0) for g in gpus)


@contextlib.contextmanager
def precision_policy(mixed: bool):
    """Builds models under ``mixed_float16`` when ``mixed`` is asked for and the devices
    support it (``mixed_precision_available``); otherwise in float32, saying so. Restores the
    previous policy on exit."""
    previous = tf.keras.mixed_precision.global_policy()
    if mixed and not mixed_precision_available():
        logging.info("mixed precision asked for, but no GPU with compute capability 7.0 or newer: training in float32")
        mixed = False
    if mixed:
        tf.keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        yield
    finally:
        tf.keras.mixed_precision.set_global_policy(previous)


def loss_scaled(optimizer: tf.keras.optimizers.Optimizer) -> tf.keras.optimizers.Optimizer:
    """``optimizer`` with dynamic loss scaling when models are being built in float16 (inside
    ``precision_policy`` that chose mixed precision), else unchanged."""
    if tf.keras.mixed_precision.global_policy().compute_dtype == "float16":
        return tf.keras.mixed_precision.LossScaleOptimizer(optimizer)
    return optimizer
