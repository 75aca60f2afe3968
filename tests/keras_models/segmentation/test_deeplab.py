"""DeepLabv3+ structure: output stride 16, ASPP rates, decoder, output size."""
import numpy as np
import pytest
import tensorflow as tf

from keras_models.segmentation import config as deeplab_config, deeplab


@pytest.mark.parametrize("backbone", ["tiny", "mobilenetv2", "resnet50"])
def test_encoder_has_output_stride_16_and_low_level_stride_4(backbone):
    config = deeplab_config.preset(backbone, num_classes=5)
    low, high = deeplab.build_backbone(config)(tf.zeros((1, 128, 96, 3)))
    assert low.shape[1:3] == (32, 24)
    assert high.shape[1:3] == (8, 6)


def test_aspp_and_decoder_follow_the_paper():
    model = deeplab.build_deeplab(deeplab_config.preset("tiny", num_classes=7, aspp_filters=256, decoder_filters=256,
                                                 low_level_filters=48))
    rates = sorted(model.get_layer(f"aspp_rate{r}_conv").dilation_rate[0] for r in (6, 12, 18))
    assert rates == [6, 12, 18]
    assert model.get_layer("aspp_rate6_conv").kernel_size == (3, 3)
    assert model.get_layer("aspp_1x1_conv").kernel_size == (1, 1)
    assert model.get_layer("aspp_pool") is not None and model.get_layer("aspp_proj_conv").filters == 256
    assert model.get_layer("decoder_low_proj_conv").filters == 48
    for name in ("decoder_refine1_conv", "decoder_refine2_conv"):
        assert model.get_layer(name).filters == 256 and model.get_layer(name).kernel_size == (3, 3)


@pytest.mark.parametrize("shape", [(64, 128), (70, 90)])
def test_logits_come_back_at_the_input_size(shape):
    model = deeplab.build_deeplab(deeplab_config.preset("tiny", num_classes=4))
    out = model(tf.random.uniform((2, *shape, 3), 0, 255))
    assert out.shape == (2, *shape, 4)


def test_backbone_weights_survive_the_atrous_rebuild():
    config = deeplab_config.preset("mobilenetv2")
    base = tf.keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(None, None, 3))
    rebuilt = deeplab.build_backbone(config)
    assert len(rebuilt.get_weights()) == len(base.get_weights())
    assert [w.shape for w in rebuilt.get_weights()] == [w.shape for w in base.get_weights()]


def test_missing_weights_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="weights file"):
        deeplab.build_deeplab(deeplab_config.preset("mobilenetv2", weights=str(tmp_path / "none.h5")))


@pytest.mark.parametrize("backbone", ["resnet50", "mobilenetv2"])
def test_imagenet_weights_come_only_from_the_local_cache(tmp_path, monkeypatch, backbone):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="never downloaded"):
        deeplab.build_deeplab(deeplab_config.preset(backbone, weights="imagenet"))
