"""Rate and distortion: bpp from bytes, PSNR, MS-SSIM and MS-SSIM in dB.

MS-SSIM follows Wang, Simoncelli and Bovik (2003) exactly as ``tf.image.ssim_multiscale``
computes it (11-tap Gaussian, sigma 1.5, K1 = 0.01, K2 = 0.03, five scales with weights
0.0448, 0.2856, 0.3001, 0.2363, 0.1333, symmetric padding of odd sizes before 2x2
average pooling), in numpy so that codecs need no TensorFlow. Images too small for five
scales (under 176 px on a side) use the scales that fit, with the weights renormalised.

Both run at the speed of float32 without its rounding where it matters. PSNR sums integer
squared errors exactly. MS-SSIM filters in float32, in bands of rows and one moment at a time
so that the arrays stay in cache, by symmetric shifted sums over the 'valid' positions only,
forms luminance only at the last scale (the only one that uses it), and computes each term's
distance from 1 (``1 - luminance = (mx - my)^2 / (mx^2 + my^2 + C1)``, ``1 - cs = var(x - y) /
((var(x + y) + var(x - y)) / 2 + C2)``: the same algebra) from the local moments of
``x - y`` and ``x + y``, so that nearly identical images, whose scores are a hair below 1, keep
their precision; the means and the product over scales are in float64. Results equal the
direct float64 formula within 1e-4 dB (tests/image_codecs/test_metrics.py).
"""
from __future__ import annotations

import math

import numpy as np

from image_codecs import threads

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
    return a, b


def psnr(a: np.ndarray, b: np.ndarray, max_val: float = 255.0) -> float:
    """PSNR in dB over all pixels and channels (``MAX_DB`` when identical)."""
    a, b = _check(a, b)
    if a.dtype.kind in "ui" and b.dtype.kind in "ui" and a.itemsize <= 2 and b.itemsize <= 2:
        d = (a.astype(np.int32) - b).ravel().astype(np.float64)
        mse = float(np.dot(d, d)) / max(d.size, 1)  # integer products and sums below 2**53: exact
    else:
        mse = float(np.mean((a.astype(np.float64) - b) ** 2))
    return MAX_DB if mse == 0 else min(MAX_DB, 10.0 * math.log10(max_val ** 2 / mse))


def _kernel() -> np.ndarray:
    x = np.arange(FILTER_SIZE, dtype=np.float64) - (FILTER_SIZE - 1) / 2.0
    g = np.exp(-(x ** 2) / (2 * FILTER_SIGMA ** 2))
    return g / g.sum()


_KERNEL32 = _kernel().astype(np.float32)  # the taps the float32 filter multiplies by


BAND_ROWS = 32  # output rows per band: a band's working set stays in cache


def _valid_filter(plane: np.ndarray, axis: int) -> np.ndarray:
    """The 11-tap Gaussian along ``axis`` of ``plane``, 'valid' positions only, as symmetric
    shifted sums in the plane's dtype (the kernel is symmetric: 6 products per output, not 11),
    into one output and one scratch array."""
    k = _KERNEL32.astype(plane.dtype, copy=False)
    r = FILTER_SIZE // 2
    n = plane.shape[axis] - 2 * r

    def shifted(i):
        return plane[(slice(None),) * axis + (slice(i, i + n),)]

    out = np.multiply(shifted(r), k[r])
    pair = np.empty_like(out)
    for i in range(r):
        np.add(shifted(i), shifted(2 * r - i), out=pair)
        pair *= k[i]
        out += pair
    return out


def _blur(planes: np.ndarray) -> np.ndarray:
    """The 'valid' Gaussian blur of ``[C, H, W]`` planes."""
    return _valid_filter(_valid_filter(planes, 1), 2)


