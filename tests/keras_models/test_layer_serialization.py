"""Every custom Keras layer and model survives a config round trip through Keras' registry
and a save/load of its weights: the rebuilt object computes what the original did."""
import numpy as np
import pytest
import tensorflow as tf

from keras_models import checkpointed_random
from keras_models.ir2i import config as ir2i_config, layers as ir2i_layers, model as ir2i_model, tables
from keras_models.restoration import config as restoration_config, discriminator, layers as restoration_layers


def _ir2i():
    return ir2i_config.preset("ir2i-tiny")


def _row(kind):
    return next(r for r in tables.stage_rows("r2i") if r.kind == kind and r.has_weights)


CASES = {
    "ReflectionPad": (lambda: restoration_layers.ReflectionPad(2), lambda: [tf.random.uniform((1, 6, 6, 3))]),
    "Dropout": (lambda: checkpointed_random.Dropout(0.3, seed=1), lambda: [tf.random.uniform((2, 8))]),
    "Binarizer": (lambda: ir2i_layers.Binarizer(seed=3), lambda: [tf.random.uniform((2, 4), -1, 1)]),
    "RowLayer(conv)": (lambda: ir2i_layers.RowLayer(_row("conv"), 6, name="conv_row"),
                       lambda: [tf.random.uniform((1, 8, 8, 3))]),
    "RowLayer(deconv)": (lambda: ir2i_layers.RowLayer(_row("deconv"), 5, name="deconv_row"),
                         lambda: [tf.random.uniform((1, 4, 4, 3))]),
    "MultiScaleDiscriminator": (
        lambda: discriminator.MultiScaleDiscriminator(restoration_config.DiscriminatorConfig(4, 2, (1, 2))),
        lambda: [tf.random.uniform((1, 16, 16, 3)), tf.random.uniform((1, 16, 16, 3))]),
    "InpaintingNetwork": (lambda: ir2i_model.InpaintingNetwork(_ir2i()),
                          lambda: [tf.random.uniform((1, 2 * _ir2i().patch, 2 * _ir2i().patch, 3), -1, 1)]),
}


def _outputs(obj, inputs):
    out = obj(*inputs) if len(inputs) > 1 else obj(inputs[0], training=False)
    return [np.asarray(t) for t in tf.nest.flatten(out)]


@pytest.mark.parametrize("name", sorted(CASES))
def test_config_round_trip_through_the_registry_computes_the_same(name, tmp_path):
    make, inputs = CASES[name]
    original = make()
    x = inputs()
    expected = _outputs(original, x)
    serialized = tf.keras.utils.serialize_keras_object(original)
    assert serialized["registered_name"].startswith("dsr>"), "registered in Keras' registry under dsr"
    clone = tf.keras.utils.deserialize_keras_object(serialized)
    assert type(clone) is type(original) and clone.get_config() == original.get_config()
    _outputs(clone, x)  # builds its weights
    path = str(tmp_path / "weights")
    tf.train.Checkpoint(layer=original).write(path)
    tf.train.Checkpoint(layer=clone).read(path).assert_existing_objects_matched()
    for a, b in zip(expected, _outputs(clone, x)):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


def test_progressive_coder_round_trip():
    config = _ir2i()
    coder = ir2i_model.ProgressiveCoder(config)
    clone = tf.keras.utils.deserialize_keras_object(tf.keras.utils.serialize_keras_object(coder))
    assert isinstance(clone, ir2i_model.ProgressiveCoder) and clone.config == config
