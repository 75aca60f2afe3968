"""JPEG through Pillow (libjpeg), the classical baseline. Quality 1 (worst) to 95."""
from __future__ import annotations

import io

import numpy as np
from PIL import Image

from image_datasets import pixel_budget
from image_codecs.base import BitstreamError, Codec, QualityRange, check_image
from image_codecs.registry import register

__all__ = ["JpegCodec"]


@register("jpeg")
class JpegCodec(Codec):
    """Baseline JPEG, 4:2:0 chroma, optimised Huffman tables."""

    quality_range = QualityRange(1, 95, higher_is_better=True)

    def encode(self, image: np.ndarray) -> bytes:
        image = check_image(image, self.name)
        buffer = io.BytesIO()
        Image.fromarray(image).save(buffer, format="JPEG", quality=self.quality, optimize=True, subsampling=2)
        return buffer.getvalue()

    def decode(self, data: bytes) -> np.ndarray:
        if not data.startswith(b"\xff\xd8"):
            raise BitstreamError("jpeg: data does not start with the JPEG SOI marker")
        pixel_budget.check_image_bytes(data, "jpeg")
        try:
            with Image.open(io.BytesIO(data)) as im:
                if im.format != "JPEG":
                    raise BitstreamError(f"jpeg: data is {im.format}, not JPEG")
                im.load()
                return np.asarray(im.convert("RGB"))
        except BitstreamError:
            raise
        except Exception as e:  # Pillow raises several types on corrupt data.
            raise BitstreamError(f"jpeg: cannot decode: {type(e).__name__}: {e}") from e
