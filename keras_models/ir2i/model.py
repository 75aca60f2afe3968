"""The progressive coders of Tables 6-9 and the partial-context inpainting network of Table 10.

Pixels are in [-1, 1]. ``ProgressiveCoder.call`` runs every stage and returns, per stage,
the bits, the image estimate and the loss term (equation 1 for the residual encoder,
equation 2 for R2I, equation 4's per-stage terms when an inpainting estimate is given).
``decode`` rebuilds the per-stage images from bits alone, as a receiver does.
"""
from __future__ import annotations

from typing import Optional

import tensorflow as tf

from keras_models.ir2i import tables
from keras_models.ir2i.config import Ir2iConfig
from keras_models.ir2i.layers import Binarizer, build_row_layers, run_rows

__all__ = ["ProgressiveCoder", "InpaintingNetwork", "context_mask"]


def _widths(config: Ir2iConfig) -> dict[str, int]:
    f1, f2, f3 = config.filters
    return {"f1": f1, "f2": f2, "f3": f3, "bits": config.bits, "rgb": 3, "inp": config.inpaint_filters}


@tf.keras.utils.register_keras_serializable("dsr")
class ProgressiveCoder(tf.keras.Model):
    """``config.stages`` stages of ``tables.stage_rows(config.variant)``."""

    def __init__(self, config: Ir2iConfig, **kwargs):
        super().__init__(**kwargs)
        self.config = config
        self.rows = tables.stage_rows(config.variant)
        widths = _widths(config)
        self.stage_layers = [build_row_layers(self.rows, widths, f"s{s + 1}_", connections=s > 0)
                             for s in range(config.stages)]
        # Keras tracks layers held in lists of dicts through these attributes.
        self._tracked = [list(layers.values()) for layers in self.stage_layers]
        self.binarizer = Binarizer(name="binarizer")

    def get_config(self):
        return {"config": self.config.to_json()}

    @classmethod
    def from_config(cls, config):
        return cls(Ir2iConfig.from_json(config["config"]))

    def _image(self, env: dict, previous: Optional[dict], inpaint_pre):
        """The stage's reconstruction of the patch (R2I) or of its residual (residual encoder)."""
        variant = self.config.variant
        if variant == "residual":
            estimate = env["conv_pred"]
            return estimate, estimate + (previous["image"] if previous is not None else 0.0)
        pre = env["output:pre" if variant == "prediction" else "conv_pred:pre"]
        if inpaint_pre is not None:
            pre = pre + inpaint_pre
        image = tf.tanh(pre)
        return image, image

    def call(self, inputs, training=None, stages: Optional[int] = None):
        """``inputs``: patches [N, P, P, 3], or (patches, inpainting pre-activation or None).

        Returns a dict of ``bits`` [N, S, P/8, P/8, bits], ``images`` [N, S, P, P, 3] and
        ``stage_losses`` [S] (mean squared error of each stage's target), for the first
        ``stages`` stages (default all)."""
        patches, inpaint_pre = inputs if isinstance(inputs, (tuple, list)) else (inputs, None)
        if self.config.variant == "residual":
            inpaint_pre = None
        residual = patches if inpaint_pre is None else patches - tf.tanh(inpaint_pre)
        previous, bits, images, losses = None, [], [], []
        for s in range(stages or self.config.stages):
            env = run_rows(self.rows, self.stage_layers[s], {"input": residual}, previous, training, self.binarizer)
            estimate, image = self._image(env, previous, inpaint_pre)
            target = residual if self.config.variant == "residual" else patches
            losses.append(tf.reduce_mean(tf.square(target - estimate)))
            residual = residual - estimate if self.config.variant == "residual" else patches - image
            env["image"] = image
            bits.append(env["bin"])
            images.append(image)
            previous = env
        return {"bits": tf.stack(bits, 1), "images": tf.stack(images, 1), "stage_losses": tf.stack(losses)}

    def decode(self, bits, inpaint_pre=None, stages: Optional[int] = None):
        """Images [N, k, P, P, 3] of the first ``k = stages`` stages from bits [N, >=k, h, w, bits]."""
        if self.config.variant == "residual":
            inpaint_pre = None
        previous, images = None, []
        for s in range(stages or self.config.stages):
            env = run_rows(self.rows, self.stage_layers[s], {"bin": bits[:, s]}, previous, False, self.binarizer,
                           start="conv_8")
            _, image = self._image(env, previous, inpaint_pre)
            env["image"] = image
            images.append(image)
            previous = env
        return tf.stack(images, 1)


def context_mask(patch: int) -> tf.Tensor:
    """[2P, 2P, 1]: ones except the bottom-right P x P block (the patch to inpaint)."""
    return tf.pad(tf.zeros((patch, patch, 1)), [[patch, 0], [patch, 0], [0, 0]], constant_values=1.0)


@tf.keras.utils.register_keras_serializable("dsr")
class InpaintingNetwork(tf.keras.Model):
    """Table 10: multi-scale dilated convolutions at full resolution on a 2P x 2P context
    whose bottom-right P x P block is zero; returns the pre-activation prediction of that
    block (``conv_RGB_crop``), which the coder's stages add before their tanh."""

    def __init__(self, config: Ir2iConfig, **kwargs):
        super().__init__(**kwargs)
        self.config = config
        self.rows = tables.inpainting_rows(config.inpaint_layers, config.dilations)
        self.row_layers = build_row_layers(self.rows, _widths(config), "inp_")
        self._tracked = list(self.row_layers.values())

    def get_config(self):
        return {"config": self.config.to_json()}

    @classmethod
    def from_config(cls, config):
        return cls(Ir2iConfig.from_json(config["config"]))

    def call(self, context, training=None):
        context = context * context_mask(self.config.patch)
        env = run_rows(self.rows, self.row_layers, {"data": context}, None, training, crop=self.config.patch)
        return env["conv_RGB_crop"]
