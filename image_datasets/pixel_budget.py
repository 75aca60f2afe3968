"""One limit on the pixels any decoder may allocate, checked from the header before decoding.

A few hundred bytes can declare a 20000x20000 image (a PNG of one colour, a BPG or JPEG header
with its size rewritten, an MSH or IR2I stream with a forged shape); decoding them allocates
gigabytes. Every place an image or bitstream enters (the codecs' ``decode``, ingestion,
``dsr data inspect``, ``dsr restore``, the REST server) reads the declared size first and asks
``check``. The default, 40 megapixels, covers the largest supported dataset (INRIA Aerial's
5000x5000 tiles, Semantic Drone's 6000x4000 frames); ``DSR_MAX_PIXELS`` changes it.
"""
from __future__ import annotations

import io
import os
import threading
from typing import Optional, Union

from image_datasets import storage

__all__ = ["DEFAULT_MAX_PIXELS", "PixelBudgetError", "max_pixels", "check", "declared_size", "check_image_bytes"]

DEFAULT_MAX_PIXELS = 40_000_000
ENV = "DSR_MAX_PIXELS"
# Pillow's own bomb limit is a module global; reading a header past it switches it off for a
# moment, one thread at a time, so that no interleaving leaves it switched off.
_PILLOW_LIMIT = threading.Lock()


class PixelBudgetError(ValueError):
    """An image or bitstream declares more pixels than the budget allows: ``what`` names it,
    ``reason`` says by how much."""

    def __init__(self, what: str, reason: str):
        super().__init__(what, reason)  # both in ``args``, so that it pickles
        self.what, self.reason = what, reason

    def __str__(self):
        return f"{self.what}: {self.reason}"


def max_pixels() -> int:
    """The budget: ``$DSR_MAX_PIXELS`` or ``DEFAULT_MAX_PIXELS``."""
    value = os.environ.get(ENV)
    if value is None:
        return DEFAULT_MAX_PIXELS
    try:
        limit = int(value)
    except ValueError:
        raise ValueError(f"{ENV}={value!r} is not a whole number of pixels") from None
    if limit <= 0:
        raise ValueError(f"{ENV}={value!r} must be positive")
    return limit


def check(width: int, height: int, what: str, limit: Optional[int] = None) -> None:
    """Raises ``PixelBudgetError`` naming ``what`` and both sizes when width x height is over."""
    limit = max_pixels() if limit is None else limit
    if width * height > limit:
        raise PixelBudgetError(what, f"declares {width}x{height} = {width * height:,} pixels, over the pixel "
                                     f"budget of {limit:,} (set {ENV} to change it)")


def declared_size(source: Union[bytes, str]) -> Optional[tuple[int, int]]:
    """(width, height) from the header of a PNG, JPEG, WebP, ... file (its bytes or its path),
    without decoding its pixels; None when Pillow does not recognise it as an image."""
    from PIL import Image  # pylint: disable=g-import-not-at-top
    with _PILLOW_LIMIT:
        previous = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = None  # this budget decides, with a clearer message than Pillow's
        try:
            if isinstance(source, bytes):
                source = io.BytesIO(source)
            elif storage.is_remote(source):  # only its header is read, not its pixels
                source = storage.open_binary(source)
            with Image.open(source) as im:
                return im.size
        except Exception:  # pylint: disable=broad-except  # not an image Pillow knows: the decoder will say
            return None
        finally:
            Image.MAX_IMAGE_PIXELS = previous


def check_image_bytes(data: bytes, what: str, limit: Optional[int] = None) -> Optional[tuple[int, int]]:
    """``check`` on the declared size of encoded image bytes; returns that (width, height), or
    None (and checks nothing) when the bytes are not an image Pillow recognises."""
    size = declared_size(data)
    if size is not None:
        check(size[0], size[1], what, limit)
    return size
