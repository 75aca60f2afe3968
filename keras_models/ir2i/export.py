"""Export of a trained IR2I model as a SavedModel the ``ir2i`` codec drives.

The SavedModel holds three functions on batches of patches in [-1, 1]:
  * ``inpaint(context [N, 2P, 2P, 3]) -> [N, P, P, 3]``: the inpainting pre-activation
    (zeros for models without inpainting);
  * ``encode(patches, inpaint_pre) -> bits [N, S, P/8, P/8, B]`` in {-1, +1};
  * ``decode(bits, inpaint_pre) -> images [N, S, P, P, 3]``: every stage's reconstruction
    (stages whose bits are unknown may be given zeros; their outputs are not used).
``ir2i.json`` next to it records the config, so the codec knows the patch size, stages, bits
and how many stages the first progressive code carries.
"""
from __future__ import annotations

import json
import os

import tensorflow as tf

from keras_models.ir2i.config import Ir2iConfig
from keras_models.ir2i.training import Ir2iModel

__all__ = ["Ir2iModule", "export", "load_config", "METADATA"]

METADATA = "ir2i.json"


class Ir2iModule(tf.Module):
    def __init__(self, model: Ir2iModel):
        super().__init__(name="ir2i")
        self.coder = model.coder
        self.inpainter = model.inpainter
        config = model.config
        p, s, b, h = config.patch, config.stages, config.bits, config.patch // 8
        patches = tf.TensorSpec([None, p, p, 3], tf.float32)
        self.inpaint = tf.function(self._inpaint, input_signature=[tf.TensorSpec([None, 2 * p, 2 * p, 3], tf.float32)])
        self.encode = tf.function(self._encode, input_signature=[patches, patches])
        self.decode = tf.function(self._decode, input_signature=[tf.TensorSpec([None, s, h, h, b], tf.float32), patches])

    def _inpaint(self, context):
        if self.inpainter is None:
            p = tf.shape(context)[1] // 2
            return tf.zeros([tf.shape(context)[0], p, p, 3])
        return self.inpainter(context, training=False)

    def _inpaint_or_none(self, inpaint_pre):
        return inpaint_pre if self.inpainter is not None else None

    def _encode(self, patches, inpaint_pre):
        return self.coder((patches, self._inpaint_or_none(inpaint_pre)), training=False)["bits"]

    def _decode(self, bits, inpaint_pre):
        return self.coder.decode(bits, self._inpaint_or_none(inpaint_pre))


def export(model: Ir2iModel, path: str) -> str:
    """Writes the SavedModel and ``ir2i.json`` to ``path``."""
    model.build_all()
    tf.saved_model.save(Ir2iModule(model), path)
    with open(os.path.join(path, METADATA), "w") as f:
        json.dump({"format": "ir2i", "config": model.config.to_json()}, f, indent=2)
    return path


def load_config(path: str) -> Ir2iConfig:
    """The config recorded with an exported model; a clear error when it is missing."""
    metadata = os.path.join(path, METADATA)
    if not os.path.exists(os.path.join(path, "saved_model.pb")) or not os.path.exists(metadata):
        raise FileNotFoundError(f"ir2i: {path!r} is not an exported IR2I model (needs saved_model.pb and {METADATA})")
    with open(metadata) as f:
        data = json.load(f)
    if data.get("format") != "ir2i" or "config" not in data:
        raise ValueError(f"ir2i: {metadata} does not describe an IR2I model")
    return Ir2iConfig.from_json(data["config"])
