"""JPEG through Pillow (libjpeg), the classical baseline. Quality 1 (worst) to 95."""
from __future__ import annotations

from image_codecs.base import QualityRange
from image_codecs.pillow_codec import PillowCodec
from image_codecs.registry import register

__all__ = ["JpegCodec"]


@register("jpeg")
class JpegCodec(PillowCodec):
    """Baseline JPEG, 4:2:0 chroma, optimised Huffman tables."""

    quality_range = QualityRange(1, 95, higher_is_better=True)
    pillow_format = "JPEG"
    magic = (((0, b"\xff\xd8"),),)

    def save_options(self, image) -> dict:
        return {"quality": self.quality, "optimize": True, "subsampling": 2}
