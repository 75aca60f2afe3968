import numpy as np
import pytest
import tensorflow as tf
from skimage import data

from image_codecs import metrics


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
