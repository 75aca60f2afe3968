"""FineNet's losses (Appendix B) and RDN's objectives (Appendix C).

Generator: L_GAN + 10 * (2 * L1 + L_VGG + L_MS-SSIM + L_DIST) with
  L_GAN    = sum_i -log D_i(x_hat, x_bar)                (non-saturating; or least squares)
  L1       = mean |x_bar - x|
  L_VGG    = sum_j mean |VGG_j(x_bar) - VGG_j(x)|        (each block normalised by its size)
  L_MS-SSIM= 1 - MS-SSIM(x_bar, x)
  L_DIST   = sum_i sum_j mean |D_i^j(x_hat, x_bar) - D_i^j(x_hat, x)|
Discriminators: sum_i -[log D_i(x_hat, x) + log(1 - D_i(x_hat, x_bar))].
All images in [-1, 1].
"""
from __future__ import annotations

from typing import Sequence

import tensorflow as tf

__all__ = ["ms_ssim", "ms_ssim_loss", "l1_loss", "vgg_loss", "distillation_loss", "generator_gan_loss",
           "discriminator_loss", "POWER_FACTORS"]

POWER_FACTORS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


def _gaussian_kernel(size: int = 11, sigma: float = 1.5) -> tf.Tensor:
    coords = tf.range(size, dtype=tf.float32) - (size - 1) / 2.0
    g = tf.exp(-(coords ** 2) / (2 * sigma ** 2))
    g = g / tf.reduce_sum(g)
    kernel = g[:, None] * g[None, :]
    return tf.tile(kernel[:, :, None, None], [1, 1, 3, 1])


def _ssim_terms(x, y, kernel, c1, c2):
    def blur(t):
        return tf.nn.depthwise_conv2d(t, kernel, [1, 1, 1, 1], "VALID")

    mu_x, mu_y = blur(x), blur(y)
    sxx = blur(x * x) - mu_x ** 2
    syy = blur(y * y) - mu_y ** 2
    sxy = blur(x * y) - mu_x * mu_y
    cs = (2 * sxy + c2) / (sxx + syy + c2)
    luminance = (2 * mu_x * mu_y + c1) / (mu_x ** 2 + mu_y ** 2 + c1)
    return tf.reduce_mean(luminance * cs, [1, 2, 3]), tf.reduce_mean(cs, [1, 2, 3])


def ms_ssim(x: tf.Tensor, y: tf.Tensor, max_val: float = 2.0) -> tf.Tensor:
    """Differentiable MS-SSIM (Wang et al. 2003) per image, float [N]; x, y float [N, H, W, 3].

    Uses as many of the 5 standard scales as the size allows (the smallest scale must hold
    the 11x11 window; the power factors are renormalised), and clamps each scale's term at
    a small positive value so the fractional powers keep finite gradients early in training.
    """
    x = tf.cast(x, tf.float32)
    y = tf.cast(y, tf.float32)
    kernel = _gaussian_kernel()
    c1, c2 = (0.01 * max_val) ** 2, (0.03 * max_val) ** 2
    size = tf.minimum(tf.shape(x)[1], tf.shape(x)[2])
    static = min(d for d in (x.shape[1], x.shape[2]) if d is not None) if None not in x.shape[1:3] else None
    scales = len(POWER_FACTORS)
    if static is not None:
        while scales > 1 and static // 2 ** (scales - 1) < 11:
            scales -= 1
    else:
        tf.debugging.assert_greater_equal(size, 11 * 2 ** (scales - 1), "ms_ssim needs images of at least 176 px "
                                          "when the size is not static")
    weights = tf.constant(POWER_FACTORS[:scales]) / sum(POWER_FACTORS[:scales])
    values = []
    for s in range(scales):
        ssim, cs = _ssim_terms(x, y, kernel, c1, c2)
        values.append(tf.maximum(ssim if s == scales - 1 else cs, 1e-6))
        if s < scales - 1:
            x = tf.nn.avg_pool2d(x, 2, 2, "VALID")
            y = tf.nn.avg_pool2d(y, 2, 2, "VALID")
    stacked = tf.stack(values, axis=-1)
    return tf.reduce_prod(stacked ** weights, axis=-1)


def ms_ssim_loss(restored, original) -> tf.Tensor:
    return 1.0 - tf.reduce_mean(ms_ssim(restored, original))


def l1_loss(restored, original) -> tf.Tensor:
    return tf.reduce_mean(tf.abs(tf.cast(restored, tf.float32) - tf.cast(original, tf.float32)))


def vgg_loss(features_restored: Sequence[tf.Tensor], features_original: Sequence[tf.Tensor]) -> tf.Tensor:
    """Sum over the VGG blocks of the mean absolute feature difference (1/M_j ||.||_1)."""
    return tf.add_n([l1_loss(a, tf.stop_gradient(b)) for a, b in zip(features_restored, features_original)])


def distillation_loss(fake_outputs, real_outputs) -> tf.Tensor:
    """L_DIST over every discriminator's feature layers (the outputs before the logits)."""
    terms = []
    for fake, real in zip(fake_outputs, real_outputs):
        for f, r in zip(fake[:-1], real[:-1]):
            terms.append(l1_loss(f, tf.stop_gradient(r)))
    return tf.add_n(terms)


def _logits(outputs):
    return [tf.cast(o[-1], tf.float32) for o in outputs]


def generator_gan_loss(fake_outputs, kind: str = "standard") -> tf.Tensor:
    """sum_i -log D_i(x_hat, x_bar) (``standard``) or sum_i (D_i - 1)^2 (``lsgan``)."""
    if kind == "standard":
        return tf.add_n([tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(tf.ones_like(l), l))
                         for l in _logits(fake_outputs)])
    return tf.add_n([tf.reduce_mean(tf.square(l - 1.0)) for l in _logits(fake_outputs)])


def discriminator_loss(real_outputs, fake_outputs, kind: str = "standard") -> tf.Tensor:
    """sum_i -[log D_i(x_hat, x) + log(1 - D_i(x_hat, x_bar))], or its least-squares form."""
    terms = []
    for real, fake in zip(_logits(real_outputs), _logits(fake_outputs)):
        if kind == "standard":
            terms.append(tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(tf.ones_like(real), real))
                         + tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(tf.zeros_like(fake), fake)))
        else:
            terms.append(tf.reduce_mean(tf.square(real - 1.0)) + tf.reduce_mean(tf.square(fake)))
    return tf.add_n(terms)
