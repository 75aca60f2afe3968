"""Codecs whose standard files Pillow writes and reads (JPEG, WebP, JPEG 2000, AVIF): one
encode and one guarded decode, each subclass naming its format, magic bytes and save options.

Decoding checks the magic bytes, then the pixel budget against the header's declared size,
then lets Pillow decode; every failure is the codec's ``BitstreamError`` naming the codec."""
from __future__ import annotations

import abc
import io

import numpy as np
from PIL import Image

from image_datasets import pixel_budget
from image_codecs.base import BitstreamError, Codec, check_image

__all__ = ["PillowCodec"]


class PillowCodec(Codec):
    """Subclasses set ``pillow_format`` (Pillow's name), ``magic`` (the accepted file starts:
    tuples of (offset, bytes), all of which must match) and implement ``save_options``."""

    pillow_format: str = ""
    magic: tuple[tuple[tuple[int, bytes], ...], ...] = ()

    @abc.abstractmethod
    def save_options(self, image) -> dict:
        """Keyword arguments of Pillow's ``Image.save`` of ``image`` (uint8[H, W, 3]) at this
        quality with these options."""

    def encode(self, image: np.ndarray) -> bytes:
        image = check_image(image, self.name)
        buffer = io.BytesIO()
        Image.fromarray(image).save(buffer, format=self.pillow_format, **self.save_options(image))
        return buffer.getvalue()

    def decode(self, data: bytes) -> np.ndarray:
        if not any(all(data[o:o + len(m)] == m for o, m in start) for start in self.magic):
            raise BitstreamError(f"{self.name}: data does not start like a {self.pillow_format} file "
                                 f"(first bytes {bytes(data[:12])!r})")
        pixel_budget.check_image_bytes(data, self.name)
        try:
            with Image.open(io.BytesIO(data)) as im:
                if im.format != self.pillow_format:
                    raise BitstreamError(f"{self.name}: data is {im.format}, not {self.pillow_format}")
                im.load()
                return np.asarray(im.convert("RGB"))
        except BitstreamError:
            raise
        except Exception as e:  # Pillow raises several types on corrupt data.
            raise BitstreamError(f"{self.name}: cannot decode: {type(e).__name__}: {e}") from e
