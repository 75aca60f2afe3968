"""A codec spec: which codec, at which rate (a quality, a per-image target bpp, one quality
matched to a dataset-level mean bpp or to the rate another spec achieves, or a sweep over
several qualities), with which options."""
from __future__ import annotations

import dataclasses
import re
from typing import Any, Optional

__all__ = ["CodecSpec"]


@dataclasses.dataclass(frozen=True)
class CodecSpec:
    """Exactly one of ``quality``, ``target_bpp`` (per image), ``match_bpp`` (one quality for
    the whole set, chosen on a sample), ``match`` (the key of another spec of the same run: one
    quality whose mean bpp on the sample is closest to the mean bpp that spec achieves there,
    as the paper pairs each BPG rate with an MSH rate) and ``qualities`` (a rate sweep: every
    image at each of them, in one split, for evaluating a model at every rate without
    retraining) must be given."""

    codec: str
    quality: Optional[float] = None
    target_bpp: Optional[float] = None
    match_bpp: Optional[float] = None
    options: dict[str, Any] = dataclasses.field(default_factory=dict)
    qualities: Optional[tuple[float, ...]] = None
    match: Optional[str] = None

    def __post_init__(self):
        given = [v is not None for v in (self.quality, self.target_bpp, self.match_bpp, self.qualities, self.match)]
        if sum(given) != 1:
            raise ValueError(f"codec spec for {self.codec!r}: give exactly one of quality, target_bpp, match_bpp, "
                             "match, qualities")
        if self.qualities is not None:
            object.__setattr__(self, "qualities", tuple(self.qualities))
            if len(self.qualities) < 2 or len(set(self.qualities)) != len(self.qualities):
                raise ValueError(f"codec spec for {self.codec!r}: qualities must be at least two distinct values, "
                                 f"got {list(self.qualities)}")
        for name in ("target_bpp", "match_bpp"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ValueError(f"codec spec for {self.codec!r}: {name} must be positive, got {value}")

    @property
    def key(self) -> str:
        """A short name usable in split names and file names, e.g. ``bpg_q40``, ``jpeg_bpp0.1``."""
        if self.quality is not None:
            rate = f"q{self.quality:g}"
        elif self.qualities is not None:
            rate = "q" + "-".join(f"{q:g}" for q in self.qualities)
        elif self.target_bpp is not None:
            rate = f"bpp{self.target_bpp:g}"
        elif self.match is not None:
            rate = f"m{self.match}"
        else:
            rate = f"mbpp{self.match_bpp:g}"
        extra = "".join(f"_{k}{v}" for k, v in sorted(self.options.items()) if k != "model")
        return re.sub(r"[^A-Za-z0-9_.-]", "", f"{self.codec}_{rate}{extra}")

    @property
    def is_matched(self) -> bool:
        """One quality for the whole set, chosen on a sample (``match_bpp`` or ``match``)."""
        return self.match_bpp is not None or self.match is not None

    @property
    def is_sweep(self) -> bool:
        return self.qualities is not None

    def with_quality(self, quality: float) -> "CodecSpec":
        """The same spec fixed at ``quality`` (after dataset-level matching); keeps its key's origin."""
        return dataclasses.replace(self, quality=quality, target_bpp=None, match_bpp=None, qualities=None, match=None)

    def rates(self) -> list["CodecSpec"]:
        """One spec per rate: the sweep's qualities in order, or this spec itself."""
        return [self.with_quality(q) for q in self.qualities] if self.is_sweep else [self]
