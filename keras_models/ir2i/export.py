"""Export of a trained IR2I model as a SavedModel the ``ir2i`` codec drives.

The SavedModel holds two functions on batches of patches in [-1, 1], one call per
wavefront of the codec:
  * ``encode_patches(context [N, 2P, 2P, 3], patches [N, P, P, 3])`` -> ``bits``
    [N, S, P/8, P/8, B] in {-1, +1} and ``context`` [N, P, P, 3], the decoder's
    stage-``context_stage`` reconstruction of the patches (what their neighbours' contexts are
    made of; zeros for models without inpainting);
  * ``decode_patches(context, bits [N, S, P/8, P/8, B]) -> images [N, S, P, P, 3]``: every
    stage's reconstruction (stages whose bits are unknown may be given zeros; their outputs
    are not used).
Each first inpaints the patches from ``context`` (ignored by models without inpainting).
Models exported before these two functions existed hold ``inpaint``, ``encode`` and
``decode`` instead; the codec drives those too (``image_codecs.ir2i``), with the same results.
The functions read their weights from one stacked variable per weight shape
(``keras_models.packed_weights``), and the SavedModel holds nothing else: no Keras layers and
their call functions, no saver functions. ``ir2i.json`` next to it records the config, so the
codec knows the patch size, stages, bits and how many stages the first progressive code
carries.
"""
from __future__ import annotations

import json
import os

import tensorflow as tf

from keras_models import packed_weights
from keras_models.ir2i.config import Ir2iConfig
from keras_models.ir2i.training import Ir2iModel

__all__ = ["coding_functions", "export", "load_config", "METADATA"]

METADATA = "ir2i.json"


def coding_functions(model: Ir2iModel) -> dict:
    """``encode_patches`` and ``decode_patches`` of ``model`` as tf.functions."""
    coder, inpainter, config = model.coder, model.inpainter, model.config
    p, s, b, h = config.patch, config.stages, config.bits, config.patch // 8

    def inpaint(context):
        return inpainter(context, training=False) if inpainter is not None else None

    def encode_patches(context, patches):
        pre = inpaint(context)
        bits = coder((patches, pre), training=False)["bits"]
        if inpainter is None:
            return {"bits": bits, "context": tf.zeros_like(patches)}
        # The context comes from the decoder's own layers on the bits, not from the images
        # the encoder computed on the way: both ends run the same graph on the same bits, so
        # their contexts cannot drift apart by a rounding difference.
        images = coder.decode(bits, pre, stages=config.context_stage)
        return {"bits": bits, "context": images[:, -1]}

    def decode_patches(context, bits):
        return coder.decode(bits, inpaint(context))

    contexts, bit_blocks = tf.TensorSpec([None, 2 * p, 2 * p, 3], tf.float32), tf.TensorSpec([None, s, h, h, b])
    return {"encode_patches": tf.function(encode_patches, autograph=False,
                                          input_signature=[contexts, tf.TensorSpec([None, p, p, 3], tf.float32)]),
            "decode_patches": tf.function(decode_patches, input_signature=[contexts, bit_blocks], autograph=False)}


def export(model: Ir2iModel, path: str) -> str:
    """Writes the SavedModel and ``ir2i.json`` to ``path``."""
    model.build_all()
    # Without the native saver functions (twice the graph of the coding functions): the codec
    # never re-saves a loaded model, and loading takes a third less time.
    module = packed_weights.pack(coding_functions(model), model.variables, name="ir2i")
    tf.saved_model.save(module, path, options=tf.saved_model.SaveOptions(experimental_skip_saver=True))
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
