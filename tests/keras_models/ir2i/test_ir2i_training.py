"""Patch sampling, the training phases, resuming."""
import os

import numpy as np
import tensorflow as tf
from PIL import Image

from keras_models.ir2i import config as ic, training


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
