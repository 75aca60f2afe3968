"""FineNet's generator and discriminators against Appendix B, layer by layer."""
import numpy as np
import pytest
import tensorflow as tf
import tensorflow_addons as tfa

from keras_models.restoration import config as rc
from keras_models.restoration.discriminator import MultiScaleDiscriminator, PatchDiscriminator
from keras_models.restoration.finenet import FineNetGenerator, layer_names
from keras_models.restoration.layers import ReflectionPad


@pytest.fixture(scope="module")
def paper_generator():
    return FineNetGenerator(rc.preset("finenet-paper").generator)


def test_paper_generator_layer_groups_read_as_appendix_b(paper_generator):
    names = layer_names(rc.preset("finenet-paper").generator)
    assert names == ["c64", "d128", "d256", "d512"] + [f"r512_{i}" for i in range(1, 10)] + [
        "u256", "u128", "u64", "o3"]


@pytest.mark.parametrize("group,kernel,stride,filters,activation", [
    ("c64", 7, 1, 64, "relu"), ("d128", 3, 2, 128, "relu"), ("d256", 3, 2, 256, "relu"),
    ("d512", 3, 2, 512, "relu"), ("o3", 7, 1, 3, "tanh")])
def test_conv_groups_have_the_papers_kernel_stride_norm_activation(paper_generator, group, kernel, stride, filters,
                                                                   activation):
    conv = paper_generator.get_layer(f"{group}_conv")
    assert conv.kernel_size == (kernel, kernel) and conv.strides == (stride, stride) and conv.filters == filters
    assert isinstance(paper_generator.get_layer(f"{group}_norm"), tfa.layers.InstanceNormalization)
    act = paper_generator.get_layer(f"{group}_{activation}")
    assert act is not None
    if kernel == 7:  # the 7x7 convolutions keep the size through reflection padding
        assert isinstance(paper_generator.get_layer(f"{group}_pad"), ReflectionPad)


def test_residual_blocks_are_two_reflection_padded_3x3_convs_with_instance_norm(paper_generator):
    for i in range(1, 10):
        for part in ("a", "b"):
            conv = paper_generator.get_layer(f"r512_{i}_{part}_conv")
            assert conv.kernel_size == (3, 3) and conv.filters == 512 and conv.padding == "valid"
            assert paper_generator.get_layer(f"r512_{i}_{part}_pad").padding == 1
            assert isinstance(paper_generator.get_layer(f"r512_{i}_{part}_norm"), tfa.layers.InstanceNormalization)
        assert isinstance(paper_generator.get_layer(f"r512_{i}_add"), tf.keras.layers.Add)


def test_upsampling_groups_are_stride_half_3x3_convolutions(paper_generator):
    for k in (256, 128, 64):
        conv = paper_generator.get_layer(f"u{k}_conv")
        assert isinstance(conv, tf.keras.layers.Conv2DTranspose)
        assert conv.kernel_size == (3, 3) and conv.strides == (2, 2) and conv.filters == k
        assert isinstance(paper_generator.get_layer(f"u{k}_norm"), tfa.layers.InstanceNormalization)


def test_resize_upsampling_option_doubles_then_convolves():
    g = FineNetGenerator(rc.FineNetConfig(filters=4, res_blocks=1, upsample="resize"))
    assert isinstance(g.get_layer("u4_up"), tf.keras.layers.UpSampling2D)
    assert g(tf.zeros((1, 24, 16, 3))).shape == (1, 24, 16, 3)


def test_output_is_the_compressed_image_plus_the_residual():
    g = FineNetGenerator(rc.FineNetConfig(filters=4, res_blocks=1))
    x = tf.random.uniform((2, 32, 16, 3), -0.9, 0.9, seed=1)
    norm = g.get_layer("o3_norm")
    norm.set_weights([np.zeros_like(w) for w in norm.get_weights()])  # G(x) = tanh(0) = 0
    np.testing.assert_allclose(g(x).numpy(), x.numpy(), atol=1e-6)
    norm.set_weights([np.ones_like(w) for w in norm.get_weights()])  # G(x) = tanh(IN(.) + 1) != 0
    residual = g(x).numpy() - x.numpy()
    assert np.abs(residual).max() > 0.1 and np.abs(g(x).numpy()).max() <= 1.0


@pytest.mark.parametrize("output_norm", [True, False])
def test_only_without_the_output_norm_can_o3_shrink_the_residual(output_norm):
    """Appendix B's o3 normalises the residual G(x_hat) per image and channel: scaling o3's
    kernel down leaves it as large as before. Without the norm (pix2pixHD's output layer) the
    same scaling shrinks it, so the generator can leave an image that needs no change alone."""
    g = FineNetGenerator(rc.FineNetConfig(filters=8, res_blocks=1, output_norm=output_norm))
    assert ("o3_norm" in [layer.name for layer in g.layers]) == output_norm
    x = tf.random.uniform((2, 32, 32, 3), -0.5, 0.5, seed=1)
    conv = g.get_layer("o3_conv")
    kernel, bias = conv.get_weights()

    def residual_spread(scale):
        conv.set_weights([kernel * scale, bias * scale])
        return float(np.mean(np.abs(g(x).numpy() - x.numpy())))

    full, tenth = residual_spread(1.0), residual_spread(0.1)
    if output_norm:
        assert tenth == pytest.approx(full, rel=0.05)
    else:
        assert tenth < 0.2 * full


def test_discriminator_layers_read_c64_c128_c256_c512_o1():
    d = PatchDiscriminator(rc.DiscriminatorConfig(), name="D")
    for k in (64, 128, 256, 512):
        conv = d.get_layer(f"C{k}_conv")
        assert conv.kernel_size == (4, 4) and conv.strides == (2, 2) and conv.filters == k
        assert isinstance(d.get_layer(f"C{k}_norm"), tfa.layers.InstanceNormalization)
        assert d.get_layer(f"C{k}_lrelu").alpha == pytest.approx(0.2)
    o1 = d.get_layer("O1")
    assert o1.kernel_size == (1, 1) and o1.filters == 1
    assert d.get_layer("condition").input_shape == [(None, None, None, 3), (None, None, None, 3)]


def test_two_discriminators_at_full_and_quarter_resolution_return_four_features_and_logits():
    ms = MultiScaleDiscriminator(rc.DiscriminatorConfig(filters=8))
    x = tf.zeros((1, 256, 128, 3))
    full, quarter = ms(x, x)
    assert len(full) == 5 and len(quarter) == 5
    assert full[-1].shape == (1, 16, 8, 1)  # 256 / 2^4
    assert quarter[-1].shape == (1, 4, 2, 1)  # (256 / 4) / 2^4
    assert [f.shape[-1] for f in full[:-1]] == [8, 16, 32, 64]
