"""DeepLabv3+ training: weighted sources of (image, label) examples, random scale 0.5-2.0,
crop and flip, cross-entropy with ignore label 255 and per-source loss weights, polynomial
learning-rate decay, checkpoints that resume, TensorBoard, under the device's strategy."""
from __future__ import annotations

import dataclasses
from typing import Any, Sequence

import tensorflow as tf

from keras_models import distribute, resumable, sample_seeds
from keras_models.segmentation import config as deeplab_config, deeplab

__all__ = ["SegmentationTrainingConfig", "augment", "weighted_loss", "training_batches", "train", "IGNORE"]

IGNORE = 255


@dataclasses.dataclass
class SegmentationTrainingConfig:
    """Attributes:
      preset: a DeepLab preset (``tiny``, ``mobilenetv2``, ``resnet50``); ``overrides``
        changes fields (``num_classes`` comes from the dataset).
      crop: training crop (height, width) after scaling.
      base_scale: every image is first resized by this factor (the demo trains and infers
        at half resolution); random scaling multiplies it by ``scale_range``.
      scale_range: random scale (the paper: 0.5-2.0).
      batch_size, learning_rate, optimizer (``adam`` or ``sgd`` with momentum 0.9),
      poly_power: learning rate = lr * (1 - step / steps) ** poly_power.
      mixed_precision: ``mixed_float16`` where the GPUs support it (``keras_models.distribute``;
        float32 on a CPU whatever this says).
    """

    preset: str = "tiny"
    overrides: dict[str, Any] = dataclasses.field(default_factory=dict)
    crop: tuple[int, int] = (256, 256)
    base_scale: float = 1.0
    scale_range: tuple[float, float] = (0.5, 2.0)
    batch_size: int = 8
    learning_rate: float = 2e-3
    optimizer: str = "adam"
    poly_power: float = 0.9
    mixed_precision: bool = False

    def __post_init__(self):
        if self.optimizer not in ("adam", "sgd"):
            raise ValueError(f"optimizer must be 'adam' or 'sgd', got {self.optimizer!r}")
        self.crop = tuple(self.crop)
        self.scale_range = tuple(self.scale_range)


def augment(image: tf.Tensor, label: tf.Tensor, weight: tf.Tensor, config: SegmentationTrainingConfig,
            seed: tf.Tensor):
    """uint8 [H, W, 3], uint8 [H, W], float [] -> float image [h, w, 3] in 0..255, int32 label
    [h, w] (255 outside the image), weight, with (h, w) = ``config.crop``; the scale, crop and
    flip drawn from ``seed`` (int [2], ``keras_models.sample_seeds``)."""
    scale_seed, crop_seed, flip_seed = sample_seeds.split(seed, 3)
    lo, hi = config.scale_range
    scale = config.base_scale * tf.random.stateless_uniform((), scale_seed, lo, hi)
    size = tf.cast(tf.round(tf.cast(tf.shape(image)[:2], tf.float32) * scale), tf.int32)
    image = tf.image.resize(tf.cast(image, tf.float32), size, method="bilinear")
    label = tf.image.resize(label[..., None], size, method="nearest")
    ch, cw = config.crop
    pad_h, pad_w = tf.maximum(ch - size[0], 0), tf.maximum(cw - size[1], 0)
    # Pad the label with 255 (ignored) and the image with 0; crop both at one offset.
    stacked = tf.concat([image, tf.cast(label, tf.float32) - IGNORE], axis=-1)
    stacked = tf.pad(stacked, [[0, pad_h], [0, pad_w], [0, 0]])
    stacked = tf.image.stateless_random_crop(stacked, (ch, cw, 4), seed=crop_seed)
    stacked = tf.image.stateless_random_flip_left_right(stacked, seed=flip_seed)
    image, label = stacked[..., :3], tf.cast(tf.round(stacked[..., 3]), tf.int32) + IGNORE
    return image, label, weight


def weighted_loss(labels: tf.Tensor, logits: tf.Tensor, weights: tf.Tensor) -> tf.Tensor:
    """Mean cross-entropy over non-ignored pixels, each pixel weighted by its example's weight.

    Args:
      labels: int [N, H, W] (255 = ignore); logits: float [N, H, W, C]; weights: float [N].
    """
    valid = tf.cast(labels != IGNORE, tf.float32)
    ce = tf.nn.sparse_softmax_cross_entropy_with_logits(tf.where(labels == IGNORE, 0, labels),
                                                        tf.cast(logits, tf.float32))
    w = valid * weights[:, None, None]
    return tf.reduce_sum(ce * w) / tf.maximum(tf.reduce_sum(w), 1.0)


