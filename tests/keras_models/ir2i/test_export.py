"""keras_models.ir2i.export: the SavedModel's two functions compute bit for bit what the model's
own coding functions do, from one variable per weight shape; its config is recorded."""
import numpy as np
import pytest
import tensorflow as tf

from keras_models.ir2i import config as ic
from keras_models.ir2i import export, training


def test_the_export_codes_as_the_model_does_from_one_variable_per_weight_shape(tmp_path):
    tf.keras.utils.set_random_seed(5)
    model = training.Ir2iModel(ic.preset("ir2i-tiny", stages=3))
    path = export.export(model, str(tmp_path / "m"))
    loaded = tf.saved_model.load(path)
    shapes = {tuple(v.shape.as_list()) for v in model.variables if v.dtype == tf.float32}
    assert len(loaded.stacks) == len(shapes) < len(model.variables) / 10
    rng = np.random.default_rng(0)
    context = tf.constant(rng.uniform(-1, 1, (3, 64, 64, 3)).astype(np.float32))
    patches = tf.constant(rng.uniform(-1, 1, (3, 32, 32, 3)).astype(np.float32))
    functions = export.coding_functions(model)
    expected, got = functions["encode_patches"](context, patches), loaded.encode_patches(context, patches)
    for key in ("bits", "context"):
        assert np.array_equal(got[key].numpy(), expected[key].numpy()), key
    bits = expected["bits"]
    assert np.array_equal(loaded.decode_patches(context, bits).numpy(),
                          functions["decode_patches"](context, bits).numpy())
    assert export.load_config(path) == model.config


def test_a_folder_that_is_not_an_export_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="not an exported IR2I model"):
        export.load_config(str(tmp_path))
