"""The exported restorer holds the generator's variables and the signatures, not Keras' own
serialisation of the generator, and restores exactly as the in-memory module does."""
import numpy as np
import tensorflow as tf
from tensorflow.core.protobuf import saved_model_pb2

from keras_models.restoration import config, export, finenet


def test_export_writes_no_keras_objects_and_equal_outputs(tmp_path):
    generator_config = config.preset("finenet-tiny", generator={"filters": 4, "res_blocks": 1}).generator
    generator = finenet.FineNetGenerator(generator_config)
    path = export.export(generator, str(tmp_path / "m"), generator_config.multiple)
    proto = saved_model_pb2.SavedModel()
    with open(f"{path}/saved_model.pb", "rb") as f:
        proto.ParseFromString(f.read())
    identifiers = {n.user_object.identifier for n in proto.meta_graphs[0].object_graph_def.nodes}
    assert not any(i.startswith("_tf_keras") for i in identifiers), identifiers
    images = np.random.default_rng(0).uniform(0, 255, (2, 20, 36, 3)).astype(np.float32)
    module = export.RestorerModule(generator, generator_config.multiple)
    np.testing.assert_array_equal(export.load(path)(images),
                                  module.restore_tensor(tf.constant(images))["restored"].numpy())
