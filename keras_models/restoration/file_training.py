"""A restorer trained on (compressed, original) image files, for users with their own pairs
outside a pipeline run (``dsr restore train`` calls this): pairing by file stem, one size
check per pair, then ``export.train_and_export``."""
from __future__ import annotations

from typing import Sequence

import tensorflow as tf

from image_datasets import image_files
from keras_models.restoration import export

__all__ = ["train_on_files"]


def train_on_files(compressed: Sequence[str], original: Sequence[str], preset: str, steps: int, out: str,
                   overrides: dict | None = None, checkpoint_dir: str | None = None, seed: int = 0,
                   metadata: dict | None = None, verbose: int = 2) -> int:
    """Trains restorer ``preset`` for ``steps`` steps on the files of ``compressed`` paired
    by stem with those of ``original`` and exports it to ``out``; returns the number of pairs.

    Raises:
      FileNotFoundError: either list is empty.
      ValueError: unpaired files, or a pair whose sizes differ (naming both files).
    """
    if not compressed or not original:
        raise FileNotFoundError("no compressed images" if not compressed else "no original images")
    pairs = image_files.pair_by_stem(compressed, original)
    images = [(image_files.read_image(c), image_files.read_image(o)) for c, o in pairs]
    for (c, o), (ci, oi) in zip(pairs, images):
        if ci.shape != oi.shape:
            raise ValueError(f"{c} is {ci.shape[1]}x{ci.shape[0]} but its original {o} is {oi.shape[1]}x{oi.shape[0]}")
    dataset = tf.data.Dataset.from_generator(
        lambda: iter(images), output_signature=(tf.TensorSpec([None, None, 3], tf.uint8),) * 2)
    export.train_and_export(preset, overrides or {}, dataset, steps, out, {**(metadata or {}), "images": len(pairs)},
                            checkpoint_dir=checkpoint_dir, seed=seed, verbose=verbose)
    return len(pairs)
