"""Patch sampling, the training phases, resuming."""
import os

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from keras_models.ir2i import config as ic, layers, training


def smooth_images(n=12, h=96, w=128, seed=0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    grids = rng.integers(0, 256, (n, 4, 6, 3), dtype=np.uint8)
    return np.stack([np.asarray(Image.fromarray(g).resize((w, h), Image.BICUBIC)) for g in grids])


def test_patch_pairs_put_the_patch_bottom_right_of_its_context():
    config = ic.preset("ir2i-tiny", batch_size=64, border_probability=0.5)
    images = smooth_images(4)
    context, patch = next(iter(training.patch_pairs(tf.data.Dataset.from_tensor_slices(images), config)))
    assert context.shape == (64, 64, 64, 3) and patch.shape == (64, 32, 32, 3)
    np.testing.assert_array_equal(context[:, 32:, 32:].numpy(), patch.numpy())
    assert -1.0 <= float(tf.reduce_min(context)) and float(tf.reduce_max(context)) <= 1.0
    # Patches at the top border have no context above them (zeros, mid-grey in [-1, 1]).
    top = tf.reduce_all(context[:, :32] == 0.0, axis=[1, 2, 3]).numpy()
    assert 0 < top.sum() < 64
    # Every patch is a real crop of one of the images.
    unit = images.astype(np.float32) / 127.5 - 1
    p = patch[0].numpy()
    found = any(np.allclose(unit[i, y:y + 32, x:x + 32], p, atol=1e-6)
                for i in range(4) for y in range(96 - 31) for x in range(128 - 31))
    assert found


@pytest.mark.slow
def test_short_training_lowers_every_stage_loss_and_resumes(tmp_path):
    config = ic.preset("r2i-decoding-tiny", stages=4)
    images = tf.data.Dataset.from_tensor_slices(smooth_images())
    probe = next(iter(training.patch_pairs(images, ic.preset("r2i-decoding-tiny", batch_size=64), seed=9)))
    untrained = training.Ir2iModel(config)
    untrained.build_all()
    before = untrained(probe, training=False)["stage_losses"].numpy()
    model = training.train(config, images, 60, checkpoint_dir=str(tmp_path / "ckpt"), seed=0, steps_per_epoch=30)
    after = model(probe, training=False)["stage_losses"].numpy()
    assert (after < before).all(), (before, after)
    assert int(model.optimizer.iterations) == 60
    again = training.train(config, images, 90, checkpoint_dir=str(tmp_path / "ckpt"), seed=0, steps_per_epoch=30)
    assert int(again.optimizer.iterations) == 90  # restored at step 60, ran the remaining 30
    assert os.listdir(tmp_path / "ckpt")


def test_separate_inpainting_trains_alone_first(tmp_path):
    config = ic.preset("r2i-decoding-sep-inp-tiny", stages=2)
    images = tf.data.Dataset.from_tensor_slices(smooth_images())
    model = training.train(config, images, 10, checkpoint_dir=str(tmp_path), inpainting_steps=20)
    assert sorted(os.listdir(tmp_path)) == ["coder", "inpainting"]
    assert model.phase == "coder" and int(model.optimizer.iterations) == 10


def test_coded_context_windows_hold_the_neighbours_own_contexts():
    config = ic.preset("ir2i-tiny", batch_size=64, border_probability=0.5, inpaint_context="coded")
    images = smooth_images(4)
    window, patch = next(iter(training.patch_pairs(tf.data.Dataset.from_tensor_slices(images), config)))
    assert window.shape == (64, 96, 96, 4) and patch.shape == (64, 32, 32, 3)
    np.testing.assert_array_equal(window[:, 64:, 64:, :3].numpy(), patch.numpy())
    valid = window[..., 3].numpy()
    assert set(np.unique(valid)) == {0.0, 1.0}
    assert (window[..., :3].numpy()[valid == 0] == 0).all()  # past the border: zeros, flagged invalid
    assert (valid[:, 64:, 64:] == 1).all() and (valid[:, :32] == 0).all(axis=(1, 2)).any()


def _reset_binarizers(model, seed=3):
    for layer in model.submodules:
        if isinstance(layer, layers.Binarizer):
            layer.generator.reset_from_seed(seed)


def test_coded_context_is_the_coders_stage_two_reconstruction_of_the_neighbours():
    config = ic.preset("ir2i-tiny", stages=3, batch_size=4, border_probability=0.5, inpaint_context="coded")
    model = training.Ir2iModel(config)
    model.build_all()
    images = tf.data.Dataset.from_tensor_slices(smooth_images(4))
    window, patch = next(iter(training.patch_pairs(images, config, seed=1)))
    _reset_binarizers(model)  # the binarizer is stochastic in training: replay the same draws below
    context = model.coded_context(window)
    assert context.shape == (4, 64, 64, 3)
    assert (context[:, 32:, 32:].numpy() == 0).all()  # the patch itself is never seen

    pixels, p = window[..., :3], 32
    cells = ((1, 1), (1, 2), (2, 1))
    contexts = tf.concat([pixels[:, (i - 1) * p:(i + 1) * p, (j - 1) * p:(j + 1) * p] for i, j in cells], 0)
    neighbours = tf.concat([pixels[:, i * p:(i + 1) * p, j * p:(j + 1) * p] for i, j in cells], 0)
    _reset_binarizers(model)
    stage2 = model.coder((neighbours, model.inpainter(contexts, training=True)), training=True)["images"][:, 1]
    above_left, above, left = np.split(stage2.numpy(), 3)
    valid = window[:, 32:, 32:, 3:].numpy()
    np.testing.assert_allclose(context[:, :32, :32].numpy(), above_left * valid[:, :32, :32], atol=1e-5)
    np.testing.assert_allclose(context[:, :32, 32:].numpy(), above * valid[:, :32, 32:], atol=1e-5)
    np.testing.assert_allclose(context[:, 32:, :32].numpy(), left * valid[:, 32:, :32], atol=1e-5)
    inside = valid[..., 0] == 1
    assert inside.any()
    assert not np.allclose(context.numpy()[inside], window[:, 32:, 32:, :3].numpy()[inside], atol=1e-2)  # coded, lossy

    # A training step learns from the coded context; no gradient reaches the context itself.
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(model.coded_context(window))
    assert all(g is None for g in tape.gradient(total, model.trainable_variables))
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3))
    before = [v.numpy().copy() for v in model.inpainter.trainable_variables]
    logs = model.train_step((window, patch))
    assert np.isfinite(float(logs["loss"]))
    assert any(not np.allclose(b, v.numpy()) for b, v in zip(before, model.inpainter.trainable_variables))


def test_the_seed_fixes_the_initial_weights():
    # Keras 2 seeds unseeded initializers from Python's random module, so the seed must reach
    # it too; with op determinism on, a benchmark's training then replays exactly.
    images = tf.data.Dataset.from_tensor_slices(smooth_images(2))
    config = ic.preset("ir2i-tiny", stages=2)
    first, again, other = (training.train(config, images, 0, seed=s) for s in (5, 5, 6))
    assert all(np.array_equal(a.numpy(), b.numpy()) for a, b in zip(first.weights, again.weights))
    assert not all(np.array_equal(a.numpy(), b.numpy()) for a, b in zip(first.weights, other.weights))
