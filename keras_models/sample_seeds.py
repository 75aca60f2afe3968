"""One seed per training sample, so that a seeded training pipeline draws the same crops, flips
and scales on every run.

A stateful random op (``tf.random.uniform``, ``tf.image.random_crop``) inside a
``Dataset.map`` that works on several elements at once hands its draws to whichever element
asks first, so two runs with the same seed crop different patches. Here the ``i``-th element
after the shuffle gets the seed ``(seed, i)``, and the map draws from it with stateless ops
(``tf.random.stateless_uniform``, ``tf.image.stateless_random_crop``): its draws depend on the
seed and its position alone, whatever the parallelism, and a resumed training that replays the
pipeline over its finished steps draws what an uninterrupted one draws.
"""
from __future__ import annotations

import tensorflow as tf

__all__ = ["with_seeds", "split"]


def with_seeds(dataset: tf.data.Dataset, seed: int) -> tf.data.Dataset:
    """``dataset``'s elements, each followed by its seed ``int64[2] = (seed, position)``: a
    one-component element ``x`` becomes ``(x, s)``, a tuple ``(a, b)`` becomes ``(a, b, s)``."""
    seeds = tf.data.Dataset.counter().map(lambda i: tf.stack([tf.constant(seed, tf.int64), i]))
    if isinstance(dataset.element_spec, tuple):
        return tf.data.Dataset.zip((dataset, seeds)).map(lambda element, s: (*element, s))
    return tf.data.Dataset.zip((dataset, seeds))


def split(seed: tf.Tensor, count: int) -> list[tf.Tensor]:
    """``count`` independent seeds drawn from one (one per random decision of a sample)."""
    return list(tf.unstack(tf.random.experimental.stateless_split(seed, num=count)))
