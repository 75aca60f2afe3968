"""A codec spec: which codec, at which rate (a quality, a per-image target bpp, or one
quality matched to a dataset-level mean bpp), with which options."""
from __future__ import annotations

import dataclasses
import re
from typing import Any, Optional

__all__ = ["CodecSpec"]


@dataclasses.dataclass(frozen=True)
class CodecSpec:
    """Exactly one of ``quality``, ``target_bpp`` (per image) and ``match_bpp`` (one
    quality for the whole set, chosen on a sample) must be given."""

    codec: str
    quality: Optional[float] = None
    target_bpp: Optional[float] = None
    match_bpp: Optional[float] = None
    options: dict[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        given = [v is not None for v in (self.quality, self.target_bpp, self.match_bpp)]
        if sum(given) != 1:
            raise ValueError(f"codec spec for {self.codec!r}: give exactly one of quality, target_bpp, match_bpp")
        for name in ("target_bpp", "match_bpp"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ValueError(f"codec spec for {self.codec!r}: {name} must be positive, got {value}")

    @property
    def key(self) -> str:
        """A short name usable in split names and file names, e.g. ``bpg_q40``, ``jpeg_bpp0.1``."""
        if self.quality is not None:
            rate = f"q{self.quality:g}"
        elif self.target_bpp is not None:
            rate = f"bpp{self.target_bpp:g}"
        else:
            rate = f"mbpp{self.match_bpp:g}"
        extra = "".join(f"_{k}{v}" for k, v in sorted(self.options.items()) if k != "model")
        return re.sub(r"[^A-Za-z0-9_.-]", "", f"{self.codec}_{rate}{extra}")

    def with_quality(self, quality: float) -> "CodecSpec":
        """The same spec fixed at ``quality`` (after dataset-level matching); keeps its key's origin."""
        return dataclasses.replace(self, quality=quality, target_bpp=None, match_bpp=None)
