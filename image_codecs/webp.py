"""Lossy WebP through Pillow (libwebp): VP8 intra coding, 4:2:0, BT.601 limited range (libwebp's
fixed conversion). Quality 0 (worst) to 100."""
from __future__ import annotations

from image_codecs.base import QualityRange
from image_codecs.pillow_codec import PillowCodec
from image_codecs.registry import register

__all__ = ["WebpCodec"]


@register("webp")
class WebpCodec(PillowCodec):
    """Args:
      quality: libwebp's quality factor.
      method: libwebp's speed/size trade-off, 0 (fastest) to 6 (smallest files); default 4,
        libwebp's own default.
    """

    quality_range = QualityRange(0, 100, higher_is_better=True)
    pillow_format = "WEBP"
    magic = (((0, b"RIFF"), (8, b"WEBP")),)

    def __init__(self, quality: float = 75, method: int = 4):
        super().__init__(quality)
        if method not in range(7):
            raise ValueError(f"webp: method must be 0..6, got {method!r}")
        self.method = method

    def metadata(self) -> dict:
        return {**super().metadata(), "method": self.method}

    def save_options(self, image) -> dict:
        return {"quality": self.quality, "method": self.method, "lossless": False, "exact": False}