def _band_deficit_sums(s: np.ndarray, d: np.ndarray, offset: float, max_val: float,
                       luminance: bool) -> tuple[np.ndarray | None, np.ndarray, int]:
    """Per channel, the sums of ``1 - SSIM`` (only when ``luminance``: the last scale is the only
    one that needs it) and of ``1 - cs`` (float64) over the 'valid' positions of a band of
    ``s = x + y`` and ``d = x - y`` (``[C, rows, W]`` float32, images centred by ``offset``),
    and how many positions were summed. Each moment is filtered on its own, so that a filter's
    arrays stay in cache, the terms are formed in place, and each channel's sum runs over
    contiguous memory."""
    c1, c2 = (0.01 * max_val) ** 2, (0.03 * max_val) ** 2
    ms, md = _blur(s), _blur(d)
    square = np.square(s)
    var_s = _blur(square)
    var_d = _blur(np.square(d, out=square))
    md2 = np.square(md)
    var_d -= md2
    var_s -= ms * ms if luminance else np.square(ms, out=ms)
    var_s += var_d  # -> (var(x + y) + var(x - y)) / 2 + C2
    var_s *= 0.5
    var_s += c2
    con = np.divide(var_d, var_s, out=var_d)  # 1 - contrast-structure
    cs_sum = con.sum(axis=(1, 2), dtype=np.float64)
    count = con.shape[1] * con.shape[2]
    if not luminance:
        return None, cs_sum, count
    # 1 - luminance = md^2 / (mx^2 + my^2 + C1), where mx^2 + my^2 = ((ms + 2 offset)^2 + md^2) / 2
    ms += 2 * offset
    den = np.square(ms, out=ms)
    den += md2
    den *= 0.5
    den += c1
    lum = np.divide(md2, den, out=md2)
    # 1 - SSIM = 1 - (1 - lum)(1 - con) = con + lum - lum * con
    lum_con = np.multiply(lum, con, out=den)
    return (cs_sum + lum.sum(axis=(1, 2), dtype=np.float64) - lum_con.sum(axis=(1, 2), dtype=np.float64), cs_sum,
            count)


def _ssim_and_cs_deficits(s: np.ndarray, d: np.ndarray, offset: float, max_val: float,
                          luminance: bool) -> tuple[np.ndarray | None, np.ndarray]:
    """Per channel, the means of ``1 - SSIM`` (None unless ``luminance``) and ``1 - cs``
    (float64), computed in bands of ``BAND_ROWS`` output rows (each reads its 10 rows of halo),
    so that the filtered moments of a whole picture are never held at once. The bands run on
    ``threads``' pool and are summed in order, so the value does not depend on the number of
    threads."""
    r = FILTER_SIZE // 2
    rows = s.shape[1] - 2 * r
    bands = [(top, min(top + BAND_ROWS, rows) + 2 * r) for top in range(0, rows, BAND_ROWS)]
    sums = threads.map_in_order(lambda band: _band_deficit_sums(s[:, band[0]:band[1]], d[:, band[0]:band[1]],
                                                                offset, max_val, luminance), bands)
    count = sum(n for _, _, n in sums)
    ssim_deficit = sum(a for a, _, _ in sums) / count if luminance else None
    return ssim_deficit, sum(b for _, b, _ in sums) / count


def _downsample(planes: np.ndarray) -> np.ndarray:
    """2x2 average pooling of ``[C, H, W]`` planes, odd sizes padded symmetrically."""
    h, w = planes.shape[1:]
    if h % 2 or w % 2:
        planes = np.pad(planes, ((0, 0), (0, h % 2), (0, w % 2)), mode="symmetric")
    pooled = planes[:, 0::2] + planes[:, 1::2]
    pooled = pooled[:, :, 0::2] + pooled[:, :, 1::2]
    pooled *= 0.25
    return pooled


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
    a, b = _check(a, b)
    if a.ndim == 2:
        a, b = a[..., None], b[..., None]
    scales = ms_ssim_scales(*a.shape[:2])
    if scales == 0:
        raise ValueError(f"MS-SSIM needs at least {FILTER_SIZE}x{FILTER_SIZE} pixels, got {a.shape[:2]}")
    weights = np.array(POWER_FACTORS[:scales])
    weights = weights / weights.sum()
    offset = max_val / 2
    # [C, H, W] planes: a channel's rows are contiguous
    x = np.moveaxis(np.asarray(a, np.float32), -1, 0) - np.float32(offset)
    y = np.moveaxis(np.asarray(b, np.float32), -1, 0) - np.float32(offset)
    s, d = np.add(x, y, order="C"), np.subtract(x, y, order="C")
    del x, y
    log_value = np.zeros(a.shape[-1])
    for k in range(scales):
        if k:
            s, d = _downsample(s), _downsample(d)  # linear: pooling x and y, then adding, is the same
        last = k == scales - 1  # the last scale takes SSIM, the others contrast-structure alone
        ssim_deficit, cs_deficit = _ssim_and_cs_deficits(s, d, offset, max_val, luminance=last)
        deficit = ssim_deficit if last else cs_deficit
        # max(value, 0) ** weight, in logs: log1p keeps values a hair below 1 exact.
        with np.errstate(divide="ignore"):  # a value of 0 contributes log 0 = -inf: the product is 0
            log_value += weights[k] * np.log1p(-np.minimum(deficit, 1.0))
    return float(np.exp(log_value).mean())


def ms_ssim_db(value: float) -> float:
    """MS-SSIM in dB as the paper reports it: ``-10 log10(1 - MS-SSIM)``."""
    return MAX_DB if value >= 1.0 else min(MAX_DB, -10.0 * math.log10(1.0 - value))
