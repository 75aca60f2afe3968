"""Training of the progressive coders and the inpainting network on image patches.

Patches are P x P (32) crops; each comes with its 2P x 2P context (the patch is the
bottom-right block; context outside the image is zero, i.e. mid-grey in [-1, 1]). The
losses are the paper's: equation 1 (residual encoder), 2 (R2I), 3 (inpainting alone) and
4 (joint IR2I: the inpainting loss plus every stage's loss with the inpainting estimate
added before the stage's tanh). ``separate`` inpainting is trained alone first and then
frozen while the coder learns to code its residuals.

The paper trains the inpainting network on original context pixels, but the codec gives it
the stage-2 reconstructions of the decoded neighbours. With ``inpaint_context='coded'``
(joint training only) each step first codes the target's three neighbours with the current
weights (inpainted from their own original context, then two stages, no gradient) and the
inpainting network learns from that context instead; it costs about twice the step time.
"""
from __future__ import annotations

import logging
import os
from typing import Optional

import tensorflow as tf

from keras_models import resumable, sample_seeds
from keras_models.ir2i.config import Ir2iConfig
from keras_models.ir2i.model import InpaintingNetwork, ProgressiveCoder
from keras_models.pixels import from_unit, to_unit

__all__ = ["patch_pairs", "Ir2iModel", "train"]


def patch_pairs(images: tf.data.Dataset, config: Ir2iConfig, seed: int = 0) -> tf.data.Dataset:
    """uint8 [H, W, 3] images -> an endless, shuffled dataset of (context, patch [P, P, 3])
    batches in [-1, 1]. The context is [2P, 2P, 3]; with ``inpaint_context='coded'`` it is
    the [3P, 3P, 4] window that also holds the neighbours' own contexts, its last channel 1
    inside the image and 0 where the window reaches past the top or left border."""
    p = config.patch
    border = config.border_probability
    side = 3 * p if config.inpaint_context == "coded" else 2 * p

    def position(limit, seeds):
        start = tf.random.stateless_uniform((), seeds[0], 0, limit + 1, dtype=tf.int32)
        return tf.where(tf.random.stateless_uniform((), seeds[1]) < border, 0, start)

    def sample(image, seed):
        shape = tf.shape(image)
        seeds = sample_seeds.split(seed, 4)
        y = position(shape[0] - p, seeds[:2])
        x = position(shape[1] - p, seeds[2:])
        pixels = to_unit(image)
        if side == 3 * p:
            pixels = tf.concat([pixels, tf.ones_like(pixels[..., :1])], -1)
        padded = tf.pad(pixels, [[side - p, 0], [side - p, 0], [0, 0]])
        context = tf.ensure_shape(padded[y:y + side, x:x + side], (side, side, pixels.shape[-1]))
        return context, context[side - p:, side - p:, :3]

    shuffled = images.filter(lambda im: tf.reduce_all(tf.shape(im)[:2] >= p)).cache().repeat().shuffle(64, seed=seed)
    return (sample_seeds.with_seeds(shuffled, seed).map(sample, num_parallel_calls=tf.data.AUTOTUNE)
            .batch(config.batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE))


def _optimizer(config: Ir2iConfig) -> tf.keras.optimizers.legacy.Optimizer:
    """Adam with the config's drops. Keras' fused ("legacy") Adam: the same update as the
    newer class, one op per variable, so tracing the training step of the ~400 variables of
    an 8-stage coder takes 0.9 s instead of 6.9 s (and each step runs fewer ops)."""
    drops = list(config.lr_drops)
    rates = [config.learning_rate / 10 ** k for k in range(len(drops) + 1)]
    schedule = tf.keras.optimizers.schedules.PiecewiseConstantDecay(drops, rates) if drops else config.learning_rate
    return tf.keras.optimizers.legacy.Adam(schedule)


