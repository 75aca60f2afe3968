"""The exported segmenter holds the network's variables and the signatures, not Keras' own
serialisation of the network, and its signatures compute what the in-memory module computes."""
import numpy as np
import tensorflow as tf
from tensorflow.core.protobuf import saved_model_pb2

from keras_models.segmentation import config, deeplab, export


def _keras_nodes(path: str) -> list[str]:
    proto = saved_model_pb2.SavedModel()
    with open(f"{path}/saved_model.pb", "rb") as f:
        proto.ParseFromString(f.read())
    return [n.user_object.identifier for n in proto.meta_graphs[0].object_graph_def.nodes
            if n.user_object.identifier.startswith("_tf_keras")]


def test_export_writes_no_keras_objects_and_equal_outputs(tmp_path):
    network = deeplab.build_deeplab(config.preset("tiny", num_classes=5, aspp_filters=8, decoder_filters=8,
                                                  low_level_filters=4))
    path = export.export(network, str(tmp_path / "m"), 5)
    assert _keras_nodes(path) == []
    loaded = tf.saved_model.load(path)
    module = export.SegmenterModule(network, 5)
    image = np.random.default_rng(0).integers(0, 256, (24, 40, 3), dtype=np.uint8)
    png = tf.constant([tf.io.encode_png(image).numpy()])
    got = loaded.signatures["probabilities"](images=png)
    want = module.serve_probabilities(png)
    np.testing.assert_array_equal(got["probabilities"].numpy(), want["probabilities"].numpy())
    floats = tf.constant(image[None], tf.float32)
    np.testing.assert_array_equal(loaded.signatures["shallow_channel_means"](images=floats)["output_0"].numpy(),
                                  module.shallow_channel_means(floats).numpy())


def test_the_keras_tracked_layout_would_carry_keras_objects(tmp_path):
    # The check above can fail: a module that also tracks the Keras network writes its layers.
    network = deeplab.build_deeplab(config.preset("tiny", num_classes=5, aspp_filters=8, decoder_filters=8,
                                                  low_level_filters=4))
    module = export.SegmenterModule(network, 5)
    module.keras_network = network
    tf.saved_model.save(module, str(tmp_path / "k"), signatures={"serving_default": module.serve})
    assert "_tf_keras_network" in _keras_nodes(str(tmp_path / "k"))
