"""The arithmetic of a Keras model's convolutions, counted as it runs, and the rates this machine
reaches on dense arithmetic in the same run: together a roofline bound on a model's throughput
(a megapixel of ``g`` GFLOP cannot go faster than ``rate / g`` megapixels a second).

Counted: ``Conv2D`` and ``Conv2DTranspose`` layers (every convolution of the IR2I coder and
inpainting network), two operations per multiply-add, biases and activations left out; a dilated
convolution does the same arithmetic as an undilated one.
"""
from __future__ import annotations

import contextlib
from typing import Iterator

import numpy as np
import tensorflow as tf

from benchmarks.isolated import call_wall_s

__all__ = ["Count", "counting", "conv_flops", "matmul_gflop_per_s", "conv_gflop_per_s"]


class Count:
    """Floating-point operations counted so far."""

    def __init__(self):
        self.flops = 0


def conv_flops(layer: tf.keras.layers.Conv2D, inputs: tf.Tensor, outputs: tf.Tensor) -> int:
    """Operations of one call of ``layer`` (a Conv2D or Conv2DTranspose) on a batch."""
    kh, kw, a, b = (int(d) for d in layer.kernel.shape)
    # A transposed convolution's kernel is [kh, kw, out, in] and it visits each input pixel once.
    pixels = inputs.shape[:3] if isinstance(layer, tf.keras.layers.Conv2DTranspose) else outputs.shape[:3]
    return 2 * int(np.prod(pixels)) * kh * kw * a * b


@contextlib.contextmanager
def counting() -> Iterator[Count]:
    """Counts the operations of every Conv2D and Conv2DTranspose call made inside the block
    (eager calls, or Python tracing with static shapes)."""
    count = Count()
    originals = {cls: cls.call for cls in (tf.keras.layers.Conv2D, tf.keras.layers.Conv2DTranspose)}

    def counted(original):
        def call(self, inputs):
            outputs = original(self, inputs)
            count.flops += conv_flops(self, inputs, outputs)
            return outputs
        return call

    try:
        for cls, original in originals.items():
            cls.call = counted(original)
        yield count
    finally:
        for cls, original in originals.items():
            cls.call = original


def _rate(fn, flops: float, repeats: int) -> float:
    fn()  # the first call traces and instantiates
    return flops / call_wall_s(fn, repeats) / 1e9


def matmul_gflop_per_s(n: int = 2048, repeats: int = 10) -> float:
    """GFLOP/s of an n x n float32 matrix product: the dense rate the machine reaches."""
    a, b = tf.random.normal([n, n], seed=1), tf.random.normal([n, n], seed=2)
    product = tf.function(lambda: tf.linalg.matmul(a, b))
    return _rate(lambda: product().numpy(), 2 * n ** 3, repeats)


def conv_gflop_per_s(channels: int = 16, size: int = 64, batch: int = 64, repeats: int = 10) -> float:
    """GFLOP/s of a 3x3 ``channels`` -> ``channels`` convolution over ``batch`` images of
    ``size`` x ``size`` (by default the shape of the tiny IR2I inpainting network's layers)."""
    x = tf.random.normal([batch, size, size, channels], seed=3)
    layer = tf.keras.layers.Conv2D(channels, 3, padding="same")
    flops = conv_flops(layer, x, layer(x))
    convolve = tf.function(lambda: layer(x))
    return _rate(lambda: convolve().numpy(), flops, repeats)
