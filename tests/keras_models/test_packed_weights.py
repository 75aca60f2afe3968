"""keras_models.packed_weights: the packed functions compute bit for bit what the traced ones do,
from one variable per weight shape, before and after a SavedModel round trip."""
import numpy as np
import pytest
import tensorflow as tf

from keras_models import packed_weights


def _network():
    """Dilated and strided convolutions, a deconvolution and batch norms with moving statistics
    away from 0 and 1: the layers IR2I's networks are made of. Two layers share a shape."""
    tf.keras.utils.set_random_seed(3)
    inputs = tf.keras.Input((16, 16, 3))
    x = tf.keras.layers.Conv2D(8, 3, padding="same", dilation_rate=2)(inputs)
    x = tf.keras.layers.BatchNormalization()(x)
    x = tf.keras.layers.ReLU()(x)
    x = tf.keras.layers.Conv2D(8, 3, strides=2, padding="same", use_bias=False)(x)
    x = tf.keras.layers.BatchNormalization()(x)
    y = tf.keras.layers.Conv2DTranspose(3, 2, 2)(x)
    model = tf.keras.Model(inputs, [x, y])
    rng = np.random.default_rng(0)
    for v in model.variables:
        if "moving_variance" in v.name or "gamma" in v.name:
            v.assign(rng.uniform(0.5, 1.5, v.shape).astype(np.float32))
        elif "moving_mean" in v.name or "beta" in v.name or "bias" in v.name:
            v.assign(rng.normal(0, 0.1, v.shape).astype(np.float32))
    return model


def _functions(model):
    def features(images):
        x, y = model(images, training=False)
        return {"features": x, "image": tf.tanh(y)}

    def twice(pair):  # reads every weight twice; a nested argument
        images, scale = pair
        return model(images * scale, training=False)[1] + model(images, training=False)[1]

    images = tf.TensorSpec([None, 16, 16, 3], tf.float32)
    return {"features": tf.function(features, input_signature=[images]),
            "twice": tf.function(twice, input_signature=[(images, tf.TensorSpec([], tf.float32))])}


def test_packed_functions_compute_bit_for_bit_what_the_traced_ones_do_after_a_round_trip(tmp_path):
    model = _network()
    functions = _functions(model)
    images = tf.constant(np.random.default_rng(1).uniform(-1, 1, (5, 16, 16, 3)).astype(np.float32))
    expected = {"features": functions["features"](images), "twice": functions["twice"]((images, 0.5))}
    packed = packed_weights.pack(functions, model.variables, name="net")
    tf.saved_model.save(packed, str(tmp_path))
    loaded = tf.saved_model.load(str(tmp_path))
    for module in (packed, loaded):
        got = {"features": module.features(images), "twice": module.twice((images, 0.5))}
        for key in ("features", "image"):
            assert np.array_equal(got["features"][key].numpy(), expected["features"][key].numpy()), key
        assert np.array_equal(got["twice"].numpy(), expected["twice"].numpy())


def test_the_module_holds_one_variable_per_weight_shape_and_ignores_the_ones_not_read(tmp_path):
    model = _network()
    unread = tf.Variable(tf.zeros([7], tf.int64))
    packed = packed_weights.pack(_functions(model), model.variables + [unread])
    shapes = {tuple(v.shape.as_list()) for v in model.variables}
    assert len(shapes) < len(model.variables)  # the two batch norms' 4 + 4 vectors of 8 share one
    assert sorted(tuple(v.shape.as_list()[1:]) for v in packed.stacks) == sorted(shapes)
    assert sum(int(v.shape[0]) for v in packed.stacks) == len(model.variables)
    tf.saved_model.save(packed, str(tmp_path))
    assert len(tf.saved_model.load(str(tmp_path)).stacks) == len(shapes)


def test_functions_that_capture_other_tensors_or_use_a_variable_otherwise_are_refused():
    model = _network()
    table = tf.constant(np.arange(1000, dtype=np.float32))  # large enough to be captured, not inlined
    spec = [tf.TensorSpec([None, 16, 16, 3], tf.float32)]
    captures = tf.function(lambda x: model(x, training=False)[1] * table[0], input_signature=spec)
    with pytest.raises(ValueError, match="captures .* not one of the variables"):
        packed_weights.pack({"captures": captures}, model.variables)

    counter = tf.Variable(0.0)

    def counts(x):
        counter.assign_add(1.0)
        return model(x, training=False)[1]

    with pytest.raises(ValueError, match="other than by reading it"):
        packed_weights.pack({"counts": tf.function(counts, input_signature=spec)}, model.variables + [counter])

    steps = tf.Variable(0, dtype=tf.int64)
    reads_int = tf.function(lambda x: model(x, training=False)[1] * tf.cast(steps, tf.float32), input_signature=spec)
    with pytest.raises(ValueError, match="only float32"):
        packed_weights.pack({"reads_int": reads_int}, model.variables + [steps])
