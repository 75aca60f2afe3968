"""VGG19 features for the perceptual (distillation) loss: the output of each of the 5
convolution blocks (block1_conv2, block2_conv2, block3_conv4, block4_conv4, block5_conv4).

Weights never download at run time: ``imagenet`` loads only from Keras' local cache
(``~/.keras/models``), a path loads that ``.h5`` file (the ``..._notop.h5`` release file),
``random`` keeps the random initialisation (tests).
"""
from __future__ import annotations

import os

import tensorflow as tf

from keras_models.pretrained import keras_cache_file

__all__ = ["VGG_LAYERS", "KERAS_CACHE_FILE", "vgg19_features"]

VGG_LAYERS = ("block1_conv2", "block2_conv2", "block3_conv4", "block4_conv4", "block5_conv4")
KERAS_CACHE_FILE = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"


def _weights_file(weights: str) -> str | None:
    if weights == "random":
        return None
    if weights == "imagenet":
        return keras_cache_file(KERAS_CACHE_FILE, "VGG19 (set vgg_weights to a path, or to null to train without "
                                                  "the VGG loss)")
    if not os.path.exists(weights):
        raise FileNotFoundError(f"VGG19 weights file {weights!r} does not exist")
    return weights


def vgg19_features(weights: str) -> tf.keras.Model:
    """A frozen model: RGB in [-1, 1] float [N, H, W, 3] -> the 5 block outputs."""
    path = _weights_file(weights)
    vgg = tf.keras.applications.VGG19(include_top=False, weights=None)
    if path:
        vgg.load_weights(path)
    vgg.trainable = False
    features = tf.keras.Model(vgg.input, [vgg.get_layer(n).output for n in VGG_LAYERS], name="vgg19_features")
    image = tf.keras.Input((None, None, 3))
    # [-1, 1] RGB -> Caffe-style BGR minus the ImageNet mean, what the weights expect.
    x = tf.keras.layers.Lambda(lambda t: tf.keras.applications.vgg19.preprocess_input((t + 1.0) * 127.5),
                               name="vgg_preprocess")(image)
    model = tf.keras.Model(image, features(x), name="vgg19_perceptual")
    model.trainable = False
    return model
