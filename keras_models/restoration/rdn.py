"""The Residual Dense Network (Zhang et al., "Residual Dense Network for Image Restoration",
TPAMI 2020), the paper's non-adversarial restorer (Appendix C: D = 16 blocks, C = 6 layers,
growth rate G = 32).

Shallow features (two 3x3 convolutions of G0 channels), D residual dense blocks (C densely
connected 3x3 conv + ReLU layers of G channels, 1x1 local feature fusion to G0, local
residual), global feature fusion (concatenate every block's output, 1x1 then 3x3 to G0),
global residual to the first shallow features, and a 3x3 convolution to RGB added to the
input image (restoration keeps the resolution). Images in [-1, 1].
"""
from __future__ import annotations

import tensorflow as tf

from keras_models.restoration.config import RdnConfig

__all__ = ["ResidualDenseNetwork"]


def _conv(filters: int, kernel: int, name: str, activation=None):
    return tf.keras.layers.Conv2D(filters, kernel, padding="same", activation=activation,
                                  kernel_initializer="he_normal", name=name)


def _residual_dense_block(x, config: RdnConfig, name: str):
    inputs = [x]
    for c in range(config.layers):
        h = inputs[0] if c == 0 else tf.keras.layers.Concatenate(name=f"{name}_cat{c + 1}")(inputs)
        inputs.append(_conv(config.growth, 3, f"{name}_conv{c + 1}", "relu")(h))
    fused = _conv(config.features, 1, f"{name}_lff")(tf.keras.layers.Concatenate(name=f"{name}_cat")(inputs))
    return tf.keras.layers.Add(name=f"{name}_add")([x, fused])


def ResidualDenseNetwork(config: RdnConfig, name: str = "rdn") -> tf.keras.Model:  # noqa: N802
    """x_hat float32 [N, H, W, 3] in [-1, 1] -> restored image of the same shape."""
    x_hat = tf.keras.Input((None, None, 3), name="compressed")
    f_minus1 = _conv(config.features, 3, "sfe1")(x_hat)
    x = _conv(config.features, 3, "sfe2")(f_minus1)
    outputs = []
    for d in range(config.blocks):
        x = _residual_dense_block(x, config, f"rdb{d + 1}")
        outputs.append(x)
    g = tf.keras.layers.Concatenate(name="gff_cat")(outputs) if len(outputs) > 1 else outputs[0]
    g = _conv(config.features, 1, "gff_1x1")(g)
    g = _conv(config.features, 3, "gff_3x3")(g)
    g = tf.keras.layers.Add(name="global_residual")([g, f_minus1])
    residual = _conv(3, 3, "to_rgb")(g)
    restored = tf.keras.layers.Add(name="x_hat_plus_residual")([x_hat, residual])
    restored = tf.keras.layers.Lambda(lambda t: tf.clip_by_value(t, -1.0, 1.0), name="restored")(restored)
    return tf.keras.Model(x_hat, restored, name=name)
