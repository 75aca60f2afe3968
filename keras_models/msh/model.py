"""The Mean-Scale Hyperprior model: transforms, entropy models, compress/decompress.

Analysis: four 5x5 stride-2 convolutions with GDN between them (16x down); synthesis:
the mirror with inverse GDN. The hyper-analysis (3x3, then two 5x5 stride-2) maps y to z,
coded with a learned factorized prior (``tfc.NoisyDeepFactorized``); the hyper-synthesis
predicts a mean and a scale for every element of y, coded with a Gaussian
(``tfc.LocationScaleIndexedEntropyModel(tfc.NoisyNormal, ...)``).

After training, ``prepare_for_compression()`` builds the range-coding tables (an explicit
step, not a side effect of ``fit``); ``compress``/``decompress`` are ``tf.function``s with
input signatures so a SavedModel exposes them, and so is ``entropy_round_trip``, the check of a
stream's declared shape against its range-coded strings that the codec runs on untrusted bytes.
"""
from __future__ import annotations

import contextlib
import math

import tensorflow as tf
import tensorflow_compression as tfc

from keras_models.msh import range_padding
from keras_models.msh.config import MshConfig

__all__ = ["MeanScaleHyperprior", "latent_entropy_model", "LATENT_DOWNSAMPLING", "HYPER_DOWNSAMPLING"]

# The strides of the analysis transform's four convolutions and of the hyper-analysis' three;
# the latent y is their product smaller than the image, z that much smaller than y.
_ANALYSIS_STRIDES = (2, 2, 2, 2)
_HYPER_STRIDES = (1, 2, 2)
LATENT_DOWNSAMPLING = math.prod(_ANALYSIS_STRIDES)  # 16
HYPER_DOWNSAMPLING = math.prod(_HYPER_STRIDES)  # 4
# ``decompress`` synthesises the image tile by tile, so that its memory follows the tile and
# not the picture (a forged or merely large shape would otherwise cost gigabytes). A pixel
# depends on latents less than 2 cells away (four 5x5 stride-2 layers: 1 + 1/2 + 1/4 + 1/8);
# a halo of 2 makes the tiles' pixels those of the whole picture, up to float rounding.
SYNTHESIS_TILE = 48  # latent cells per tile side (768 pixels)
SYNTHESIS_HALO = 2


def _conv(filters, kernel, strides=1, activation=None, name=None):
    return tf.keras.layers.Conv2D(filters, kernel, strides=strides, padding="same", activation=activation,
                                  kernel_initializer="he_uniform", name=name)


def _deconv(filters, kernel, strides=1, activation=None, name=None):
    return tf.keras.layers.Conv2DTranspose(filters, kernel, strides=strides, padding="same", activation=activation,
                                           kernel_initializer="he_uniform", name=name)


def analysis_transform(c: MshConfig) -> tf.keras.Sequential:
    return tf.keras.Sequential([
        tf.keras.layers.Lambda(lambda x: x / 255.0),
        *[layer for i, stride in enumerate(_ANALYSIS_STRIDES[:-1])
          for layer in (_conv(c.num_filters, 5, stride, name=f"conv_{i}"), tfc.GDN(name=f"gdn_{i}"))],
        _conv(c.latent_depth, 5, _ANALYSIS_STRIDES[-1], name=f"conv_{len(_ANALYSIS_STRIDES) - 1}"),
    ], name="analysis")


def synthesis_transform(c: MshConfig) -> tf.keras.Sequential:
    return tf.keras.Sequential([
        *[layer for i, stride in enumerate(reversed(_ANALYSIS_STRIDES[1:]))
          for layer in (_deconv(c.num_filters, 5, stride, name=f"deconv_{i}"),
                        tfc.GDN(inverse=True, name=f"igdn_{i}"))],
        _deconv(3, 5, _ANALYSIS_STRIDES[0], name=f"deconv_{len(_ANALYSIS_STRIDES) - 1}"),
        tf.keras.layers.Lambda(lambda x: x * 255.0),
    ], name="synthesis")


def hyper_analysis_transform(c: MshConfig) -> tf.keras.Sequential:
    return tf.keras.Sequential([
        _conv(c.num_filters, 3, _HYPER_STRIDES[0], "relu", name="conv_0"),
        _conv(c.num_filters, 5, _HYPER_STRIDES[1], "relu", name="conv_1"),
        _conv(c.hyperprior_depth, 5, _HYPER_STRIDES[2], name="conv_2"),
    ], name="hyper_analysis")


