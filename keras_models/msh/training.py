"""Training of the Mean-Scale Hyperprior: ``train`` minimises bpp + lambda * MSE (0-255 scale)
on random crops (``keras_models.msh.export`` writes the SavedModel the ``msh`` codec loads)."""
from __future__ import annotations


import tensorflow as tf

from keras_models import resumable, sample_seeds
from keras_models.msh.config import MshConfig
from keras_models.msh.model import MeanScaleHyperprior

__all__ = ["crops", "train"]


def crops(images: tf.data.Dataset, config: MshConfig, seed: int = 0) -> tf.data.Dataset:
    """uint8 [H, W, 3] images -> an endless, shuffled dataset of float crop batches.

    Raises:
      ValueError: no image is at least ``config.crop`` pixels in both sides (checked on the
        images up to the first that is).
    """
    size = config.crop
    if next(iter(images.filter(lambda im: tf.reduce_all(tf.shape(im)[:2] >= size)).take(1)), None) is None:
        raise ValueError(f"MSH training: no training image is at least {size}x{size} pixels, the crop size; "
                         "lower crop or train on larger images")

    def crop(image, sample_seed):
        image = tf.image.stateless_random_crop(image, (size, size, 3), seed=sample_seed)
        return tf.cast(image, tf.float32)

    big_enough = images.filter(lambda im: tf.reduce_all(tf.shape(im)[:2] >= size))
    shuffled = big_enough.cache().repeat().shuffle(256, seed=seed)
    return (sample_seeds.with_seeds(shuffled, seed).map(crop, num_parallel_calls=tf.data.AUTOTUNE)
            .batch(config.batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE))


def train(config: MshConfig, images: tf.data.Dataset, steps: int, log_dir: str | None = None,
          checkpoint_dir: str | None = None, seed: int = 0, verbose: int = 0,
          steps_per_epoch: int = 100) -> MeanScaleHyperprior:
    """Trains an MSH for ``steps`` steps; checkpoints every ``steps_per_epoch`` steps and resumes
    from ``checkpoint_dir`` when it holds one."""
    tf.keras.utils.set_random_seed(seed)  # Python, NumPy and TensorFlow, as Keras 2 initializers need
    model = MeanScaleHyperprior(config)
    model.compile(optimizer=tf.keras.optimizers.Adam(config.learning_rate))
    batches = crops(images, config, seed)
    schedule = resumable.Schedule(steps, steps_per_epoch)
    initial_epoch, callbacks = resumable.resume(model, schedule, checkpoint_dir, log_dir, "MSH")
    resumable.fit(model, batches, schedule, initial_epoch, callbacks, verbose, "MSH")
    return model
