"""The one mapping between uint8 pixels and the [-1, 1] floats the restorers and IR2I work in."""
from __future__ import annotations

import tensorflow as tf

__all__ = ["to_unit", "from_unit"]


def to_unit(image: tf.Tensor) -> tf.Tensor:
    """uint8 (or 0..255 float) -> float32 in [-1, 1]."""
    return tf.cast(image, tf.float32) / 127.5 - 1.0


def from_unit(image: tf.Tensor) -> tf.Tensor:
    """float in [-1, 1] -> uint8 (rounded, clipped)."""
    return tf.cast(tf.clip_by_value(tf.round((tf.cast(image, tf.float32) + 1.0) * 127.5), 0, 255), tf.uint8)
