"""Real photographic textures from the images scikit-image ships, resampled per instance.

Every class region of a texture-city scene is filled from one of these photos (grass,
gravel, brick and colour photographs), with its own scale, rotation, offset and colour,
so that lossy compression erodes fine texture the way it does on camera images.
"""
from __future__ import annotations

import functools
import os

import numpy as np
from PIL import Image
from scipy import ndimage

__all__ = ["GREY", "COLOUR", "load", "sample", "tint", "texture_names"]

# Greyscale material photos and colour photographs shipped inside the skimage wheel.
GREY = {"grass": "grass.png", "gravel": "gravel.png", "brick": "brick.png", "moon": "moon.png",
        "camera": "camera.png", "page": "page.png", "coins": "coins.png"}
COLOUR = {"astronaut": "astronaut.png", "coffee": "coffee.png", "chelsea": "chelsea.png",
          "rocket": "rocket.jpg", "motorcycle": "motorcycle_left.png", "hubble": "hubble_deep_field.jpg",
          "retina": "retina.jpg", "ihc": "ihc.png"}


def texture_names() -> list[str]:
    return sorted(GREY) + sorted(COLOUR)


@functools.lru_cache(maxsize=None)
def load(name: str) -> np.ndarray:
    """Returns a texture as float32 in [0, 1]: ``[H, W]`` (grey) or ``[H, W, 3]`` (colour)."""
    import skimage.data  # pylint: disable=g-import-not-at-top

    folder = os.path.dirname(skimage.data.__file__)
    if name in GREY:
        with Image.open(os.path.join(folder, GREY[name])) as im:
            return np.asarray(im.convert("L"), np.float32) / 255.0
    if name in COLOUR:
        with Image.open(os.path.join(folder, COLOUR[name])) as im:
            return np.asarray(im.convert("RGB"), np.float32) / 255.0
    raise KeyError(f"unknown texture {name!r}; expected one of {texture_names()}")


def sample(name: str, height: int, width: int, scale: float, rng: np.random.Generator,
           angle: float | None = None) -> np.ndarray:
    """Resamples a texture onto a ``height x width`` patch.

    Args:
      name: a texture from ``texture_names()``.
      height, width: the patch size in output pixels.
      scale: output pixels per source pixel (0.5 shrinks the photo to half size).
      rng: source of the random offset (and angle when ``angle`` is None).
      angle: rotation in degrees.

    Returns:
      float32 ``[height, width]`` or ``[height, width, 3]`` in [0, 1]; the photo is
      mirrored at its borders when the patch is larger than it.
    """
    src = load(name)
    if angle is None:
        angle = float(rng.uniform(0, 360))
    theta = np.deg2rad(angle)
    cos, sin = np.cos(theta) / scale, np.sin(theta) / scale
    oy, ox = rng.uniform(0, src.shape[0]), rng.uniform(0, src.shape[1])
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    sy = oy + cos * yy - sin * xx
    sx = ox + sin * yy + cos * xx
    coords = np.stack([sy, sx])
    if src.ndim == 2:
        return ndimage.map_coordinates(src, coords, order=1, mode="mirror").astype(np.float32)
    return np.stack([ndimage.map_coordinates(src[..., c], coords, order=1, mode="mirror")
                     for c in range(3)], axis=-1).astype(np.float32)


def tint(grey: np.ndarray, rgb: tuple[float, float, float], contrast: float) -> np.ndarray:
    """Colours a grey texture: ``rgb`` at its mean, deviations scaled by ``contrast``.

    Returns float32 ``[H, W, 3]`` in [0, 1].
    """
    g = grey if grey.ndim == 2 else grey.mean(axis=-1)
    std = float(g.std()) or 1.0
    z = (g - float(g.mean())) / std
    base = np.asarray(rgb, np.float32)
    return np.clip(base * (1.0 + contrast * z[..., None]), 0.0, 1.0)
