"""Resumable Keras training shared by every model family: a run of ``steps`` steps is cut
into epochs of ``steps_per_epoch``; a checkpoint (weights, optimizer state and step counter) is
written after each epoch, replacing the previous one, and a later call restores it and
continues from its epoch.

The continuation replays the input pipeline over the finished steps without training on them,
so the resumed run sees the batches an uninterrupted run would have seen next: with
``TF_DETERMINISTIC_OPS=1`` (deterministic kernels and ``tf.data``) the resumed model equals the
uninterrupted one; without it both differ from run to run as any two trainings do. The replay
costs the input pipeline's time for those steps, a fraction of their training time."""
from __future__ import annotations

import logging
import os
import sys
import time
from typing import Callable, Optional

import tensorflow as tf

__all__ = ["Schedule", "resume", "fit"]


class Schedule:
    """``epochs`` epochs of ``steps_per_epoch`` steps covering ``steps`` (the last may overrun)."""

    def __init__(self, steps: int, steps_per_epoch: int = 100):
        self.steps_per_epoch = max(1, min(steps_per_epoch, steps))
        self.epochs = -(-steps // self.steps_per_epoch)


class _KeepNewest(tf.keras.callbacks.Callback):
    """Removes every checkpoint but the one just written (after it is complete), so a long run
    holds one checkpoint on disk, not one per epoch."""

    def __init__(self, directory: str):
        super().__init__()
        self.directory = directory

    def on_epoch_end(self, epoch, logs=None):
        newest = f"ckpt-{epoch + 1}"  # ModelCheckpoint numbers epochs from 1
        for path in tf.io.gfile.glob(os.path.join(self.directory, "ckpt-*")):
            if os.path.basename(path).split(".")[0] != newest:
                tf.io.gfile.remove(path)


class _ProgressLines(tf.keras.callbacks.Callback):
    """A line at each quarter of the run and at its end: steps done, the losses, the time
    taken (``fit``'s compact form of Keras' two lines per epoch)."""

    def __init__(self, name: str, schedule: Schedule, lines: int = 4):
        super().__init__()
        self.name, self.schedule = name, schedule
        self.every = max(1, round(schedule.epochs / lines))
        self.start = 0.0

    def on_train_begin(self, logs=None):
        self.start = time.monotonic()

    def on_epoch_end(self, epoch, logs=None):
        done, total = epoch + 1, self.schedule.epochs
        if done % self.every and done != total:
            return
        values = ", ".join(f"{k} {float(v):.4g}" for k, v in (logs or {}).items())
        print(f"  {self.name}: step {done * self.schedule.steps_per_epoch}/{total * self.schedule.steps_per_epoch}"
              f"{', ' + values if values else ''} ({time.monotonic() - self.start:.0f} s)", file=sys.stderr, flush=True)


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
        tf.io.gfile.makedirs(checkpoint_dir)
        latest = tf.train.latest_checkpoint(checkpoint_dir)
        if latest:
            if build is not None:
                build()
            model.load_weights(latest)  # optimizer slots, created at the first step, are restored then
            initial_epoch = int(os.path.basename(latest).split("-")[-1])
            logging.warning("%s: resuming from %s (epoch %d of %d)", name, latest, initial_epoch, schedule.epochs)
        callbacks += [tf.keras.callbacks.ModelCheckpoint(os.path.join(checkpoint_dir, "ckpt-{epoch}"),
                                                         save_weights_only=True),
                      _KeepNewest(checkpoint_dir)]
    if log_dir:
        callbacks.append(tf.keras.callbacks.TensorBoard(log_dir, update_freq=schedule.steps_per_epoch))
    return initial_epoch, callbacks


def fit(model: tf.keras.Model, batches: tf.data.Dataset, schedule: Schedule, initial_epoch: int,
        callbacks: list, verbose: int = 0, name: str = "training") -> None:
    """Trains ``model`` on the endless ``batches`` from ``initial_epoch`` (of ``resume``) to the
    end of ``schedule``; the batches of the finished epochs are skipped, not trained on.
    ``verbose``: 0 silent, 1 Keras' progress bar, 2 a line per quarter of the run on stderr
    (``<name>: step k/N, losses (seconds)``)."""
    if initial_epoch >= schedule.epochs:
        return
    if verbose == 2:
        callbacks, verbose = callbacks + [_ProgressLines(name, schedule)], 0
    if initial_epoch:
        batches = batches.skip(initial_epoch * schedule.steps_per_epoch)
    model.fit(batches, epochs=schedule.epochs, steps_per_epoch=schedule.steps_per_epoch,
              initial_epoch=initial_epoch, callbacks=callbacks, verbose=verbose)
