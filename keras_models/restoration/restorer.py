"""The trainable restorers as Keras models with their own ``train_step``: FineNet's GAN
(generator, two conditional discriminators, optional VGG19) and the RDN.

Both take batches ``(x_hat, x)`` of float [N, H, W, 3] in [-1, 1] and ``call`` returns the
restored image. Gradients are divided by the number of replicas, so the same step is right
under the default strategy and under MirroredStrategy.
"""
from __future__ import annotations

import tensorflow as tf

from keras_models import distribute
from keras_models.restoration import losses
from keras_models.restoration.config import RestorationConfig
from keras_models.restoration.discriminator import MultiScaleDiscriminator
from keras_models.restoration.finenet import FineNetGenerator
from keras_models.restoration.rdn import ResidualDenseNetwork
from keras_models.restoration.vgg import vgg19_features

__all__ = ["FineNetGAN", "RdnRestorer", "build_restorer", "adam"]


def adam(config: RestorationConfig) -> tf.keras.optimizers.Optimizer:
    """Adam with the learning rate divided by 10 after each of ``config.decay_steps``."""
    values = [config.learning_rate / 10 ** i for i in range(len(config.decay_steps) + 1)]
    schedule = tf.keras.optimizers.schedules.PiecewiseConstantDecay(list(config.decay_steps), values)
    optimizer = tf.keras.optimizers.Adam(schedule, beta_1=config.beta_1, beta_2=config.beta_2)
    return distribute.loss_scaled(optimizer)


def _minimize(optimizer, tape, loss, variables):
    """Applies d(loss)/d(variables) / replicas; under mixed precision the loss scale enters
    as the tape's output gradient (equivalent to scaling the loss inside the tape)."""
    scale = 1.0 / tf.distribute.get_strategy().num_replicas_in_sync
    mixed = isinstance(optimizer, tf.keras.mixed_precision.LossScaleOptimizer)
    if mixed:
        scale = scale * optimizer.loss_scale
    grads = tape.gradient(loss, variables, output_gradients=tf.cast(scale, loss.dtype))
    if mixed:
        grads = optimizer.get_unscaled_gradients(grads)
    optimizer.apply_gradients(zip(grads, variables))


class FineNetGAN(tf.keras.Model):
    """FineNet trained adversarially (Appendix B)."""

    def __init__(self, config: RestorationConfig, **kwargs):
        super().__init__(**kwargs)
        self.config = config
        self.generator = FineNetGenerator(config.generator)
        self.discriminator = MultiScaleDiscriminator(config.discriminator)
        self.vgg = vgg19_features(config.vgg_weights) if config.vgg_weights and config.vgg_weight else None
        names = ["g_loss", "g_gan", "l1", "vgg", "ms_ssim", "dist", "d_loss", "d_real", "d_fake"]
        self.trackers = {n: tf.keras.metrics.Mean(n) for n in names}

    def compile(self, **kwargs):
        super().compile(**kwargs)
        self.g_optimizer = adam(self.config)
        self.d_optimizer = adam(self.config)

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, x_hat, training=False):
        return self.generator(x_hat, training=training)

    def generator_losses(self, x_hat, x, training=True) -> dict:
        """The generator's loss terms on one batch (and the discriminator outputs)."""
        c = self.config
        x_bar = tf.cast(self.generator(x_hat, training=training), tf.float32)
        fake = self.discriminator(x_hat, x_bar, training=training)
        real = self.discriminator(x_hat, x, training=training)
        terms = {"g_gan": losses.generator_gan_loss(fake, c.gan_loss), "l1": losses.l1_loss(x_bar, x),
                 "ms_ssim": losses.ms_ssim_loss(x_bar, x), "dist": losses.distillation_loss(fake, real)}
        terms["vgg"] = (losses.vgg_loss(self.vgg(x_bar), self.vgg(x)) if self.vgg is not None
                        else tf.constant(0.0))
        terms["g_loss"] = terms["g_gan"] + c.distortion_weight * (
            c.l1_weight * terms["l1"] + c.vgg_weight * terms["vgg"] + c.ms_ssim_weight * terms["ms_ssim"]
            + c.dist_weight * terms["dist"])
        return {**terms, "x_bar": x_bar}

    def train_step(self, data):
        x_hat, x = data
        with tf.GradientTape() as tape:
            terms = self.generator_losses(x_hat, x)
        _minimize(self.g_optimizer, tape, terms["g_loss"], self.generator.trainable_variables)
        x_bar = tf.stop_gradient(terms["x_bar"])
        with tf.GradientTape() as tape:
            real = self.discriminator(x_hat, x, training=True)
            fake = self.discriminator(x_hat, x_bar, training=True)
            d_loss = losses.discriminator_loss(real, fake, self.config.gan_loss)
        _minimize(self.d_optimizer, tape, d_loss, self.discriminator.trainable_variables)
        terms["d_loss"] = d_loss
        terms["d_real"] = tf.add_n([tf.reduce_mean(tf.sigmoid(tf.cast(r[-1], tf.float32))) for r in real]) / len(real)
        terms["d_fake"] = tf.add_n([tf.reduce_mean(tf.sigmoid(tf.cast(f[-1], tf.float32))) for f in fake]) / len(fake)
        for name, tracker in self.trackers.items():
            tracker.update_state(terms[name])
        return {name: tracker.result() for name, tracker in self.trackers.items()}


class RdnRestorer(tf.keras.Model):
    """The RDN trained for distortion: L1, MSE or 1 - MS-SSIM (Appendix C)."""

    def __init__(self, config: RestorationConfig, **kwargs):
        super().__init__(**kwargs)
        self.config = config
        self.generator = ResidualDenseNetwork(config.rdn)
        self.trackers = {n: tf.keras.metrics.Mean(n) for n in ("loss", "l1", "ms_ssim")}

    def compile(self, **kwargs):
        super().compile(**kwargs)
        self.g_optimizer = adam(self.config)

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, x_hat, training=False):
        return self.generator(x_hat, training=training)

    def train_step(self, data):
        x_hat, x = data
        with tf.GradientTape() as tape:
            x_bar = tf.cast(self.generator(x_hat, training=True), tf.float32)
            terms = {"l1": losses.l1_loss(x_bar, x), "ms_ssim": losses.ms_ssim_loss(x_bar, x)}
            kind = self.config.rdn_loss
            terms["loss"] = (terms["l1"] if kind == "l1" else terms["ms_ssim"] if kind == "ms_ssim"
                             else tf.reduce_mean(tf.square(x_bar - x)))
        _minimize(self.g_optimizer, tape, terms["loss"], self.generator.trainable_variables)
        for name, tracker in self.trackers.items():
            tracker.update_state(terms[name])
        return {name: tracker.result() for name, tracker in self.trackers.items()}


def build_restorer(config: RestorationConfig) -> tf.keras.Model:
    return FineNetGAN(config) if config.model == "finenet" else RdnRestorer(config)
