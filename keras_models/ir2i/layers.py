"""Layers of the IR2I models and the interpreter that runs a list of table rows."""
from __future__ import annotations

import dataclasses
from typing import Optional

import tensorflow as tf

from keras_models import checkpointed_random
from keras_models.ir2i.tables import Row

__all__ = ["Binarizer", "RowLayer", "build_row_layers", "run_rows"]

# "We used ... the MSRA initialization [9] for initializing all stages."
_INIT = "he_normal"


@tf.keras.utils.register_keras_serializable("dsr")
class Binarizer(tf.keras.layers.Layer):
    """Maps tanh outputs in [-1, 1] to {-1, +1}.

    Training: the stochastic binarisation of Raiko et al. (+1 with probability (1 + x) / 2),
    whose expectation is x, with the straight-through ("biased") gradient d b / d x = 1.
    Inference: the sign (0 maps to +1), so that coding is deterministic. The samples come from a
    ``tf.random.Generator`` whose state is part of the layer's checkpoint, so a resumed training
    draws what an uninterrupted one would have drawn.
    """

    def __init__(self, seed: Optional[int] = None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.generator = checkpointed_random.generator(seed)

    def call(self, x, training=None):
        x = tf.convert_to_tensor(x)
        if training:
            probability = (1.0 + x) / 2.0
            uniform = self.generator.uniform(tf.shape(x), dtype=x.dtype)
            sample = tf.where(uniform < probability, 1.0, -1.0)
            return sample + (x - tf.stop_gradient(x))  # exactly +-1 forward, gradient 1
        return tf.where(x >= 0, tf.ones_like(x), -tf.ones_like(x))

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


@tf.keras.utils.register_keras_serializable("dsr")
class RowLayer(tf.keras.layers.Layer):
    """One weighted table row: convolution (or deconvolution), optional batch norm."""

    def __init__(self, row: Row, filters: int, **kwargs):
        super().__init__(**kwargs)
        self.row, self.filters = row, filters
        if row.kind == "deconv":
            self.op = tf.keras.layers.Conv2DTranspose(filters, 2, 2, kernel_initializer=_INIT, name="deconv")
        else:
            size = 1 if row.kind == "conv1" else 3
            self.op = tf.keras.layers.Conv2D(filters, size, row.stride, padding="same", dilation_rate=row.dilation,
                                             use_bias=not row.bn, kernel_initializer=_INIT, name="conv")
        self.norm = tf.keras.layers.BatchNormalization(name="bn") if row.bn else None

    def call(self, x, training=None):
        y = self.op(x)
        if self.norm is not None:
            y = self.norm(y, training=training)
        return y

    def get_config(self):
        return {**super().get_config(), "row": dataclasses.asdict(self.row), "filters": self.filters}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        row = config.pop("row")
        return cls(Row(**{**row, "inputs": tuple(row["inputs"])}), **config)


def _width(symbol: Optional[str], widths: dict[str, int]) -> int:
    if symbol not in widths:
        raise ValueError(f"unknown filter symbol {symbol!r}")
    return widths[symbol]


def build_row_layers(rows: list[Row], widths: dict[str, int], prefix: str,
                     connections: bool = True) -> dict[str, RowLayer]:
    """One ``RowLayer`` per weighted row, named ``<prefix><row name>``; without the
    connections from a previous stage when ``connections`` is False (stage 1)."""
    return {row.name: RowLayer(row, _width(row.filters, widths), name=prefix + row.name.replace("'", "_p"))
            for row in rows if row.has_weights and (connections or not row.is_connection)}


def _activate(x, activation: Optional[str]):
    if activation == "relu":
        return tf.nn.relu(x)
    if activation == "tanh":
        return tf.tanh(x)
    if activation is None:
        return x
    raise ValueError(f"unknown activation {activation!r}")


def run_rows(rows: list[Row], layers: dict, env: dict, previous: Optional[dict], training=None,
             binarizer: Optional[Binarizer] = None, crop: Optional[int] = None, start: Optional[str] = None) -> dict:
    """Runs ``rows`` in order, reading and writing tensors by name in ``env``.

    ``env`` also receives ``<name>:pre``, each row's value before its non-linearity.
    ``previous`` is the previous stage's env (None at stage 1: connections contribute zeros).
    ``start`` skips the rows before the named one (decoding starts at ``conv_8``).
    """
    running = start is None
    for row in rows:
        running = running or row.name == start
        if not running:
            continue
        inputs = []
        for name in row.inputs:
            if name.endswith("@prev"):
                inputs.append(None if previous is None else previous[name[:-5]])
            else:
                inputs.append(env[name])
        if row.has_weights:
            pre = None if inputs[0] is None else layers[row.name](inputs[0], training=training)
        elif row.kind == "add":
            present = [x for x in inputs if x is not None]
            pre = tf.add_n(present) if len(present) > 1 else present[0]
        elif row.kind == "concat":
            pre = tf.concat(inputs, axis=-1)
        elif row.kind == "crop":
            pre = inputs[0][:, -crop:, -crop:, :]
        elif row.kind == "bin":
            pre = binarizer(inputs[0], training=training)
        elif row.kind == "tanh":
            pre = inputs[0]
        else:
            raise ValueError(f"unknown row kind {row.kind!r}")
        env[f"{row.name}:pre"] = pre
        env[row.name] = None if pre is None else _activate(pre, row.activation)
    return env
