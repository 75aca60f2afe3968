"""Rate control from real bitstreams: the quality whose measured bpp is closest to a target.

``encode_at_bpp`` searches per image; ``match_quality`` picks one quality for a whole set
of images so that two codecs can be compared at matched mean bpp, as the paper's tables do.
Both bisect the codec's ordered qualities (bpp is monotone in quality for every codec here)
and then compare the two neighbours of the crossing.
"""
from __future__ import annotations

import logging
from typing import Callable, Sequence

import numpy as np

from image_codecs import metrics, registry

__all__ = ["qualities", "encode_at_bpp", "match_quality"]


def qualities(codec: str, **options) -> list[float]:
    """The codec's valid qualities, ordered from fewest to most bits."""
    cls = registry.codec_class(codec)
    available = getattr(cls, "available_qualities", None)
    values = list(available(**options)) if available else list(
        range(int(cls.quality_range.low), int(cls.quality_range.high) + 1))
    return sorted(values, reverse=not cls.quality_range.higher_is_better)


def _closest(candidates: Sequence[float], measure: Callable[[float], float], target: float,
             codec: str) -> tuple[float, float]:
    """Bisects increasing ``measure`` over ``candidates``; returns (candidate, its value), with a
    warning when the target lies beyond what the first or last candidate reaches."""
    cache: dict[float, float] = {}

    def value(i: int) -> float:
        q = candidates[i]
        if q not in cache:
            cache[q] = measure(q)
        return cache[q]

    lo, hi = 0, len(candidates) - 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if value(mid) < target:
            lo = mid
        else:
            hi = mid
    best = min((lo, hi), key=lambda i: abs(value(i) - target))
    q, reached = candidates[best], value(best)
    if (best == 0 and target < reached) or (best == len(candidates) - 1 and target > reached):
        logging.warning("rate control: %s comes no closer to %g bpp than %.4g bpp (quality %g, the end of its "
                        "range); coding at that quality", codec, target, reached, q)
    return q, reached


def encode_at_bpp(codec: str, image: np.ndarray, target_bpp: float, **options) -> tuple[float, bytes]:
    """Encodes ``image`` at the quality whose real bpp is closest to ``target_bpp``.

    Returns:
      (quality, bitstream).
    """
    h, w = image.shape[:2]
    streams: dict[float, bytes] = {}

    def measure(q: float) -> float:
        streams[q] = registry.make_codec(codec, q, **options).encode(image)
        return metrics.bpp(len(streams[q]), h, w)

    quality, _ = _closest(qualities(codec, **options), measure, target_bpp, codec)
    return quality, streams[quality]


def match_quality(codec: str, images: Sequence[np.ndarray], target_bpp: float, **options) -> tuple[float, float]:
    """One quality for all ``images`` whose mean real bpp is closest to ``target_bpp``.

    Returns:
      (quality, mean bpp at that quality).
    """

    return _closest(qualities(codec, **options), lambda q: mean_bpp(codec, q, images, **options), target_bpp, codec)


def mean_bpp(codec: str, quality: float, images: Sequence[np.ndarray], **options) -> float:
    """The mean real bpp of ``images`` coded with ``codec`` at ``quality``."""
    c = registry.make_codec(codec, quality, **options)
    return float(np.mean([metrics.bpp(len(c.encode(im)), *im.shape[:2]) for im in images]))
