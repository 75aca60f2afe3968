"""Bjøntegaard delta rate (VCEG-M33 / VCEG-AI11): the average bit-rate difference between two
rate-distortion curves at equal quality.

log(rate) is fitted as a cubic polynomial of quality (fewer points: the highest degree they
allow), both fits are integrated over the quality interval the curves share, and the mean
log-rate difference is turned into a percentage. Quality is usually PSNR or MS-SSIM in dB.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

__all__ = ["bd_rate", "bd_quality", "rate_savings"]


def _fit(rate: Sequence[float], quality: Sequence[float], name: str):
    rate, quality = np.asarray(rate, np.float64), np.asarray(quality, np.float64)
    if rate.shape != quality.shape or rate.ndim != 1 or len(rate) < 2:
        raise ValueError(f"bd_rate: {name} needs at least two (rate, quality) points of equal length")
    if (rate <= 0).any() or not np.isfinite(quality).all():
        raise ValueError(f"bd_rate: {name} has a non-positive rate or a non-finite quality")
    if len(np.unique(quality)) < len(quality):
        raise ValueError(f"bd_rate: {name} has repeated quality values {quality.tolist()}")
    degree = min(3, len(rate) - 1)
    return np.polyfit(quality, np.log(rate), degree), quality.min(), quality.max()


def bd_rate(anchor_rate: Sequence[float], anchor_quality: Sequence[float],
            test_rate: Sequence[float], test_quality: Sequence[float]) -> float:
    """Percent rate change of ``test`` against ``anchor`` at equal quality (negative: the test
    codec needs fewer bits). Raises ValueError when the quality ranges do not overlap."""
    p_anchor, lo_a, hi_a = _fit(anchor_rate, anchor_quality, "anchor")
    p_test, lo_t, hi_t = _fit(test_rate, test_quality, "test")
    lo, hi = max(lo_a, lo_t), min(hi_a, hi_t)
    if hi <= lo:
        raise ValueError(f"bd_rate: quality ranges do not overlap ([{lo_a:.3f}, {hi_a:.3f}] vs [{lo_t:.3f}, {hi_t:.3f}])")
    return float((np.exp(_mean_difference(p_anchor, p_test, lo, hi)) - 1) * 100)


def _mean_difference(p_anchor, p_test, lo: float, hi: float) -> float:
    """Mean of polynomial ``p_test`` minus ``p_anchor`` over [lo, hi]."""
    int_anchor, int_test = np.polyint(p_anchor), np.polyint(p_test)
    return float(((np.polyval(int_test, hi) - np.polyval(int_test, lo))
                  - (np.polyval(int_anchor, hi) - np.polyval(int_anchor, lo))) / (hi - lo))


def bd_quality(anchor_rate: Sequence[float], anchor_quality: Sequence[float],
               test_rate: Sequence[float], test_quality: Sequence[float]) -> float:
    """Mean quality change of ``test`` against ``anchor`` at equal rate (BD-PSNR, or BD-mIoU for a
    task accuracy): quality fitted as a polynomial of log(rate) and integrated over the rates
    both curves share. Raises ValueError when the rate ranges do not overlap."""
    def fit(rate, quality, name):
        rate, quality = np.asarray(rate, np.float64), np.asarray(quality, np.float64)
        if rate.shape != quality.shape or len(rate) < 2 or (rate <= 0).any():
            raise ValueError(f"bd_quality: {name} needs at least two points with positive rates")
        x = np.log(rate)
        return np.polyfit(x, quality, min(3, len(x) - 1)), x.min(), x.max()

    p_anchor, lo_a, hi_a = fit(anchor_rate, anchor_quality, "anchor")
    p_test, lo_t, hi_t = fit(test_rate, test_quality, "test")
    lo, hi = max(lo_a, lo_t), min(hi_a, hi_t)
    if hi <= lo:
        raise ValueError("bd_quality: the rate ranges do not overlap")
    return _mean_difference(p_anchor, p_test, lo, hi)

def rate_savings(anchor_rate, anchor_quality, test_rate, test_quality) -> float:
    """The paper's "rate savings" (%): positive when ``test`` needs fewer bits than ``anchor``."""
    return -bd_rate(anchor_rate, anchor_quality, test_rate, test_quality)