def hyper_synthesis_transform(c: MshConfig) -> tf.keras.Sequential:
    return tf.keras.Sequential([
        _deconv(c.num_filters, 5, _HYPER_STRIDES[2], "relu", name="deconv_0"),
        _deconv(c.num_filters * 3 // 2, 5, _HYPER_STRIDES[1], "relu", name="deconv_1"),
        _deconv(2 * c.latent_depth, 3, _HYPER_STRIDES[0], name="deconv_2"),  # mean and scale index per element of y
    ], name="hyper_synthesis")


def latent_entropy_model(config: MshConfig, compression: bool) -> tfc.LocationScaleIndexedEntropyModel:
    """The entropy model of y: a Gaussian at each element's mean, its scale one of
    ``num_scales`` log-spaced from ``scale_min`` to ``scale_max`` (its range-coding tables depend
    on nothing trained)."""
    offset = math.log(config.scale_min)
    factor = (math.log(config.scale_max) - math.log(config.scale_min)) / (config.num_scales - 1)
    return tfc.LocationScaleIndexedEntropyModel(tfc.NoisyNormal, config.num_scales,
                                                lambda i: tf.math.exp(offset + factor * i),
                                                coding_rank=3, compression=compression)


class MeanScaleHyperprior(tf.keras.Model):
    """MSH; ``call(x)`` returns ``(x_hat, bpp, mse)`` for a float batch ``[B, H, W, 3]`` in 0..255."""

    def __init__(self, config: MshConfig):
        super().__init__()
        self.config = config
        self.analysis = analysis_transform(config)
        self.synthesis = synthesis_transform(config)
        self.hyper_analysis = hyper_analysis_transform(config)
        self.hyper_synthesis = hyper_synthesis_transform(config)
        self.hyperprior = tfc.NoisyDeepFactorized(batch_shape=[config.hyperprior_depth])
        self._build_entropy_models(compression=False)
        self.build((None, None, None, 3))

    def _build_entropy_models(self, compression: bool) -> None:
        self.entropy_model = latent_entropy_model(self.config, compression)
        self.side_entropy_model = tfc.ContinuousBatchedEntropyModel(
            self.hyperprior, coding_rank=3, compression=compression)

    def prepare_for_compression(self) -> None:
        """Builds the range-coding tables from the trained priors (call once after training)."""
        self._build_entropy_models(compression=True)

    def _hyper(self, z_hat, y_shape):
        params = self.hyper_synthesis(z_hat)[:, :y_shape[0], :y_shape[1], :]
        mean, index = tf.split(params, 2, axis=-1)
        return mean, index

    def call(self, x, training=False):
        y = self.analysis(x)
        z = self.hyper_analysis(y)
        z_hat, side_bits = self.side_entropy_model(z, training=training)
        mean, index = self._hyper(z_hat, tf.shape(y)[1:3])
        y_hat, bits = self.entropy_model(y, index, loc=mean, training=training)
        x_hat = self.synthesis(y_hat)[:, :tf.shape(x)[1], :tf.shape(x)[2], :]
        num_pixels = tf.cast(tf.reduce_prod(tf.shape(x)[:-1]), bits.dtype)
        bpp = (tf.reduce_sum(bits) + tf.reduce_sum(side_bits)) / num_pixels
        mse = tf.reduce_mean(tf.math.squared_difference(x, x_hat))
        return x_hat, bpp, mse

    def train_step(self, x):
        with tf.GradientTape() as tape:
            _, bpp, mse = self(x, training=True)
            loss = bpp + self.config.lmbda * mse
        variables = self.trainable_variables
        self.optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        for metric, value in zip(self.metrics, (loss, bpp, mse)):
            metric.update_state(value)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, x):
        _, bpp, mse = self(x, training=False)
        loss = bpp + self.config.lmbda * mse
        for metric, value in zip(self.metrics, (loss, bpp, mse)):
            metric.update_state(value)
        return {m.name: m.result() for m in self.metrics}

    def compile(self, **kwargs):
        super().compile(loss=None, metrics=None, loss_weights=None, weighted_metrics=None, **kwargs)
        self._loss_metric = tf.keras.metrics.Mean(name="loss")
        self._bpp_metric = tf.keras.metrics.Mean(name="bpp")
        self._mse_metric = tf.keras.metrics.Mean(name="mse")

    @property
    def metrics(self):
        return [self._loss_metric, self._bpp_metric, self._mse_metric]

    @tf.function(input_signature=[tf.TensorSpec(shape=(None, None, 3), dtype=tf.uint8)])
    def compress(self, x):
        """uint8 [H, W, 3] -> (latent string, side string, image shape)."""
        x = tf.cast(x, self.compute_dtype)[None]
        y = self.analysis(x)
        z = self.hyper_analysis(y)
        z_hat = self.side_entropy_model.quantize(z)
        mean, index = self._hyper(z_hat, tf.shape(y)[1:3])
        side_string = self.side_entropy_model.compress(z)
        string = self.entropy_model.compress(y, index, loc=mean)
        return string[0], side_string[0], tf.shape(x)[1:3]

    @tf.function(input_signature=[tf.TensorSpec(shape=(), dtype=tf.string),
                                  tf.TensorSpec(shape=(), dtype=tf.string),
                                  tf.TensorSpec(shape=(2,), dtype=tf.int32)])
    def decompress(self, string, side_string, x_shape):
        """Inverse of ``compress``: returns uint8 [H, W, 3]."""
        y_hat, _, _, _ = self._range_decode(string, side_string, x_shape)
        return self._synthesize_tiles(y_hat)[:x_shape[0], :x_shape[1], :]

    def _range_decode(self, string, side_string, x_shape, padded=False):
        """The latents of the strings at image shape ``x_shape``: y_hat, z_hat and y's mean and
        scale index. ``padded``: decode the strings as ``range_padding.pad`` extends them, which
        ends on any bytes (tfc's all-bytes-read check is then off)."""
        y_shape = -(-x_shape // LATENT_DOWNSAMPLING)
        z_shape = -(-y_shape // HYPER_DOWNSAMPLING)
        if padded:
            side_string = range_padding.pad(side_string, tf.reduce_prod(z_shape) * self.config.hyperprior_depth)
        unchecked = range_padding.without_sanity_check(self.side_entropy_model, self.entropy_model)
        with unchecked if padded else contextlib.nullcontext():
            z_hat = self.side_entropy_model.decompress(side_string[None], z_shape)
            mean, index = self._hyper(z_hat, y_shape)
            if padded:  # built from index's size, so after the hyper-synthesis has freed its activations
                string = range_padding.pad(string, tf.size(index, tf.int64))
            y_hat = self.entropy_model.decompress(string[None], index, loc=mean)
        return y_hat, z_hat, mean, index

    @tf.function(input_signature=[tf.TensorSpec(shape=(), dtype=tf.string),
                                  tf.TensorSpec(shape=(), dtype=tf.string),
                                  tf.TensorSpec(shape=(2,), dtype=tf.int32)])
    def entropy_round_trip(self, string, side_string, x_shape):
        """Whether the strings are exactly what ``compress`` writes for the symbols they decode
        to at shape ``x_shape``: range-decodes z and y as ``decompress`` does (no synthesis),
        codes them again and compares. A shape other than the one the strings were coded at
        reads too few symbols or symbols from past the strings' end, and codes to other bytes.
        Ends on any bytes: the decode reads the strings padded (``range_padding``), and symbols
        no encoder could have written are refused before they are coded again."""
        y_hat, z_hat, mean, index = self._range_decode(string, side_string, x_shape, padded=True)

        def same_bytes():
            side_again = self.side_entropy_model.compress(z_hat)[0]
            again = self.entropy_model.compress(y_hat, index, loc=mean)[0]
            return tf.logical_and(tf.equal(side_again, side_string), tf.equal(again, string))

        return tf.cond(range_padding.codable(z_hat, y_hat - mean), same_bytes, lambda: tf.constant(False))

    def _synthesize_tiles(self, y_hat):
        """``self.synthesis(y_hat)[0]`` rounded to uint8, computed ``SYNTHESIS_TILE`` latent cells
        at a time, each tile with a ``SYNTHESIS_HALO`` of neighbours (one tile: the whole
        picture, as before); only uint8 pixels are kept whole."""
        rows, cols = tf.shape(y_hat)[1], tf.shape(y_hat)[2]
        tile, halo, scale = SYNTHESIS_TILE, SYNTHESIS_HALO, LATENT_DOWNSAMPLING

        def span(start, size):  # the cells a tile reads, and where its own pixels sit in its output
            first, stop = tf.maximum(start - halo, 0), tf.minimum(start + tile, size)
            return first, tf.minimum(stop + halo, size), (start - first) * scale, (stop - first) * scale

        strips = tf.TensorArray(tf.uint8, size=-(-rows // tile), infer_shape=False)
        for i in tf.range(-(-rows // tile)):
            r0, r1, keep_r0, keep_r1 = span(i * tile, rows)
            # Tiles of a strip are concatenated along axis 0 of their transposes (TensorArray's axis).
            columns = tf.TensorArray(tf.uint8, size=-(-cols // tile), infer_shape=False)
            for j in tf.range(-(-cols // tile)):
                c0, c1, keep_c0, keep_c1 = span(j * tile, cols)
                part = self.synthesis(y_hat[:, r0:r1, c0:c1, :])[0, keep_r0:keep_r1, keep_c0:keep_c1, :]
                part = tf.cast(tf.clip_by_value(tf.round(part), 0, 255), tf.uint8)
                columns = columns.write(j, tf.transpose(part, [1, 0, 2]))
            strips = strips.write(i, tf.transpose(columns.concat(), [1, 0, 2]))
        return strips.concat()
