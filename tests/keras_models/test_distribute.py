"""Mixed precision is used where the devices support it and nowhere else."""
import tensorflow as tf

from keras_models import distribute
from keras_models.restoration import config as restoration_config, restorer


def test_on_a_cpu_mixed_precision_falls_back_to_float32():
    assert not distribute.mixed_precision_available()  # no GPU on the test machines
    with distribute.precision_policy(True):
        assert tf.keras.mixed_precision.global_policy().name == "float32"
        assert not isinstance(restorer.adam(restoration_config.preset("finenet-paper")),
                              tf.keras.mixed_precision.LossScaleOptimizer)


def test_where_supported_models_build_in_float16_with_a_loss_scaled_optimizer(monkeypatch):
    monkeypatch.setattr(distribute, "mixed_precision_available", lambda: True)
    with distribute.precision_policy(True):
        assert tf.keras.mixed_precision.global_policy().name == "mixed_float16"
        assert isinstance(restorer.adam(restoration_config.preset("finenet-paper")),
                          tf.keras.mixed_precision.LossScaleOptimizer)
    assert tf.keras.mixed_precision.global_policy().name == "float32"  # restored on exit
    with distribute.precision_policy(False):
        assert tf.keras.mixed_precision.global_policy().name == "float32"


def test_paper_presets_ask_for_mixed_precision_and_tiny_ones_do_not():
    for name in ("finenet-paper", "rdn-psnr-paper", "rdn-msssim-paper", "rdn-paper"):
        assert restoration_config.preset(name).mixed_precision, name
    for name in ("finenet-tiny", "rdn-tiny"):
        assert not restoration_config.preset(name).mixed_precision, name
