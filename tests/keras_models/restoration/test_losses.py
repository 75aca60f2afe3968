import numpy as np
import pytest
import tensorflow as tf

from keras_models.restoration import config as rc, losses
from keras_models.restoration.restorer import FineNetGAN


def test_ms_ssim_matches_tensorflow_on_large_images_and_is_one_for_identical():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (2, 192, 192, 3)).astype(np.float32)
    y = np.clip(x + rng.normal(0, 0.1, x.shape), 0, 1).astype(np.float32)
    ours = losses.ms_ssim(tf.constant(x), tf.constant(y), max_val=1.0).numpy()
    reference = tf.image.ssim_multiscale(x, y, 1.0).numpy()
    np.testing.assert_allclose(ours, reference, rtol=1e-3)
    np.testing.assert_allclose(losses.ms_ssim(tf.constant(x), tf.constant(x), 1.0).numpy(), 1.0, rtol=1e-5)


def test_ms_ssim_on_small_crops_has_finite_gradients():
    x = tf.Variable(tf.random.uniform((2, 64, 64, 3), -1, 1, seed=2))
    y = tf.random.uniform((2, 64, 64, 3), -1, 1, seed=3)
    with tf.GradientTape() as tape:
        loss = losses.ms_ssim_loss(x, y)
    assert np.isfinite(tape.gradient(loss, x).numpy()).all()


def test_standard_gan_losses_are_log_terms():
    zero = [[tf.zeros((1, 4, 4, 8)), tf.zeros((1, 2, 2, 1))]] * 2  # D = sigmoid(0) = 1/2, two discriminators
    assert losses.generator_gan_loss(zero).numpy() == pytest.approx(2 * np.log(2), rel=1e-5)
    assert losses.discriminator_loss(zero, zero).numpy() == pytest.approx(4 * np.log(2), rel=1e-5)
    assert losses.generator_gan_loss(zero, "lsgan").numpy() == pytest.approx(2.0)


def test_generator_loss_is_gan_plus_10_times_2l1_vgg_msssim_dist():
    config = rc.preset("finenet-tiny", vgg_weights="random", crop=64,
                       generator={"filters": 4, "res_blocks": 1}, discriminator={"filters": 4})
    model = FineNetGAN(config)
    assert model.vgg is not None
    x_hat = tf.random.uniform((1, 64, 64, 3), -1, 1, seed=4)
    x = tf.random.uniform((1, 64, 64, 3), -1, 1, seed=5)
    t = {k: float(v.numpy()) for k, v in model.generator_losses(x_hat, x).items() if k != "x_bar"}
    assert all(t[k] > 0 for k in ("g_gan", "l1", "vgg", "ms_ssim", "dist"))
    expected = t["g_gan"] + 10 * (2 * t["l1"] + t["vgg"] + t["ms_ssim"] + t["dist"])
    assert t["g_loss"] == pytest.approx(expected, rel=1e-5)


def test_paper_preset_asks_for_imagenet_vgg_and_never_downloads(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="never downloaded"):
        FineNetGAN(rc.preset("finenet-paper"))


def test_preset_overrides_reject_unknown_fields():
    with pytest.raises(ValueError, match="unknown restoration config fields"):
        rc.preset("finenet-tiny", filterz=3)
    assert rc.preset("finenet-tiny", generator={"filters": 8}).generator.res_blocks == 4
