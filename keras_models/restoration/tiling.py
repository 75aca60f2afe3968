"""Restoration of images of any size in overlapping tiles, blended without seams.

Each output tile of ``tile`` x ``tile`` pixels is computed from an input window extended by
``margin`` context pixels on every side (mirrored at the image border), and neighbouring
tiles overlap by ``overlap`` pixels, blended with linear ramps. With a margin at least the
network's receptive-field radius, a purely local network gives exactly the whole-image result;
networks with instance normalisation (FineNet) use per-window statistics, which the overlap
blending hides. Memory is bounded by the window size, not the image size.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from keras_models.restoration.tile_options import TileOptions

__all__ = ["tile_starts", "restore_tiled", "TileOptions"]
_DEFAULT = TileOptions()


def tile_starts(length: int, tile: int, overlap: int) -> list[int]:
    """Start offsets of tiles of ``tile`` covering ``length`` with at least ``overlap`` overlap."""
    if length <= tile:
        return [0]
    stride = tile - overlap
    if stride <= 0:
        raise ValueError(f"overlap {overlap} must be smaller than the tile {tile}")
    starts = list(range(0, length - tile, stride)) + [length - tile]
    return sorted(set(starts))


def _ramp(length: int, overlap: int, first: bool, last: bool) -> np.ndarray:
    w = np.ones(length, np.float64)
    if overlap > 0:
        ramp = (np.arange(overlap) + 0.5) / overlap
        if not first:
            w[:overlap] = ramp
        if not last:
            w[-overlap:] = ramp[::-1]
    return w


def restore_tiled(restore: Callable[[np.ndarray], np.ndarray], image: np.ndarray, tile: int = _DEFAULT.tile,
                  margin: int = _DEFAULT.margin, overlap: int = _DEFAULT.overlap, multiple: int = 8) -> np.ndarray:
    """Restores uint8 [H, W, 3] ``image`` with ``restore`` (float32 [1, h, w, 3] in 0..255 ->
    the same shape) applied to windows of at most (tile + 2 * margin) pixels a side.

    Windows are padded by mirroring to multiples of ``multiple`` (the network's stride).

    Returns:
      uint8 [H, W, 3].
    """
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"expected an RGB image [H, W, 3], got shape {image.shape}")
    h, w = image.shape[:2]
    out = np.zeros((h, w, 3), np.float64)
    weight = np.zeros((h, w, 1), np.float64)
    ys, xs = tile_starts(h, tile, overlap), tile_starts(w, tile, overlap)
    th, tw = min(tile, h), min(tile, w)
    padded = np.pad(image, ((margin, margin), (margin, margin), (0, 0)), mode="symmetric").astype(np.float32)
    for i, y in enumerate(ys):
        for j, x in enumerate(xs):
            window = padded[y:y + th + 2 * margin, x:x + tw + 2 * margin]
            wh, ww = window.shape[:2]
            ph, pw = -wh % multiple, -ww % multiple
            if ph or pw:
                window = np.pad(window, ((0, ph), (0, pw), (0, 0)), mode="symmetric")
            result = np.asarray(restore(window[None]))[0, margin:margin + th, margin:margin + tw]
            wy = _ramp(th, overlap if len(ys) > 1 else 0, i == 0, i == len(ys) - 1)
            wx = _ramp(tw, overlap if len(xs) > 1 else 0, j == 0, j == len(xs) - 1)
            wt = (wy[:, None] * wx[None, :])[..., None]
            out[y:y + th, x:x + tw] += result * wt
            weight[y:y + th, x:x + tw] += wt
    return np.clip(np.round(out / weight), 0, 255).astype(np.uint8)
