"""FineNet's two conditional discriminators (Appendix B): each ``C64, C128, C256, C512, O1``
(4x4 stride-2 convolution + InstanceNorm + LeakyReLU, then a 1x1 convolution to one logit
map), on the pair (x_hat, x) or (x_hat, x_bar); one at H x W and one at H/4 x W/4."""
from __future__ import annotations

import tensorflow as tf

import dataconf
from keras_models.restoration.config import DiscriminatorConfig
from keras_models.restoration.layers import conv_block

__all__ = ["PatchDiscriminator", "MultiScaleDiscriminator"]


def PatchDiscriminator(config: DiscriminatorConfig, name: str) -> tf.keras.Model:  # noqa: N802
    """(x_hat, y) float [N, H, W, 3] each -> [features of each Ck layer..., logits [N, h, w, 1]]."""
    x_hat = tf.keras.Input((None, None, 3), name="compressed")
    y = tf.keras.Input((None, None, 3), name="candidate")
    x = tf.keras.layers.Concatenate(name="condition")([x_hat, y])
    features = []
    for i in range(config.layers):
        k = config.filters * 2 ** i
        x = conv_block(x, k, 4, 2, f"C{k}", activation="leaky_relu", reflect=False)
        features.append(x)
    logits = tf.keras.layers.Conv2D(1, 1, name="O1")(x)
    return tf.keras.Model([x_hat, y], features + [logits], name=name)


@tf.keras.utils.register_keras_serializable("dsr")
class MultiScaleDiscriminator(tf.keras.layers.Layer):
    """The discriminators at each scale of ``config.scales``; the input pair is average
    pooled by the scale. ``call`` returns one list ``[f1, .., f4, logits]`` per scale."""

    def __init__(self, config: DiscriminatorConfig, **kwargs):
        super().__init__(**kwargs)
        self.config = config
        self.discriminators = [PatchDiscriminator(config, name=f"D_{s}") for s in config.scales]

    def call(self, x_hat, y):
        outputs = []
        for scale, d in zip(self.config.scales, self.discriminators):
            if scale > 1:
                a = tf.nn.avg_pool2d(x_hat, scale, scale, "VALID")
                b = tf.nn.avg_pool2d(y, scale, scale, "VALID")
            else:
                a, b = x_hat, y
            outputs.append(d([a, b]))
        return outputs

    def get_config(self):
        return {**super().get_config(), "config": dataconf.to_dict(self.config)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        return cls(dataconf.from_dict(DiscriminatorConfig, config.pop("config"), "config"), **config)
