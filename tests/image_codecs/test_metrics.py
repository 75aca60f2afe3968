import math

import numpy as np
import pytest
import tensorflow as tf
from scipy import ndimage
from skimage import data

from image_codecs import metrics, registry, threads


def _reference_ms_ssim(a, b, max_val=255.0):
    """The direct formula in float64 (the first release's implementation)."""
    x, y = np.asarray(a, np.float64), np.asarray(b, np.float64)
    k = metrics._kernel()

    def blur(z):
        z = ndimage.correlate1d(ndimage.correlate1d(z, k, axis=0, mode="constant"), k, axis=1, mode="constant")
        return z[5:-5, 5:-5]

    def pool(z):
        z = np.pad(z, ((0, z.shape[0] % 2), (0, z.shape[1] % 2), (0, 0)), mode="symmetric")
        return 0.25 * (z[0::2, 0::2] + z[1::2, 0::2] + z[0::2, 1::2] + z[1::2, 1::2])

    c1, c2 = (0.01 * max_val) ** 2, (0.03 * max_val) ** 2
    scales = metrics.ms_ssim_scales(*x.shape[:2])
    weights = np.array(metrics.POWER_FACTORS[:scales]) / sum(metrics.POWER_FACTORS[:scales])
    values = []
    for s in range(scales):
        if s:
            x, y = pool(x), pool(y)
        mx, my = blur(x), blur(y)
        cs = (2 * (blur(x * y) - mx * my) + c2) / (blur(x * x + y * y) - (mx ** 2 + my ** 2) + c2)
        ssim = (2 * mx * my + c1) / (mx ** 2 + my ** 2 + c1) * cs
        values.append(np.maximum((cs if s < scales - 1 else ssim).mean(axis=(0, 1)), 0.0))
    return float(np.prod(np.stack(values, -1) ** weights, axis=-1).mean())


def _distorted(image, how):
    if how == "noise+-1":  # nearly lossless: MS-SSIM a hair below 1, where float32 rounding would show
        rng = np.random.default_rng(0)
        return np.clip(image.astype(int) + rng.integers(-1, 2, image.shape), 0, 255).astype(np.uint8)
    codec, quality = how.split(":")
    c = registry.make_codec(codec, int(quality))
    return c.decode(c.encode(image))


@pytest.mark.parametrize("how", ["jpeg:5", "jpeg:50", "jpeg:95", "bpg:45", "bpg:10", "noise+-1"])
def test_fast_metrics_equal_the_direct_float64_formulas(how):
    a = np.ascontiguousarray(data.astronaut()[:384, 64:448])
    b = _distorted(a, how)
    reference = _reference_ms_ssim(a, b)
    assert abs(metrics.ms_ssim_db(metrics.ms_ssim(a, b)) - metrics.ms_ssim_db(reference)) < 1e-4
    mse = np.mean((a.astype(np.float64) - b) ** 2)
    assert metrics.psnr(a, b) == 10 * math.log10(255 ** 2 / mse)  # exactly
    assert metrics.psnr(a.astype(np.float32), b) == pytest.approx(metrics.psnr(a, b), abs=1e-12)


@pytest.mark.parametrize("crop", [(300, 260), (257, 199)])
def test_ms_ssim_matches_tensorflow(rng, crop):
    a = data.astronaut()[: crop[0], : crop[1]]
    b = np.clip(a.astype(int) + rng.normal(0, 12, a.shape), 0, 255).astype(np.uint8)
    expected = float(tf.image.ssim_multiscale(a[None].astype("float32"), b[None].astype("float32"), 255.0)[0])
    assert metrics.ms_ssim(a, b) == pytest.approx(expected, abs=1e-4)


def test_identical_images_score_perfectly(rng):
    a = rng.integers(0, 256, (64, 48, 3), dtype=np.uint8)
    assert metrics.ms_ssim(a, a) == pytest.approx(1.0)
    assert metrics.psnr(a, a) == metrics.MAX_DB
    assert metrics.ms_ssim_db(1.0) == metrics.MAX_DB


def test_psnr_and_db_formulas():
    a = np.zeros((4, 4, 3), np.uint8)
    b = np.full((4, 4, 3), 10, np.uint8)
    assert metrics.psnr(a, b) == pytest.approx(10 * np.log10(255 ** 2 / 100))
    assert metrics.ms_ssim_db(0.99) == pytest.approx(20.0)
    assert metrics.bpp(100, 10, 20) == pytest.approx(4.0)


def test_small_images_use_fewer_scales_and_tiny_ones_fail():
    assert metrics.ms_ssim_scales(2048, 1024) == 5
    assert metrics.ms_ssim_scales(64, 32) == 2
    with pytest.raises(ValueError, match="at least 11x11"):
        metrics.ms_ssim(np.zeros((8, 8, 3)), np.zeros((8, 8, 3)))


def test_bands_of_rows_give_the_whole_pictures_value(monkeypatch):
    a = np.ascontiguousarray(data.astronaut()[:301, :203])  # odd sizes: bands end mid-picture at every scale
    b = _distorted(a, "jpeg:20")
    banded = metrics.ms_ssim(a, b)
    monkeypatch.setattr(metrics, "BAND_ROWS", 10_000)  # one band per scale
    whole = metrics.ms_ssim(a, b)
    assert banded == pytest.approx(whole, rel=1e-12)
    monkeypatch.setattr(metrics, "BAND_ROWS", 1)  # a band per output row
    assert metrics.ms_ssim(a, b) == pytest.approx(whole, rel=1e-12)


def test_threads_do_not_change_the_value(monkeypatch):
    a = np.ascontiguousarray(data.astronaut()[:300, :200])
    b = _distorted(a, "jpeg:20")
    monkeypatch.setattr(threads, "WORKERS", 1)
    serial = metrics.ms_ssim(a, b)
    monkeypatch.setattr(threads, "WORKERS", 3)
    assert metrics.ms_ssim(a, b) == serial  # bands are summed in order: bit for bit
