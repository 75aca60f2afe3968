"""DeepLabv3+ (Chen et al. 2018) with output stride 16: an atrous backbone, ASPP (rates
6, 12, 18 and image pooling), and a decoder that fuses stride-4 features projected to 48
channels, refines with two 3x3 convolutions and upsamples bilinearly to the input size.

Backbones come from ``tf.keras.applications`` (ResNet-50, MobileNetV2), rebuilt with the
last stage atrous (stride 1, dilation 2) so the encoder stops at stride 16; a ``tiny``
backbone trains on a CPU. ImageNet weights load from ``weights="imagenet"`` (Keras' cache,
never downloaded at run time here) or a local ``.h5`` file; tests use ``weights=None``.
"""
from __future__ import annotations

import os
from typing import Optional

import tensorflow as tf

from keras_models import checkpointed_random
from keras_models.pretrained import keras_cache_file
from keras_models.segmentation.config import DeepLabConfig

__all__ = ["build_deeplab", "build_backbone"]


# Keras' release files, looked up in its local cache for weights="imagenet".
_RESNET50_FILE = "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
_MOBILENETV2_FILE = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5"


def _load_weights(model: tf.keras.Model, weights: Optional[str], name: str) -> None:
    if weights is None or weights == "imagenet":
        return
    if not os.path.exists(weights):
        raise FileNotFoundError(f"{name} weights file {weights!r} does not exist")
    model.load_weights(weights, by_name=True, skip_mismatch=False)


def _atrous_resnet50(weights: Optional[str]) -> tuple[tf.keras.Model, str, str]:
    cached = keras_cache_file(_RESNET50_FILE, "ResNet-50") if weights == "imagenet" else None
    base = tf.keras.applications.ResNet50(include_top=False, weights=cached, input_shape=(None, None, 3))
    config = base.get_config()
    for layer in config["layers"]:
        name, cfg = layer["name"], layer["config"]
        if name in ("conv5_block1_1_conv", "conv5_block1_0_conv"):
            cfg["strides"] = (1, 1)
        if name.startswith("conv5_block") and name.endswith("_2_conv"):
            cfg["dilation_rate"] = (2, 2)
    model = tf.keras.Model.from_config(config)
    model.set_weights(base.get_weights())
    _load_weights(model, weights, "resnet50")
    return model, "conv2_block3_out", "conv5_block3_out"


def _atrous_mobilenetv2(weights: Optional[str]) -> tuple[tf.keras.Model, str, str]:
    cached = keras_cache_file(_MOBILENETV2_FILE, "MobileNetV2") if weights == "imagenet" else None
    base = tf.keras.applications.MobileNetV2(include_top=False, input_shape=(None, None, 3), weights=cached)
    config = base.get_config()
    for layer in config["layers"]:
        name, cfg = layer["name"], layer["config"]
        if name == "block_13_pad":
            cfg["padding"] = ((0, 0), (0, 0))
        if name == "block_13_depthwise":
            cfg["strides"], cfg["padding"] = (1, 1), "same"
        if name in ("block_14_depthwise", "block_15_depthwise", "block_16_depthwise"):
            cfg["dilation_rate"] = (2, 2)
    model = tf.keras.Model.from_config(config)
    model.set_weights(base.get_weights())
    _load_weights(model, weights, "mobilenetv2")
    return model, "block_3_expand_relu", "out_relu"


def _tiny_backbone(momentum: float) -> tuple[tf.keras.Model, str, str]:
    inputs = tf.keras.Input((None, None, 3))
    x = inputs
    for i, (filters, stride, dilation) in enumerate([(16, 2, 1), (24, 1, 1), (32, 2, 1), (32, 1, 1), (48, 2, 1),
                                                     (64, 2, 1), (64, 1, 2), (96, 1, 2)]):
        x = tf.keras.layers.Conv2D(filters, 3, strides=stride, dilation_rate=dilation, padding="same", use_bias=False,
                                   name=f"tiny_conv{i}")(x)
        x = tf.keras.layers.BatchNormalization(momentum=momentum, name=f"tiny_bn{i}")(x)
        x = tf.keras.layers.ReLU(name=f"tiny_relu{i}")(x)
    return tf.keras.Model(inputs, x, name="tiny_backbone"), "tiny_relu3", "tiny_relu7"


