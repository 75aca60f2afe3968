import tensorflow as tf

from keras_models.restoration.config import RdnConfig
from keras_models.restoration.rdn import ResidualDenseNetwork


def test_paper_rdn_has_16_blocks_of_6_dense_layers_with_growth_32_and_global_fusion():
    model = ResidualDenseNetwork(RdnConfig())
    for d in range(1, 17):
        for c in range(1, 7):
            conv = model.get_layer(f"rdb{d}_conv{c}")
            assert conv.filters == 32 and conv.kernel_size == (3, 3)
            assert conv.input_shape[-1] == 64 + 32 * (c - 1)  # dense connections
        assert model.get_layer(f"rdb{d}_lff").kernel_size == (1, 1)
    assert model.get_layer("gff_cat").output_shape[-1] == 16 * 64
    assert model.get_layer("gff_1x1").filters == 64 and model.get_layer("gff_3x3").kernel_size == (3, 3)


def test_rdn_keeps_the_size_and_adds_to_the_input():
    model = ResidualDenseNetwork(RdnConfig(blocks=2, layers=2, growth=4, features=8))
    rgb = model.get_layer("to_rgb")
    rgb.set_weights([tf.zeros_like(w) for w in rgb.get_weights()])
    x = tf.random.uniform((1, 20, 12, 3), -1, 1, seed=0)
    tf.debugging.assert_near(model(x), x)
