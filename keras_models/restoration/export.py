"""SavedModel export of a trained restorer's generator.

Signatures:
  ``restore``: ``image`` string [] (PNG or JPEG bytes of any size) -> ``restored`` PNG bytes.
  ``restore_tensor``: ``images`` float32 [N, H, W, 3] in 0..255 (any H, W) -> ``restored``
    float32 of the same shape in 0..255.
Inputs whose size is not a multiple of the generator's stride are mirror-padded and cropped
back. ``load`` returns a callable on uint8 numpy images for library use.
"""
from __future__ import annotations

import json
import os
from typing import Callable

import numpy as np
import tensorflow as tf

__all__ = ["RestorerModule", "export", "load", "METADATA_FILE"]

METADATA_FILE = "restorer.json"


class RestorerModule(tf.Module):
    def __init__(self, generator: tf.keras.Model, multiple: int):
        super().__init__()
        # The SavedModel tracks the generator's variables, not the Keras model, whose own
        # serialisation would trace every layer's call for Keras' loader, which no signature
        # uses (as in keras_models/segmentation/export.py).
        object.__setattr__(self, "generator", generator)
        self.generator_variables = list(generator.variables)
        self.multiple = multiple

    @tf.function(input_signature=[tf.TensorSpec([None, None, None, 3], tf.float32, name="images")])
    def restore_tensor(self, images):
        h, w = tf.shape(images)[1], tf.shape(images)[2]
        ph, pw = -h % self.multiple, -w % self.multiple
        padded = tf.pad(images, [[0, 0], [0, ph], [0, pw], [0, 0]], mode="SYMMETRIC")
        restored = tf.cast(self.generator(padded / 127.5 - 1.0, training=False), tf.float32)
        restored = tf.clip_by_value((restored + 1.0) * 127.5, 0.0, 255.0)
        return {"restored": restored[:, :h, :w, :]}

    @tf.function(input_signature=[tf.TensorSpec([], tf.string, name="image")])
    def restore(self, image):
        decoded = tf.io.decode_image(image, channels=3, expand_animations=False)
        restored = self.restore_tensor(tf.cast(decoded, tf.float32)[None])["restored"][0]
        return {"restored": tf.io.encode_png(tf.cast(tf.round(restored), tf.uint8))}


def export(generator: tf.keras.Model, path: str, multiple: int, metadata: dict | None = None) -> str:
    """Writes the SavedModel (and ``restorer.json`` with ``metadata``) to ``path``."""
    module = RestorerModule(generator, multiple)
    tf.saved_model.save(module, path, signatures={"restore": module.restore,
                                                  "restore_tensor": module.restore_tensor,
                                                  "serving_default": module.restore})
    with tf.io.gfile.GFile(os.path.join(path, METADATA_FILE), "w") as f:
        json.dump({"multiple": multiple, **(metadata or {})}, f, indent=2)
    return path


def load(path: str) -> Callable[[np.ndarray], np.ndarray]:
    """A function float32 [N, H, W, 3] in 0..255 -> restored float32 of the same shape."""
    if not tf.io.gfile.exists(os.path.join(path, "saved_model.pb")):
        raise FileNotFoundError(f"{path} is not a restorer SavedModel (no saved_model.pb)")
    module = tf.saved_model.load(path)

    def restore(images: np.ndarray) -> np.ndarray:
        return module.restore_tensor(tf.constant(images, tf.float32))["restored"].numpy()

    return restore


def train_and_export(preset: str, overrides: dict, pairs, steps: int, path: str, metadata: dict | None = None,
                     checkpoint_dir: str | None = None, log_dir: str | None = None, seed: int = 0,
                     verbose: int = 0) -> str:
    """Trains the restorer ``preset`` (with ``overrides``) for ``steps`` steps on ``pairs`` (a
    dataset of uint8 (compressed, original) images), resuming from ``checkpoint_dir``, and
    writes its SavedModel to ``path`` with ``restorer.json`` naming the restorer (default: its
    model kind), preset, model and steps, plus ``metadata``."""
    from keras_models.restoration import config as restoration_config, training  # pylint: disable=g-import-not-at-top
    config = restoration_config.preset(preset, **dict(overrides))
    model = training.train(config, pairs, steps, log_dir=log_dir, checkpoint_dir=checkpoint_dir, seed=seed,
                           verbose=verbose)
    multiple = config.generator.multiple if config.model == "finenet" else 1
    return export(model.generator, path, multiple,
                  {"name": config.model, "preset": preset, "model": config.model, "steps": steps, **(metadata or {})})
