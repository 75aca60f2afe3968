"""Rate and distortion: bpp from bytes, PSNR, MS-SSIM and MS-SSIM in dB.

MS-SSIM follows Wang, Simoncelli and Bovik (2003) exactly as ``tf.image.ssim_multiscale``
computes it (11-tap Gaussian, sigma 1.5, K1 = 0.01, K2 = 0.03, five scales with weights
0.0448, 0.2856, 0.3001, 0.2363, 0.1333, symmetric padding of odd sizes before 2x2
average pooling), in numpy so that codecs need no TensorFlow. Images too small for five
scales (under 176 px on a side) use the scales that fit, with the weights renormalised.
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["bpp", "psnr", "ms_ssim", "ms_ssim_db", "ms_ssim_scales", "MAX_DB"]

POWER_FACTORS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)
FILTER_SIZE = 11
FILTER_SIGMA = 1.5
MAX_DB = 100.0  # Reported for identical images (lossless), where the true value is infinite.


def bpp(num_bytes: int, height: int, width: int) -> float:
    """Bits per pixel of a bitstream of ``num_bytes`` for an image of ``height x width``."""
    return num_bytes * 8.0 / (height * width)


def _check(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        raise ValueError(f"images differ in shape: {a.shape} vs {b.shape}")
    return a.astype(np.float64), b.astype(np.float64)


def psnr(a: np.ndarray, b: np.ndarray, max_val: float = 255.0) -> float:
    """PSNR in dB over all pixels and channels (``MAX_DB`` when identical)."""
    a, b = _check(a, b)
    mse = float(np.mean((a - b) ** 2))
    return MAX_DB if mse == 0 else min(MAX_DB, 10.0 * math.log10(max_val ** 2 / mse))


def _kernel() -> np.ndarray:
    x = np.arange(FILTER_SIZE, dtype=np.float64) - (FILTER_SIZE - 1) / 2.0
    g = np.exp(-(x ** 2) / (2 * FILTER_SIGMA ** 2))
    return g / g.sum()


def _valid_filter(x: np.ndarray) -> np.ndarray:
    """Separable Gaussian over H and W of ``[H, W, C]``, keeping only 'valid' positions."""
    from scipy import ndimage  # pylint: disable=g-import-not-at-top  # 0.35 s: only where MS-SSIM is computed
    k = _kernel()
    y = ndimage.correlate1d(x, k, axis=0, mode="constant")
    y = ndimage.correlate1d(y, k, axis=1, mode="constant")
    r = FILTER_SIZE // 2
    return y[r:-r, r:-r]


def _ssim_and_cs(x: np.ndarray, y: np.ndarray, max_val: float) -> tuple[np.ndarray, np.ndarray]:
    c1, c2 = (0.01 * max_val) ** 2, (0.03 * max_val) ** 2
    mx, my = _valid_filter(x), _valid_filter(y)
    luminance = (2 * mx * my + c1) / (mx ** 2 + my ** 2 + c1)
    sxy = _valid_filter(x * y) - mx * my
    sxx_syy = _valid_filter(x * x + y * y) - (mx ** 2 + my ** 2)
    cs = (2 * sxy + c2) / (sxx_syy + c2)
    return (luminance * cs).mean(axis=(0, 1)), cs.mean(axis=(0, 1))


def _downsample(x: np.ndarray) -> np.ndarray:
    h, w = x.shape[:2]
    x = np.pad(x, ((0, h % 2), (0, w % 2), (0, 0)), mode="symmetric")
    return 0.25 * (x[0::2, 0::2] + x[1::2, 0::2] + x[0::2, 1::2] + x[1::2, 1::2])


def ms_ssim_scales(height: int, width: int) -> int:
    """How many of the five scales fit an image of this size."""
    scales = 0
    h, w = height, width
    while scales < len(POWER_FACTORS) and min(h, w) >= FILTER_SIZE:
        scales += 1
        h, w = (h + 1) // 2, (w + 1) // 2
    return scales


def ms_ssim(a: np.ndarray, b: np.ndarray, max_val: float = 255.0) -> float:
    """Multi-scale SSIM of two ``[H, W, C]`` (or ``[H, W]``) images, in [0, 1].

    Raises:
      ValueError: images of different shapes, or smaller than 11 px on a side.
    """
    x, y = _check(a, b)
    if x.ndim == 2:
        x, y = x[..., None], y[..., None]
    scales = ms_ssim_scales(*x.shape[:2])
    if scales == 0:
        raise ValueError(f"MS-SSIM needs at least {FILTER_SIZE}x{FILTER_SIZE} pixels, got {x.shape[:2]}")
    weights = np.array(POWER_FACTORS[:scales])
    weights = weights / weights.sum()
    values = []
    for k in range(scales):
        if k:
            x, y = _downsample(x), _downsample(y)
        ssim, cs = _ssim_and_cs(x, y, max_val)
        values.append(np.maximum(cs if k < scales - 1 else ssim, 0.0))
    per_channel = np.prod(np.stack(values, -1) ** weights, axis=-1)
    return float(per_channel.mean())


def ms_ssim_db(value: float) -> float:
    """MS-SSIM in dB as the paper reports it: ``-10 log10(1 - MS-SSIM)``."""
    return MAX_DB if value >= 1.0 else min(MAX_DB, -10.0 * math.log10(1.0 - value))
