"""A no-reference naturalness index: NIQE's statistics measured against the original images.

The paper scores perceptual quality with HOSA (Table IV), which has no offline implementation.
We use the model of NIQE (Mittal, Soundararajan and Bovik, "Making a 'Completely Blind' Image
Quality Analyzer", 2013), which needs no training on human opinions: the mean-subtracted
contrast-normalised (MSCN) coefficients of a patch and their pairwise products (4
orientations) are fitted with generalised Gaussians (36 features over 2 scales); a
multivariate Gaussian of these features over *reference* images is the model of "natural",
and an image's index is the Mahalanobis-like distance between its own feature Gaussian and
the model. Fitting the model on the original (never compressed) training images makes the
index a direct measure of the covariate shift that dataset restoration targets: compression
smooths textures and adds blocking, which moves MSCN statistics away from the originals, and a
restorer that re-synthesises texture moves them back. Lower is closer to the originals.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np
from scipy import ndimage, special

__all__ = ["mscn", "patch_features", "NaturalnessModel"]

_ALPHAS = np.arange(0.2, 10.0, 0.001)
_GGD_RATIO = special.gamma(1 / _ALPHAS) * special.gamma(3 / _ALPHAS) / special.gamma(2 / _ALPHAS) ** 2
_SHIFTS = ((0, 1), (1, 0), (1, 1), (1, -1))


def _gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 3:
        image = image[..., :3] @ np.array([0.299, 0.587, 0.114])
    return image.astype(np.float64)


def mscn(gray: np.ndarray, sigma: float = 7 / 6) -> np.ndarray:
    """Mean-subtracted contrast-normalised coefficients of a float [H, W] image (0..255)."""
    mu = ndimage.gaussian_filter(gray, sigma, mode="nearest")
    var = ndimage.gaussian_filter(gray * gray, sigma, mode="nearest") - mu * mu
    return (gray - mu) / (np.sqrt(np.abs(var)) + 1.0)


def _ggd(x: np.ndarray) -> tuple[float, float]:
    variance = np.mean(x * x)
    rho = variance / (np.mean(np.abs(x)) ** 2 + 1e-12)
    return float(_ALPHAS[np.argmin(np.abs(rho - _GGD_RATIO))]), float(variance)


def _aggd(x: np.ndarray) -> tuple[float, float, float, float]:
    left, right = x[x < 0], x[x >= 0]
    sl = np.sqrt(np.mean(left ** 2)) if left.size else 1e-6
    sr = np.sqrt(np.mean(right ** 2)) if right.size else 1e-6
    gamma_hat = sl / max(sr, 1e-12)
    r_hat = np.mean(np.abs(x)) ** 2 / (np.mean(x * x) + 1e-12)
    big_r = r_hat * (gamma_hat ** 3 + 1) * (gamma_hat + 1) / (gamma_hat ** 2 + 1) ** 2
    alpha = float(_ALPHAS[np.argmin(np.abs(_GGD_RATIO ** -1 - big_r))])
    mean = (sr - sl) * special.gamma(2 / alpha) / np.sqrt(special.gamma(1 / alpha) * special.gamma(3 / alpha))
    return alpha, float(mean), float(sl ** 2), float(sr ** 2)


def _features_one_scale(coefficients: np.ndarray) -> list[float]:
    feats = list(_ggd(coefficients.ravel()))
    for dy, dx in _SHIFTS:
        shifted = np.roll(coefficients, (-dy, -dx), axis=(0, 1))
        feats += list(_aggd((coefficients * shifted)[:-1, 1:-1].ravel()))
    return feats


def patch_features(image: np.ndarray, patch: int = 48) -> np.ndarray:
    """float [P, 36]: NIQE features of each ``patch`` x ``patch`` block of uint8 [H, W, 3]
    (at full and half resolution)."""
    gray = _gray(image)
    h, w = (gray.shape[0] // patch) * patch, (gray.shape[1] // patch) * patch
    if h == 0 or w == 0:
        raise ValueError(f"image {image.shape} is smaller than one {patch}x{patch} patch")
    gray = gray[:h, :w]
    half = gray.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3)) if patch % 2 == 0 else None
    full_c, half_c = mscn(gray), mscn(half) if half is not None else None
    rows = []
    for y in range(0, h, patch):
        for x in range(0, w, patch):
            feats = _features_one_scale(full_c[y:y + patch, x:x + patch])
            if half_c is not None:
                feats += _features_one_scale(half_c[y // 2:(y + patch) // 2, x // 2:(x + patch) // 2])
            rows.append(feats)
    return np.asarray(rows)


class NaturalnessModel:
    """The multivariate Gaussian of patch features over reference images."""

    def __init__(self, mean: np.ndarray, cov: np.ndarray, patch: int):
        self.mean, self.cov, self.patch = mean, cov, patch

    @classmethod
    def fit(cls, images: Iterable[np.ndarray], patch: int = 48) -> "NaturalnessModel":
        feats = np.concatenate([patch_features(im, patch) for im in images])
        if len(feats) < 2:
            raise ValueError("the reference images hold fewer than 2 patches")
        return cls(feats.mean(0), np.cov(feats, rowvar=False), patch)

    def score(self, image: np.ndarray) -> float:
        """The naturalness index of one image (lower = closer to the reference)."""
        feats = patch_features(image, self.patch)
        cov = np.cov(feats, rowvar=False) if len(feats) > 1 else np.zeros_like(self.cov)
        diff = self.mean - feats.mean(0)
        return float(np.sqrt(diff @ np.linalg.pinv((self.cov + cov) / 2) @ diff))

    def score_set(self, images: Iterable[np.ndarray]) -> float:
        """The mean index over ``images``."""
        scores = [self.score(im) for im in images]
        return float(np.mean(scores))
