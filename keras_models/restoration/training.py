"""Training of a restorer on (compressed, original) image pairs, with checkpoints that
resume, TensorBoard logs (losses and sample images), under the device's distribution
strategy."""
from __future__ import annotations

import os

import tensorflow as tf

from keras_models import distribute, resumable, sample_seeds
from keras_models.pixels import from_unit, to_unit
from keras_models.restoration.config import RestorationConfig
from keras_models.restoration.restorer import build_restorer

__all__ = ["pair_crops", "train", "SampleImages"]


def pair_crops(pairs: tf.data.Dataset, crop: int, batch_size: int, seed: int = 0) -> tf.data.Dataset:
    """(compressed, original) uint8 [H, W, 3] pairs -> an endless shuffled dataset of
    aligned random crops, randomly flipped, as float batches in [-1, 1]."""

    def augment(compressed, original, sample_seed):
        crop_seed, flip_seed = sample_seeds.split(sample_seed, 2)
        stacked = tf.concat([compressed, original], axis=-1)
        stacked = tf.image.stateless_random_crop(stacked, (crop, crop, 6), seed=crop_seed)
        stacked = tf.image.stateless_random_flip_left_right(stacked, seed=flip_seed)
        return to_unit(stacked[..., :3]), to_unit(stacked[..., 3:])

    big_enough = pairs.filter(lambda c, o: tf.reduce_all(tf.shape(c)[:2] >= crop))
    shuffled = big_enough.cache().repeat().shuffle(256, seed=seed)
    return (sample_seeds.with_seeds(shuffled, seed).map(augment, num_parallel_calls=tf.data.AUTOTUNE)
            .batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE))


class SampleImages(tf.keras.callbacks.Callback):
    """Writes ``compressed | restored | original`` of fixed samples to TensorBoard each epoch."""

    def __init__(self, log_dir: str, samples: tuple[tf.Tensor, tf.Tensor]):
        super().__init__()
        self._writer = tf.summary.create_file_writer(os.path.join(log_dir, "samples"))
        self._samples = samples

    def on_epoch_end(self, epoch, logs=None):
        x_hat, x = self._samples
        x_bar = tf.cast(self.model(x_hat), tf.float32)
        strip = tf.concat([x_hat, x_bar, x], axis=2)
        with self._writer.as_default():
            tf.summary.image("compressed|restored|original", from_unit(strip), step=epoch + 1, max_outputs=4)
        self._writer.flush()


def train(config: RestorationConfig, pairs: tf.data.Dataset, steps: int, log_dir: str | None = None,
          checkpoint_dir: str | None = None, seed: int = 0, verbose: int = 0,
          steps_per_epoch: int = 100) -> tf.keras.Model:
    """Trains the restorer of ``config`` for ``steps`` steps on ``pairs`` (uint8 compressed,
    original); resumes from the newest checkpoint in ``checkpoint_dir``.

    An epoch is ``steps_per_epoch`` steps; a checkpoint is written after each.

    Returns:
      the trained model (``FineNetGAN`` or ``RdnRestorer``); its ``generator`` restores.
    """
    tf.keras.utils.set_random_seed(seed)
    with distribute.strategy().scope(), distribute.precision_policy(config.mixed_precision):
        model = build_restorer(config)
        model.compile()
    data = pair_crops(pairs, config.crop, config.batch_size, seed)
    schedule = resumable.Schedule(steps, steps_per_epoch)
    initial_epoch, callbacks = resumable.resume(
        model, schedule, checkpoint_dir, log_dir, "restoration",
        build=lambda: model(tf.zeros((1, config.crop, config.crop, 3))))
    if log_dir:
        callbacks.append(SampleImages(log_dir, next(iter(pair_crops(pairs, config.crop, 4, seed + 1)))))
    resumable.fit(model, data, schedule, initial_epoch, callbacks, verbose, "restoration")
    return model
