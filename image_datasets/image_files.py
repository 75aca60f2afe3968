"""Reading images and label masks from disk into canonical arrays, and PNG coding.

Canonical forms: an image is ``uint8[H, W, 3]`` RGB; a raw mask is an integer array
``[H, W]`` of the dataset's own label ids (mapped to train ids by a ``LabelTable``).
Files in other modes are converted where the conversion is unambiguous (greyscale,
palette, RGBA/LA, CMYK, 16-bit) and rejected with ``BadImageError`` otherwise.
"""
from __future__ import annotations

import io
import os

import numpy as np
from PIL import Image

from image_datasets import pixel_budget, storage

__all__ = ["BadImageError", "check_budget", "read_image", "read_mask", "encode_png", "decode_png", "to_uint8_rgb",
           "pair_by_stem"]

_TIFF = (".tif", ".tiff")


class BadImageError(ValueError):
    """An image or mask file cannot be used; the message names the file and the reason."""

    def __init__(self, path: str, reason: str, code: str = "unreadable"):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.code = code


def check_budget(path: str, width: int, height: int) -> None:
    """``pixel_budget.check`` on a file's declared size, as the ``BadImageError`` (code
    ``too_large``) that names the file."""
    try:
        pixel_budget.check(width, height, path)
    except pixel_budget.PixelBudgetError as e:
        raise BadImageError(path, e.reason, "too_large") from e


def _open_image(path: str) -> Image.Image:
    """Pillow's image of a local file, or of a remote file's bytes."""
    if storage.is_remote(path):
        with storage.open_binary(path) as f:
            return Image.open(io.BytesIO(f.read()))
    return Image.open(path)


def _open_array(path: str) -> tuple[np.ndarray, str]:
    """Returns the raw pixel array and the PIL mode (or 'tiff') of a file."""
    if not storage.exists(path):
        if storage.islink(path):
            raise BadImageError(path, "symlink loop or dangling symlink (its target does not resolve)", "missing")
        raise BadImageError(path, "file does not exist", "missing")
    if path.lower().endswith(_TIFF):
        import tifffile  # pylint: disable=g-import-not-at-top

        try:
            if storage.is_remote(path):
                with storage.open_binary(path) as f:
                    return np.asarray(tifffile.imread(io.BytesIO(f.read()))), "tiff"
            return np.asarray(tifffile.imread(path)), "tiff"
        except Exception:  # pylint: disable=broad-except
            pass  # Fall back to Pillow, which reads some TIFFs tifffile does not.
    try:
        with _open_image(path) as im:
            check_budget(path, *im.size)
            im.load()
            mode = im.mode
            if mode in ("P", "PA"):
                # Palette indices for masks; colours for images are resolved by the caller.
                return np.asarray(im), mode
            if mode in ("CMYK", "YCbCr", "LAB", "HSV"):
                return np.asarray(im.convert("RGB")), "RGB"
            if mode == "1":
                return np.asarray(im, dtype=np.uint8), "L"
            return np.asarray(im), mode
    except BadImageError:
        raise
    except Image.DecompressionBombError as e:  # over twice Pillow's own limit: refused by Image.open
        raise BadImageError(path, f"declares too many pixels to decode: {e}", "too_large") from e
    except Exception as e:  # PIL raises many types for corrupt or truncated files.
        raise BadImageError(path, f"cannot decode: {type(e).__name__}: {e}") from e


