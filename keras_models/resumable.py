"""Resumable Keras training shared by every model family: a run of ``steps`` steps is cut
into epochs of ``steps_per_epoch``; a checkpoint is written after each epoch and a later call
restores the newest one and continues from its epoch."""
from __future__ import annotations

import logging
import os
from typing import Callable, Optional

import tensorflow as tf

__all__ = ["Schedule", "resume"]


class Schedule:
    """``epochs`` epochs of ``steps_per_epoch`` steps covering ``steps`` (the last may overrun)."""

    def __init__(self, steps: int, steps_per_epoch: int = 100):
        self.steps_per_epoch = max(1, min(steps_per_epoch, steps))
        self.epochs = -(-steps // self.steps_per_epoch)


def resume(model: tf.keras.Model, schedule: Schedule, checkpoint_dir: Optional[str], log_dir: Optional[str],
           name: str, build: Optional[Callable[[], None]] = None) -> tuple[int, list]:
    """Restores ``model`` from the newest ``ckpt-<epoch>`` in ``checkpoint_dir``.

    Args:
      build: called before restoring, for subclassed models whose variables exist only after
        a first call.

    Returns:
      (the epoch to start from, callbacks that checkpoint each epoch and log to TensorBoard).
    """
    initial_epoch, callbacks = 0, []
    if checkpoint_dir:
        os.makedirs(checkpoint_dir, exist_ok=True)
        latest = tf.train.latest_checkpoint(checkpoint_dir)
        if latest:
            if build is not None:
                build()
            model.load_weights(latest)
            initial_epoch = int(os.path.basename(latest).split("-")[-1])
            logging.info("%s: resuming from %s (epoch %d of %d)", name, latest, initial_epoch, schedule.epochs)
        callbacks.append(tf.keras.callbacks.ModelCheckpoint(os.path.join(checkpoint_dir, "ckpt-{epoch}"),
                                                            save_weights_only=True))
    if log_dir:
        callbacks.append(tf.keras.callbacks.TensorBoard(log_dir, update_freq=schedule.steps_per_epoch))
    return initial_epoch, callbacks
