"""SavedModel export of a trained DeepLabv3+ with serving signatures.

Signatures:
  ``serving_default``: ``images`` string [N] (PNG/JPEG bytes, one size per request) ->
    ``class_map`` uint8 [N, H, W].
  ``probabilities``: the same input -> ``class_map`` and ``probabilities`` float32 [N, H, W, C].
  ``shallow_channel_means``: ``images`` float32 [N, H, W, 3] -> per-channel mean activation of
    the stride-4 backbone features (the feature-alignment analysis of the paper's Fig. 11).
  ``tfexample_<feature>`` for ``image``, ``decoded`` and ``restored``: ``examples`` string [N]
    (serialized tf.Example holding that PNG feature) -> ``class_map`` and ``confidence``
    (mean max-probability, float32 [N]); the TFMA Evaluator uses these, choosing the feature
    of the configuration's test domain.
Images are segmented one at a time (bounded memory for any batch), at ``inference_scale``
times their size, and the logits are resized back to the input size.
"""
from __future__ import annotations

import json
import os

import tensorflow as tf

from image_datasets import features

__all__ = ["SegmenterModule", "export", "METADATA_FILE", "TFEXAMPLE_SIGNATURES", "tfexample_signature",
           "SHALLOW_LAYER"]

METADATA_FILE = "segmenter.json"
SHALLOW_LAYER = "decoder_low_proj_conv"
TFEXAMPLE_SIGNATURES = {f: f"tfexample_{f}" for f in (features.IMAGE, features.DECODED, features.RESTORED)}


def tfexample_signature(feature: str) -> str:
    if feature not in TFEXAMPLE_SIGNATURES:
        raise ValueError(f"no tf.Example signature for feature {feature!r}; expected one of "
                         f"{sorted(TFEXAMPLE_SIGNATURES)}")
    return TFEXAMPLE_SIGNATURES[feature]


class SegmenterModule(tf.Module):
    def __init__(self, network: tf.keras.Model, num_classes: int, inference_scale: float = 1.0,
                 multiple: int = 16):
        super().__init__()
        # The SavedModel tracks the network's variables, not the Keras objects: saving a Keras
        # model also traces every layer's call for Keras' own loader, which no signature uses
        # and which took most of an export's time (4.5 s of a tiny model's 5).
        object.__setattr__(self, "network", network)
        # The stride-4 backbone features the decoder projects: the shallow layer of Fig. 11.
        object.__setattr__(self, "shallow", tf.keras.Model(network.input, network.get_layer(SHALLOW_LAYER).input))
        self.network_variables = list(network.variables)
        self.num_classes = num_classes
        self.inference_scale = float(inference_scale)
        self.multiple = multiple

    @tf.function(input_signature=[tf.TensorSpec([None, None, 3], tf.float32)])
    def probabilities_one(self, image):
        """float [H, W, 3] in 0..255 -> probabilities float32 [H, W, C]."""
        size = tf.shape(image)[:2]
        scaled = tf.cast(tf.round(tf.cast(size, tf.float32) * self.inference_scale), tf.int32)
        x = tf.image.resize(image, scaled, method="bilinear") if self.inference_scale != 1.0 else image
        pad = -scaled % self.multiple
        x = tf.pad(x[None], [[0, 0], [0, pad[0]], [0, pad[1]], [0, 0]], mode="SYMMETRIC")
        logits = tf.cast(self.network(x, training=False), tf.float32)[:, :scaled[0], :scaled[1]]
        logits = tf.image.resize(logits, size, method="bilinear")[0]
        return tf.nn.softmax(logits)

    @tf.function(input_signature=[tf.TensorSpec([None, None, None, 3], tf.float32, name="images")])
    def shallow_channel_means(self, images):
        """float [N, H, W, 3] in 0..255 -> the mean activation of each channel of the shallow
        (stride-4) features, float32 [N, C] (the paper's feature-alignment analysis)."""
        return tf.reduce_mean(tf.cast(self.shallow(images, training=False), tf.float32), axis=[1, 2])

    def _segment(self, images):
        def one(image):
            p = self.probabilities_one(image)
            return tf.cast(tf.argmax(p, -1), tf.uint8), tf.reduce_mean(tf.reduce_max(p, -1))

        return tf.map_fn(one, images, fn_output_signature=(tf.uint8, tf.float32), parallel_iterations=1)

    @staticmethod
    def _decode(encoded):
        return tf.map_fn(lambda b: tf.cast(tf.io.decode_image(b, channels=3, expand_animations=False), tf.float32),
                         encoded, fn_output_signature=tf.TensorSpec([None, None, 3], tf.float32))

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="images")])
    def serve(self, images):
        class_map, _ = self._segment(self._decode(images))
        return {"class_map": class_map}

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="images")])
    def serve_probabilities(self, images):
        decoded = self._decode(images)
        probs = tf.map_fn(self.probabilities_one, decoded, fn_output_signature=tf.float32, parallel_iterations=1)
        return {"class_map": tf.cast(tf.argmax(probs, -1), tf.uint8), "probabilities": probs}

    def tfexample_function(self, feature: str):
        spec = {feature: tf.io.FixedLenFeature([], tf.string)}

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="examples")])
        def serve_tfexample(examples):
            parsed = tf.io.parse_example(examples, spec)
            class_map, confidence = self._segment(self._decode(parsed[feature]))
            return {"class_map": class_map, "confidence": confidence}

        return serve_tfexample


def export(network: tf.keras.Model, path: str, num_classes: int, inference_scale: float = 1.0,
           metadata: dict | None = None) -> str:
    """Writes the SavedModel with every signature, and ``segmenter.json``."""
    module = SegmenterModule(network, num_classes, inference_scale)
    signatures = {"serving_default": module.serve, "probabilities": module.serve_probabilities,
                  "shallow_channel_means": module.shallow_channel_means}
    for feature, name in TFEXAMPLE_SIGNATURES.items():
        fn = module.tfexample_function(feature)
        setattr(module, name, fn)
        signatures[name] = fn
    tf.saved_model.save(module, path, signatures=signatures)
    with tf.io.gfile.GFile(os.path.join(path, METADATA_FILE), "w") as f:
        json.dump({"num_classes": num_classes, "inference_scale": inference_scale, **(metadata or {})}, f, indent=2)
    return path