class Ir2iModel(tf.keras.Model):
    """The coder and (optionally) the inpainting network, with one training step per phase.

    ``phase`` is ``coder`` (equations 1/2; with a frozen inpainting estimate when the
    config's inpainting is ``separate``), ``inpainting`` (equation 3) or ``joint`` (eq. 4).
    """

    def __init__(self, config: Ir2iConfig, **kwargs):
        super().__init__(**kwargs)
        self.config = config
        self.coder = ProgressiveCoder(config, name="coder")
        self.inpainter = InpaintingNetwork(config, name="inpainter") if config.uses_inpainting else None
        self.phase = "joint" if config.inpainting == "joint" else "coder"

    def call(self, inputs, training=None):
        context, patches = inputs
        inpaint_pre = self.inpainter(context, training=training) if self.inpainter is not None else None
        return self.coder((patches, inpaint_pre), training=training)

    def build_all(self) -> None:
        p = self.config.patch
        self((tf.zeros((1, 2 * p, 2 * p, 3)), tf.zeros((1, p, p, 3))), training=False)

    def phase_variables(self) -> list:
        """The variables the current phase trains."""
        if self.phase == "inpainting":
            return self.inpainter.trainable_variables
        if self.phase == "joint":
            return self.coder.trainable_variables + self.inpainter.trainable_variables
        return self.coder.trainable_variables

    def _step_losses(self, context, patches):
        metrics = {}
        inpaint_pre = None
        if self.inpainter is not None:
            frozen = self.phase == "coder"
            inpaint_pre = self.inpainter(context, training=not frozen)
            if frozen:
                inpaint_pre = tf.stop_gradient(inpaint_pre)
            metrics["inpainting_mse"] = tf.reduce_mean(tf.square(patches - tf.tanh(inpaint_pre)))
        if self.phase == "inpainting":
            return metrics["inpainting_mse"], metrics
        out = self.coder((patches, inpaint_pre), training=True)
        stage = out["stage_losses"]
        loss = tf.reduce_sum(stage)
        if self.phase == "joint":
            loss += metrics["inpainting_mse"]
        metrics.update({"first_stage_mse": stage[0], "last_stage_mse": stage[-1]})
        return loss, metrics

    def coded_context(self, window):
        """[N, 3P, 3P, 4] windows -> [N, 2P, 2P, 3] contexts of their bottom-right patch made of
        the coder's stage-``context_stage`` reconstructions of its three neighbours, as the
        codec builds them; each neighbour is inpainted from its own original context (one
        level of the codec's recursion) and coded with the current weights, without gradient."""
        p = self.config.patch
        pixels = window[..., :3]
        cells = ((1, 1), (1, 2), (2, 1))  # above-left, above, left of the patch at (2, 2)
        contexts = tf.concat([pixels[:, (i - 1) * p:(i + 1) * p, (j - 1) * p:(j + 1) * p] for i, j in cells], 0)
        neighbours = tf.concat([pixels[:, i * p:(i + 1) * p, j * p:(j + 1) * p] for i, j in cells], 0)
        stages = self.config.context_stage
        coded = self.coder((neighbours, self.inpainter(contexts, training=True)), training=True,
                           stages=stages)["images"][:, stages - 1]
        above_left, above, left = tf.split(coded, 3)
        context = tf.concat([tf.concat([above_left, above], 2), tf.concat([left, tf.zeros_like(left)], 2)], 1)
        return tf.stop_gradient(context * window[:, p:, p:, 3:])

    def train_step(self, data):
        context, patches = data
        if self.config.inpaint_context == "coded":
            context = self.coded_context(context)
        variables = self.phase_variables()
        with tf.GradientTape() as tape:
            loss, metrics = self._step_losses(context, patches)
        grads = tape.gradient(loss, variables)
        self.optimizer.apply_gradients(zip(grads, variables))
        return {"loss": loss, **metrics}


def _fit(model: Ir2iModel, pairs, steps: int, checkpoint_dir, log_dir, name: str, verbose: int,
         steps_per_epoch: int) -> None:
    model.compile(optimizer=_optimizer(model.config))
    # Slots made before fit: an optimizer that creates them at its first step makes tf.function
    # trace the whole training step twice (about 20 s of a short run's start for ir2i-tiny).
    model.optimizer._create_all_weights(model.phase_variables())  # pylint: disable=protected-access
    schedule = resumable.Schedule(steps, steps_per_epoch)
    initial_epoch, callbacks = resumable.resume(model, schedule, checkpoint_dir, log_dir, name, build=model.build_all)
    resumable.fit(model, pairs, schedule, initial_epoch, callbacks, verbose, name)


def train(config: Ir2iConfig, images: tf.data.Dataset, steps: int, log_dir: Optional[str] = None,
          checkpoint_dir: Optional[str] = None, seed: int = 0, verbose: int = 0,
          inpainting_steps: Optional[int] = None, steps_per_epoch: int = 100) -> Ir2iModel:
    """Trains for ``steps`` steps (plus ``inpainting_steps``, default ``steps``, of inpainting
    alone first when the config's inpainting is ``separate``); checkpoints every
    ``steps_per_epoch`` steps and resumes from the newest checkpoint."""
    tf.keras.utils.set_random_seed(seed)  # Python, NumPy and TensorFlow, as Keras 2 initializers need
    model = Ir2iModel(config)
    model.build_all()
    pairs = patch_pairs(images, config, seed)

    def sub(path, leaf):
        return os.path.join(path, leaf) if path else None

    if config.inpainting == "separate":
        model.phase = "inpainting"
        logging.info("IR2I: training the inpainting network alone")
        _fit(model, pairs, inpainting_steps or steps, sub(checkpoint_dir, "inpainting"), sub(log_dir, "inpainting"),
             "IR2I inpainting", verbose, steps_per_epoch)
        model.phase = "coder"
        checkpoint_dir, log_dir = sub(checkpoint_dir, "coder"), sub(log_dir, "coder")
    _fit(model, pairs, steps, checkpoint_dir, log_dir, f"IR2I {config.variant}/{config.inpainting}", verbose,
         steps_per_epoch)
    return model
