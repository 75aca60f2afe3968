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


def _fit(rate: Sequence[float], quality: Sequence[float], name: str, what: str, of_quality: bool):
    """The cubic (or lower, with fewer points) fit of log(rate) as a function of quality
    (``of_quality``; BD-rate) or of quality as a function of log(rate) (BD-quality), and the
    range of its variable."""
    rate, quality = np.asarray(rate, np.float64), np.asarray(quality, np.float64)
    if rate.shape != quality.shape or rate.ndim != 1 or len(rate) < 2:
        raise ValueError(f"{what}: {name} needs at least two (rate, quality) points of equal length")
    if (rate <= 0).any() or not np.isfinite(quality).all():
        raise ValueError(f"{what}: {name} has a non-positive rate or a non-finite quality")
    if of_quality and len(np.unique(quality)) < len(quality):
        raise ValueError(f"{what}: {name} has repeated quality values {quality.tolist()}")
    x, y = (quality, np.log(rate)) if of_quality else (np.log(rate), quality)
    return np.polyfit(x, y, min(3, len(x) - 1)), x.min(), x.max()


def _mean_gap(anchor: tuple, test: tuple, what: str, of_quality: bool) -> float:
    """Mean of the test fit minus the anchor fit over the range both curves cover."""
    p_anchor, lo_a, hi_a = _fit(*anchor, "anchor", what, of_quality)
    p_test, lo_t, hi_t = _fit(*test, "test", what, of_quality)
    lo, hi = max(lo_a, lo_t), min(hi_a, hi_t)
    if hi <= lo:
        raise ValueError(f"{what}: {'quality' if of_quality else 'rate'} ranges do not overlap "
                         f"([{lo_a:.3f}, {hi_a:.3f}] vs [{lo_t:.3f}, {hi_t:.3f}])")
    int_anchor, int_test = np.polyint(p_anchor), np.polyint(p_test)
    return float(((np.polyval(int_test, hi) - np.polyval(int_test, lo))
                  - (np.polyval(int_anchor, hi) - np.polyval(int_anchor, lo))) / (hi - lo))


def bd_rate(anchor_rate: Sequence[float], anchor_quality: Sequence[float],
            test_rate: Sequence[float], test_quality: Sequence[float]) -> float:
    """Percent rate change of ``test`` against ``anchor`` at equal quality (negative: the test
    codec needs fewer bits). Raises ValueError when the quality ranges do not overlap."""
    gap = _mean_gap((anchor_rate, anchor_quality), (test_rate, test_quality), "bd_rate", of_quality=True)
    return float((np.exp(gap) - 1) * 100)


def bd_quality(anchor_rate: Sequence[float], anchor_quality: Sequence[float],
               test_rate: Sequence[float], test_quality: Sequence[float]) -> float:
    """Mean quality change of ``test`` against ``anchor`` at equal rate (BD-PSNR, or BD-mIoU for a
    task accuracy): quality fitted as a polynomial of log(rate) and integrated over the rates
    both curves share. Raises ValueError when the rate ranges do not overlap."""
    return _mean_gap((anchor_rate, anchor_quality), (test_rate, test_quality), "bd_quality", of_quality=False)


def rate_savings(anchor_rate, anchor_quality, test_rate, test_quality) -> float:
    """The paper's "rate savings" (%): positive when ``test`` needs fewer bits than ``anchor``."""
    return -bd_rate(anchor_rate, anchor_quality, test_rate, test_quality)