def training_batches(sources: Sequence[tf.data.Dataset], config: SegmentationTrainingConfig,
                     seed: int = 0) -> tf.data.Dataset:
    """Endless shuffled, augmented batches ``(image, label, weight)`` drawn from all sources in
    proportion to their sizes (every example equally likely)."""
    data = sources[0]
    for s in sources[1:]:
        data = data.concatenate(s)
    shuffled = data.cache().shuffle(1024, seed=seed, reshuffle_each_iteration=True).repeat()
    return (sample_seeds.with_seeds(shuffled, seed)
            .map(lambda i, l, w, s: augment(i, l, w, config, s), num_parallel_calls=tf.data.AUTOTUNE)
            .batch(config.batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE))


class _Segmenter(tf.keras.Model):
    """DeepLabv3+ with the weighted, ignore-aware loss in ``train_step``."""

    def __init__(self, network: tf.keras.Model, **kwargs):
        super().__init__(**kwargs)
        self.network = network
        self.loss_tracker = tf.keras.metrics.Mean("loss")
        self.accuracy = tf.keras.metrics.Mean("pixel_accuracy")

    @property
    def metrics(self):
        return [self.loss_tracker, self.accuracy]

    def call(self, images, training=False):
        return self.network(images, training=training)

    def train_step(self, data):
        images, labels, weights = data
        with tf.GradientTape() as tape:
            logits = self.network(images, training=True)
            loss = weighted_loss(labels, logits, weights)
            scaled = self.optimizer.get_scaled_loss(loss) if hasattr(self.optimizer, "get_scaled_loss") else loss
        grads = tape.gradient(scaled, self.network.trainable_variables)
        if hasattr(self.optimizer, "get_unscaled_gradients"):
            grads = self.optimizer.get_unscaled_gradients(grads)
        self.optimizer.apply_gradients(zip(grads, self.network.trainable_variables))
        valid = labels != IGNORE
        correct = tf.logical_and(valid, tf.argmax(logits, -1, output_type=tf.int32) == labels)
        self.loss_tracker.update_state(loss)
        self.accuracy.update_state(tf.reduce_sum(tf.cast(correct, tf.float32))
                                   / tf.maximum(tf.reduce_sum(tf.cast(valid, tf.float32)), 1.0))
        return {m.name: m.result() for m in self.metrics}


def _optimizer(config: SegmentationTrainingConfig, steps: int) -> tf.keras.optimizers.Optimizer:
    schedule = tf.keras.optimizers.schedules.PolynomialDecay(config.learning_rate, max(steps, 1),
                                                             config.learning_rate * 1e-3, power=config.poly_power)
    if config.optimizer == "sgd":
        opt = tf.keras.optimizers.SGD(schedule, momentum=0.9)
    else:
        opt = tf.keras.optimizers.Adam(schedule)
    return distribute.loss_scaled(opt)


def train(config: SegmentationTrainingConfig, num_classes: int, sources: Sequence[tf.data.Dataset], steps: int,
          log_dir: str | None = None, checkpoint_dir: str | None = None, seed: int = 0, verbose: int = 0,
          steps_per_epoch: int = 100) -> tf.keras.Model:
    """Trains DeepLabv3+ for ``steps`` steps; resumes from the newest checkpoint.

    Args:
      sources: datasets of ``(uint8 image [H, W, 3], uint8 label [H, W], float weight)``.

    Returns:
      the trained DeepLabv3+ network (float images 0..255 -> logits).
    """
    tf.keras.utils.set_random_seed(seed)
    net_config = deeplab_config.preset(config.preset, **{**config.overrides, "num_classes": num_classes})
    with distribute.strategy().scope(), distribute.precision_policy(config.mixed_precision):
        network = deeplab.build_deeplab(net_config)
        model = _Segmenter(network)
        model.compile(optimizer=_optimizer(config, steps))
    batches = training_batches(sources, config, seed)
    schedule = resumable.Schedule(steps, steps_per_epoch)
    initial_epoch, callbacks = resumable.resume(model, schedule, checkpoint_dir, log_dir, "segmentation")
    resumable.fit(model, batches, schedule, initial_epoch, callbacks, verbose, "segmentation")
    return network
