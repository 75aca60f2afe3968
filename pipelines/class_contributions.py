"""Where a difference in mIoU comes from: each class's share of ``mIoU(better) - mIoU(worse)``.

mIoU is the mean IoU over the classes a model's evaluation defines (``n`` of them), so a class
contributes ``IoU_c / n`` to it; the difference of two evaluations is the sum over classes of

    contribution_c = IoU_c(better) / n(better) - IoU_c(worse) / n(worse)

(an undefined IoU counts 0), exactly, whatever classes each defines. Over seeds the
contribution is the mean of the paired per-seed contributions, so the classes' means add up to
the mean paired difference that ``seed_statistics`` reports.

It tells two kinds of harm apart. Compression that wipes out small or thin objects (poles,
signs) takes information no restorer trained without labels can give back; compression that
only changes how large regions look (textures) shifts the training images away from the test
images, which is what dataset restoration can undo (Katakol et al. 2021, Section V).
"""
from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np

__all__ = ["per_seed", "paired_contributions", "largest"]


def per_seed(better: Sequence[float], worse: Sequence[float]) -> np.ndarray:
    """float64 [classes]: each class's contribution to ``mIoU(better) - mIoU(worse)`` for one
    pair of evaluations (per-class IoUs, NaN where undefined); sums to that difference."""
    b, w = np.asarray(better, np.float64), np.asarray(worse, np.float64)
    if b.shape != w.shape:
        raise ValueError(f"per-class IoUs of {b.size} and {w.size} classes cannot be compared")
    nb, nw = int(np.sum(~np.isnan(b))), int(np.sum(~np.isnan(w)))
    share_b = np.nan_to_num(b) / nb if nb else np.zeros_like(b)
    share_w = np.nan_to_num(w) / nw if nw else np.zeros_like(w)
    return share_b - share_w


def paired_contributions(better: Mapping[int, Sequence[float]], worse: Mapping[int, Sequence[float]]) -> np.ndarray:
    """The mean over the seeds both have of ``per_seed`` (per-class IoUs per seed).

    Raises:
      ValueError: no seed in common.
    """
    seeds = sorted(set(better) & set(worse))
    if not seeds:
        raise ValueError("no seed in common")
    return np.mean([per_seed(better[s], worse[s]) for s in seeds], axis=0)


def largest(contributions: Sequence[float], names: Sequence[str], count: int = 3) -> list[tuple[str, float]]:
    """The ``count`` classes with the largest contributions by magnitude, as (name, points)."""
    order = sorted(range(len(contributions)), key=lambda i: -abs(contributions[i]))
    return [(names[i], float(contributions[i])) for i in order[:count]
            if not math.isclose(contributions[i], 0.0, abs_tol=1e-12)]