def build_backbone(config: DeepLabConfig) -> tf.keras.Model:
    """A model mapping images to ``[low-level features (stride 4), high-level (stride 16)]``."""
    if config.backbone == "resnet50":
        model, low, high = _atrous_resnet50(config.weights)
    elif config.backbone == "mobilenetv2":
        model, low, high = _atrous_mobilenetv2(config.weights)
    elif config.backbone == "tiny":
        model, low, high = _tiny_backbone(config.bn_momentum)
    else:
        raise ValueError(f"unknown backbone {config.backbone!r}; expected resnet50, mobilenetv2 or tiny")
    return tf.keras.Model(model.input, [model.get_layer(low).output, model.get_layer(high).output],
                          name=f"{config.backbone}_os16")


def _conv_bn_relu(x, filters, kernel, name, momentum, dilation=1):
    x = tf.keras.layers.Conv2D(filters, kernel, padding="same", dilation_rate=dilation, use_bias=False,
                               name=f"{name}_conv")(x)
    x = tf.keras.layers.BatchNormalization(momentum=momentum, name=f"{name}_bn")(x)
    return tf.keras.layers.ReLU(name=f"{name}_relu")(x)


def _resize_like(name):
    return tf.keras.layers.Lambda(lambda t: tf.image.resize(t[0], tf.shape(t[1])[1:3], method="bilinear"), name=name)


def build_deeplab(config: DeepLabConfig) -> tf.keras.Model:
    """DeepLabv3+ taking float images in [0, 255] ``[B, H, W, 3]``; returns logits ``[B, H, W, C]``."""
    inputs = tf.keras.Input((None, None, 3), name="image")
    if config.backbone == "resnet50":
        x = tf.keras.applications.resnet50.preprocess_input(inputs)
    else:
        x = tf.keras.layers.Rescaling(1 / 127.5, offset=-1.0, name="scale")(inputs)
    low, high = build_backbone(config)(x)
    m = config.bn_momentum
    branches = [_conv_bn_relu(high, config.aspp_filters, 1, "aspp_1x1", m)]
    for rate in config.aspp_rates:
        branches.append(_conv_bn_relu(high, config.aspp_filters, 3, f"aspp_rate{rate}", m, dilation=rate))
    pooled = tf.keras.layers.GlobalAveragePooling2D(keepdims=True, name="aspp_pool")(high)
    pooled = _conv_bn_relu(pooled, config.aspp_filters, 1, "aspp_pool_proj", m)
    branches.append(_resize_like("aspp_pool_upsample")([pooled, high]))
    x = tf.keras.layers.Concatenate(name="aspp_concat")(branches)
    x = _conv_bn_relu(x, config.aspp_filters, 1, "aspp_proj", m)
    x = checkpointed_random.Dropout(config.dropout, name="aspp_dropout")(x)
    low = _conv_bn_relu(low, config.low_level_filters, 1, "decoder_low_proj", m)
    x = _resize_like("decoder_upsample4")([x, low])
    x = tf.keras.layers.Concatenate(name="decoder_concat")([x, low])
    x = _conv_bn_relu(x, config.decoder_filters, 3, "decoder_refine1", m)
    x = _conv_bn_relu(x, config.decoder_filters, 3, "decoder_refine2", m)
    x = tf.keras.layers.Conv2D(config.num_classes, 1, name="logits")(x)
    logits = _resize_like("upsample_to_input")([x, inputs])
    return tf.keras.Model(inputs, logits, name=f"deeplabv3plus_{config.backbone}")
