"""Building blocks of FineNet (Appendix B, in pix2pixHD's notation): reflection padding,
and the ``ck``/``dk``/``rk``/``uk``/``Ck`` layer groups with instance normalisation."""
from __future__ import annotations

import tensorflow as tf
import tensorflow_addons as tfa

__all__ = ["ReflectionPad", "instance_norm", "conv_block", "residual_block", "upsample_block"]


@tf.keras.utils.register_keras_serializable(package="dsr")
class ReflectionPad(tf.keras.layers.Layer):
    """Pads height and width by ``padding`` pixels, mirroring the border (no edge repeat)."""

    def __init__(self, padding: int, **kwargs):
        super().__init__(**kwargs)
        self.padding = int(padding)

    def call(self, x):
        p = self.padding
        return tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]], mode="REFLECT")

    def get_config(self):
        return {**super().get_config(), "padding": self.padding}


def instance_norm(name: str) -> tf.keras.layers.Layer:
    # Affine instance normalisation, as pix2pixHD's InstanceNorm2d(affine=True) would be.
    return tfa.layers.InstanceNormalization(epsilon=1e-5, name=name)


def _init():
    return tf.keras.initializers.RandomNormal(stddev=0.02)


def conv_block(x, filters: int, kernel: int, stride: int, name: str, activation: str = "relu",
               reflect: bool = True, norm: bool = True):
    """Conv (kernel x kernel x filters / stride) + InstanceNorm (unless ``norm`` is False) +
    activation.

    ``reflect`` pads by reflection so the output keeps ``size / stride``; otherwise zero
    'same' padding.
    """
    if reflect and kernel > 1 and stride == 1:
        x = ReflectionPad(kernel // 2, name=f"{name}_pad")(x)
        padding = "valid"
    else:
        padding = "same"
    x = tf.keras.layers.Conv2D(filters, kernel, stride, padding=padding, kernel_initializer=_init(),
                               name=f"{name}_conv")(x)
    if norm:
        x = instance_norm(f"{name}_norm")(x)
    if activation == "relu":
        return tf.keras.layers.ReLU(name=f"{name}_relu")(x)
    if activation == "leaky_relu":
        return tf.keras.layers.LeakyReLU(0.2, name=f"{name}_lrelu")(x)
    if activation == "tanh":
        return tf.keras.layers.Activation("tanh", name=f"{name}_tanh")(x)
    raise ValueError(f"unknown activation {activation!r}")


def residual_block(x, filters: int, name: str):
    """``rk``: two 3x3 reflection-padded convolutions with InstanceNorm (ReLU after the
    first), added to the input."""
    y = conv_block(x, filters, 3, 1, f"{name}_a")
    y = ReflectionPad(1, name=f"{name}_b_pad")(y)
    y = tf.keras.layers.Conv2D(filters, 3, padding="valid", kernel_initializer=_init(), name=f"{name}_b_conv")(y)
    y = instance_norm(f"{name}_b_norm")(y)
    return tf.keras.layers.Add(name=f"{name}_add")([x, y])


def upsample_block(x, filters: int, name: str, mode: str):
    """``uk``: a 3x3 convolution of stride 1/2 + InstanceNorm + ReLU. ``transpose`` is the
    paper's transposed convolution; ``resize`` doubles by nearest neighbour and convolves."""
    if mode == "transpose":
        x = tf.keras.layers.Conv2DTranspose(filters, 3, 2, padding="same", kernel_initializer=_init(),
                                            name=f"{name}_conv")(x)
    else:
        x = tf.keras.layers.UpSampling2D(2, interpolation="nearest", name=f"{name}_up")(x)
        x = ReflectionPad(1, name=f"{name}_pad")(x)
        x = tf.keras.layers.Conv2D(filters, 3, padding="valid", kernel_initializer=_init(), name=f"{name}_conv")(x)
    x = instance_norm(f"{name}_norm")(x)
    return tf.keras.layers.ReLU(name=f"{name}_relu")(x)
