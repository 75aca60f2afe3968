"""The FineNet generator (Katakol et al. 2021, Appendix B; after Akbari et al. and
pix2pixHD's global generator): ``c64, d128, d256, d512, 9 x r512, u256, u128, u64, o3``.

Images are in [-1, 1]; the network predicts a residual, and the restored image is
x_bar = x_hat + G(x_hat) (clipped to [-1, 1]).
"""
from __future__ import annotations

import tensorflow as tf

from keras_models.restoration.config import FineNetConfig
from keras_models.restoration.layers import conv_block, residual_block, upsample_block

__all__ = ["FineNetGenerator", "layer_names"]


def layer_names(config: FineNetConfig) -> list[str]:
    """The generator's layer groups in the paper's notation, e.g. ``c64 ... o3``."""
    f = config.filters
    names = [f"c{f}"] + [f"d{f * 2 ** (i + 1)}" for i in range(config.downsamples)]
    bottleneck = f * 2 ** config.downsamples
    names += [f"r{bottleneck}_{i + 1}" for i in range(config.res_blocks)]
    names += [f"u{f * 2 ** i}" for i in reversed(range(config.downsamples))]
    return names + ["o3"]


def FineNetGenerator(config: FineNetConfig, name: str = "finenet") -> tf.keras.Model:  # noqa: N802 (paper's name)
    """x_hat float32 [N, H, W, 3] in [-1, 1] (H, W multiples of ``config.multiple``) ->
    x_bar of the same shape; the model's ``residual`` output layer is G(x_hat)."""
    x_hat = tf.keras.Input((None, None, 3), name="compressed")
    f = config.filters
    x = conv_block(x_hat, f, 7, 1, f"c{f}")
    for i in range(config.downsamples):
        k = f * 2 ** (i + 1)
        x = conv_block(x, k, 3, 2, f"d{k}")
    bottleneck = f * 2 ** config.downsamples
    for i in range(config.res_blocks):
        x = residual_block(x, bottleneck, f"r{bottleneck}_{i + 1}")
    for i in reversed(range(config.downsamples)):
        k = f * 2 ** i
        x = upsample_block(x, k, f"u{k}", config.upsample)
    residual = conv_block(x, 3, 7, 1, "o3", activation="tanh", norm=config.output_norm)
    restored = tf.keras.layers.Add(name="x_hat_plus_residual")([x_hat, residual])
    restored = tf.keras.layers.Lambda(lambda t: tf.clip_by_value(t, -1.0, 1.0), name="restored")(restored)
    return tf.keras.Model(x_hat, restored, name=name)