def to_uint8_rgb(array: np.ndarray, path: str = "<array>") -> np.ndarray:
    """Converts a decoded pixel array to ``uint8[H, W, 3]``.

    Greyscale is replicated, an alpha channel is dropped, 16-bit data keeps its 8 most
    significant bits and floats in [0, 1] are scaled by 255.
    """
    a = np.asarray(array)
    if a.ndim == 3 and a.shape[2] in (2, 4):  # LA / RGBA: drop alpha.
        a = a[..., :-1]
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[..., 0]
    if a.ndim == 2:
        a = np.repeat(a[..., None], 3, axis=2)
    if a.ndim != 3 or a.shape[2] != 3:
        raise BadImageError(path, f"unsupported pixel layout {array.shape}", "mode")
    if a.dtype == np.uint8:
        return np.ascontiguousarray(a)
    if a.dtype == np.uint16:
        return (a >> 8).astype(np.uint8)
    if a.dtype in (np.int32, np.uint32, np.int64) and a.max(initial=0) <= 65535 and a.min(initial=0) >= 0:
        return (a >> 8).astype(np.uint8) if a.max(initial=0) > 255 else a.astype(np.uint8)
    if np.issubdtype(a.dtype, np.floating) and np.nanmin(a) >= 0.0 and np.nanmax(a) <= 1.0:
        return np.round(np.nan_to_num(a) * 255.0).astype(np.uint8)
    raise BadImageError(path, f"unsupported sample type {a.dtype} (range {a.min()}..{a.max()})", "mode")


def read_image(path: str) -> np.ndarray:
    """Reads an image file as ``uint8[H, W, 3]`` RGB.

    Raises:
      BadImageError: the file is missing, corrupt, truncated or of an unsupported type.
    """
    array, mode = _open_array(path)
    if mode in ("P", "PA"):
        with _open_image(path) as im:
            array = np.asarray(im.convert("RGB"))
    if mode.startswith("I;16") or mode == "I":
        array = array.astype(np.int64)
    image = to_uint8_rgb(array, path)
    if image.shape[0] == 0 or image.shape[1] == 0:
        raise BadImageError(path, "image is empty", "unreadable")
    return image


def read_mask(path: str) -> np.ndarray:
    """Reads a label mask as an integer array ``[H, W]`` of raw label ids.

    Single-channel masks (8/16-bit, palette indices, binary) are read as they are; an
    RGB(A) mask whose channels are equal is read from its first channel.

    Raises:
      BadImageError: missing/corrupt file, or a colour mask whose channels differ.
    """
    array, _ = _open_array(path)
    if array.ndim == 3:
        channels = array[..., :3] if array.shape[2] >= 3 else array[..., :1]
        if not (channels == channels[..., :1]).all():
            raise BadImageError(
                path, f"mask has {array.shape[2]} channels with different values; "
                "expected one channel of label ids (convert colour masks first)", "mode")
        array = channels[..., 0]
    if array.ndim != 2:
        raise BadImageError(path, f"mask has unsupported shape {array.shape}", "mode")
    if not np.issubdtype(array.dtype, np.integer) and array.dtype != bool:
        if np.all(np.mod(array, 1) == 0):
            array = array.astype(np.int64)
        else:
            raise BadImageError(path, f"mask holds non-integer values ({array.dtype})", "mode")
    return array.astype(np.int64) if array.dtype != np.uint8 else array


def encode_png(array: np.ndarray) -> bytes:
    """Losslessly encodes ``uint8[H, W]`` or ``uint8[H, W, 3]`` as PNG bytes."""
    if array.dtype != np.uint8:
        raise ValueError(f"encode_png expects uint8, got {array.dtype}")
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def decode_png(data: bytes) -> np.ndarray:
    """Decodes PNG bytes to a uint8 array (``[H, W]`` or ``[H, W, 3]``)."""
    with Image.open(io.BytesIO(data)) as im:
        return np.asarray(im)


def pair_by_stem(first: list[str], second: list[str]) -> list[tuple[str, str]]:
    """Pairs files of two lists whose names without extension are equal (``a/x.jpg`` with
    ``b/x.png``), in sorted order.

    Raises:
      ValueError: a name given twice in one list, or a file without a partner (named).
    """
    def by_stem(paths, which):
        out = {}
        for p in sorted(paths):
            stem = os.path.splitext(os.path.basename(p))[0]
            if stem in out:
                raise ValueError(f"{which}: {out[stem]} and {p} have the same name {stem!r}")
            out[stem] = p
        return out

    a, b = by_stem(first, "first list"), by_stem(second, "second list")
    unmatched = sorted(set(a) ^ set(b))
    if unmatched:
        stem = unmatched[0]
        raise ValueError(f"{len(unmatched)} files have no partner of the same name, e.g. {a.get(stem) or b[stem]}")
    return [(a[s], b[s]) for s in sorted(a)]
