"""Random draws inside models whose generator state is saved with the model's checkpoint.

Stateful random ops (``tf.random.uniform``) and Keras' own random layers keep their state in
kernels that no checkpoint holds, so a training resumed from a checkpoint would draw its
dropout masks or stochastic binarisations afresh instead of continuing the sequence an
uninterrupted run draws. A ``tf.random.Generator`` assigned to a layer is tracked with the
layer's variables: resumed and uninterrupted trainings then see the same draws.
"""
from __future__ import annotations

import random
from typing import Optional

import tensorflow as tf

__all__ = ["generator", "Dropout"]


def generator(seed: Optional[int] = None) -> tf.random.Generator:
    """A generator seeded by ``seed``, or by Python's ``random`` (which
    ``tf.keras.utils.set_random_seed`` seeds) when it is None."""
    return tf.random.Generator.from_seed(random.randrange(2 ** 31) if seed is None else seed)


@tf.keras.utils.register_keras_serializable("dsr")
class Dropout(tf.keras.layers.Layer):
    """``tf.keras.layers.Dropout`` whose masks come from a checkpointed generator."""

    def __init__(self, rate: float, seed: Optional[int] = None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise ValueError(f"dropout rate must be in [0, 1), got {rate}")
        self.rate, self.seed = rate, seed
        self.generator = generator(seed)

    def call(self, x, training=None):
        if not training or self.rate == 0:
            return x
        keep = self.generator.uniform(tf.shape(x), dtype=x.dtype) >= self.rate
        return tf.where(keep, x / (1.0 - self.rate), tf.zeros_like(x))

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
