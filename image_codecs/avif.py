"""AVIF through Pillow (libavif with libaom's AV1 encoder, dav1d decoding): one AV1 intra frame
in a HEIF (ISO-BMFF) file, 4:2:0, BT.601 matrix, full range (libavif's defaults, signalled in
the file's colour box so that every reader converts as we do). Quality 0 (worst) to 100."""
from __future__ import annotations

from image_codecs.base import QualityRange
from image_codecs.pillow_codec import PillowCodec
from image_codecs.registry import register

__all__ = ["AvifCodec"]


@register("avif")
class AvifCodec(PillowCodec):
    """Args:
      quality: libavif's quality (it maps to AV1's quantiser).
      speed: libaom's speed, 0 (slowest, smallest files) to 10; default 6, libavif's own.
      chroma: "420" (default) or "444".
    """

    quality_range = QualityRange(0, 100, higher_is_better=True)
    pillow_format = "AVIF"
    magic = (((4, b"ftypavif"),), ((4, b"ftypavis"),))

    def __init__(self, quality: float = 60, speed: int = 6, chroma: str = "420"):
        super().__init__(quality)
        if speed not in range(11):
            raise ValueError(f"avif: speed must be 0..10, got {speed!r}")
        if chroma not in ("420", "444"):
            raise ValueError(f"avif: chroma must be '420' or '444', got {chroma!r}")
        self.speed, self.chroma = speed, chroma

    def metadata(self) -> dict:
        return {**super().metadata(), "speed": self.speed, "chroma": self.chroma}

    def save_options(self, image) -> dict:
        return {"quality": self.quality, "speed": self.speed, "codec": "aom", "range": "full",
                "subsampling": {"420": "4:2:0", "444": "4:4:4"}[self.chroma], "max_threads": 1}
