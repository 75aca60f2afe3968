"""JPEG 2000 through Pillow (OpenJPEG): a raw codestream (``.j2k``) with the irreversible 9/7
wavelet and the irreversible colour transform (YCbCr, BT.601, full range, 4:4:4). The quality
is the compression ratio against 24-bit RGB, so the rate is about 24 / quality bpp (OpenJPEG's
rate control; the file's bytes decide the reported bpp). Decoding also reads JP2 files."""
from __future__ import annotations

from image_codecs.base import QualityRange
from image_codecs.pillow_codec import PillowCodec
from image_codecs.registry import register

__all__ = ["Jp2kCodec"]

CODESTREAM = b"\xff\x4f\xff\x51"  # SOC then SIZ
JP2_SIGNATURE = b"\x00\x00\x00\x0cjP  \r\n\x87\n"


@register("jp2k")
class Jp2kCodec(PillowCodec):
    """Args:
      quality: the compression ratio (1 = as many bits as raw RGB; 200 = about 0.12 bpp).
      resolutions: wavelet decomposition levels + 1 (OpenJPEG's default 6); an image too small
        for them gets as many as its shorter side allows.
    """

    quality_range = QualityRange(1, 5000, higher_is_better=False, integer=False)
    pillow_format = "JPEG2000"
    magic = (((0, CODESTREAM),), ((0, JP2_SIGNATURE),))

    def __init__(self, quality: float = 100, resolutions: int = 6):
        super().__init__(quality)
        if resolutions not in range(1, 33):
            raise ValueError(f"jp2k: resolutions must be 1..32, got {resolutions!r}")
        self.resolutions = resolutions

    def metadata(self) -> dict:
        return {**super().metadata(), "resolutions": self.resolutions}

    def save_options(self, image) -> dict:
        return {"no_jp2": True, "irreversible": True, "mct": 1, "quality_mode": "rates",
                "quality_layers": [self.quality],
                "num_resolutions": max(1, min(self.resolutions, min(image.shape[:2]).bit_length()))}
