"""The codec contract: ``encode(uint8[H, W, 3]) -> bytes`` and ``decode(bytes) -> uint8[H, W, 3]``.

A codec instance is configured with one quality value; bpp always counts every byte of
the bitstream (``len(bytes) * 8 / (H * W)``), never an estimate.
"""
from __future__ import annotations

import abc
import dataclasses

import numpy as np

__all__ = ["Codec", "CodecError", "BitstreamError", "QualityRange", "check_image"]


class CodecError(RuntimeError):
    """A codec could not encode or decode (the message says which input and why)."""


class BitstreamError(CodecError, ValueError):
    """A bitstream is malformed, truncated or not of this codec's format."""


@dataclasses.dataclass(frozen=True)
class QualityRange:
    """The valid qualities of a codec.

    Attributes:
      low, high: inclusive bounds.
      higher_is_better: True if a larger value gives more bits and less distortion
        (JPEG quality); False for quantiser-like values (BPG's QP).
      integer: only integer values are valid.
    """

    low: float
    high: float
    higher_is_better: bool = True
    integer: bool = True

    def check(self, quality: float, codec: str) -> float:
        if not self.low <= quality <= self.high or (self.integer and quality != int(quality)):
            kind = "an integer" if self.integer else "a number"
            raise ValueError(f"{codec}: quality must be {kind} in [{self.low:g}, {self.high:g}], got {quality!r}")
        return int(quality) if self.integer else float(quality)


def check_image(image: np.ndarray, codec: str) -> np.ndarray:
    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3 or min(image.shape[:2]) < 1:
        raise ValueError(f"{codec}: expected uint8[H, W, 3], got {image.dtype}{list(image.shape)}")
    return np.ascontiguousarray(image)


class Codec(abc.ABC):
    """Base class. Subclasses set ``name`` and ``quality_range`` and implement the two calls."""

    name: str = "codec"
    quality_range: QualityRange = QualityRange(0, 100)
    # True when a hostile stream can make ``decode`` loop in native code that no Python timeout
    # interrupts; callers decoding untrusted bytes then use ``image_codecs.guarded.decode``.
    decode_can_hang: bool = False

    def __init__(self, quality: float):
        self.quality = self.quality_range.check(quality, self.name)

    @abc.abstractmethod
    def encode(self, image: np.ndarray) -> bytes:
        """Compresses ``uint8[H, W, 3]`` to a self-contained bitstream."""

    @abc.abstractmethod
    def decode(self, data: bytes) -> np.ndarray:
        """Reconstructs ``uint8[H, W, 3]`` at the original size.

        Raises:
          BitstreamError: the data is not a valid bitstream of this codec.
        """

    def check(self, data: bytes) -> None:
        """Checks what ``decode`` does not, for bytes from outside (``guarded.decode_untrusted``):
        raises ``BitstreamError`` where a stream would decode without error to something other than
        what it declares. The default checks nothing; a codec overrides it where its decoder trusts
        a declared size (BPG: whether the HEVC slices code exactly the header's picture)."""
        del data

    def metadata(self) -> dict:
        """What identifies this codec's output (recorded next to each compressed example)."""
        return {"codec": self.name, "quality": self.quality}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(quality={self.quality})"
