"""The optimisers and learning-rate schedules the paper presets build, checked against the
papers' training sections (Katakol et al. 2021, Appendices B and C and Section IV; Baig et
al. 2017, Section 2.3; DeepLabv3+ on Cityscapes: SGD, momentum 0.9, poly 0.9, rate 0.007)."""
import os

import pytest

from keras_models.ir2i import config as ir2i_config, training as ir2i_training
from keras_models.restoration import config as restoration_config, restorer
from keras_models.segmentation import config as deeplab_config, training as seg_training


def _rate(optimizer, step):
    """The rate the optimiser's schedule gives at ``step`` (its public ``learning_rate`` is
    the current value, not the schedule)."""
    # pylint: disable=protected-access
    lr = optimizer._get_hyper("learning_rate") if hasattr(optimizer, "_get_hyper") else optimizer._learning_rate
    return float(lr(step)) if callable(lr) else float(lr)


def test_finenet_paper_adam_2e4_betas_01_09_divided_by_10_after_80k():
    config = restoration_config.preset("finenet-paper")
    assert (config.batch_size, config.crop) == (1, 256)
    opt = restorer.adam(config)
    assert float(opt.beta_1) == pytest.approx(0.1) and float(opt.beta_2) == pytest.approx(0.9)
    assert _rate(opt, 0) == pytest.approx(2e-4) and _rate(opt, 80_000) == pytest.approx(2e-4)
    assert _rate(opt, 80_001) == pytest.approx(2e-5) and _rate(opt, 135_000) == pytest.approx(2e-5)


def test_rdn_paper_d16_c6_g32_adam_1e3_divided_by_10_at_80k_and_150k():
    config = restoration_config.preset("rdn-paper")
    assert (config.rdn.blocks, config.rdn.layers, config.rdn.growth) == (16, 6, 32)
    assert (config.batch_size, config.crop) == (1, 256)
    opt = restorer.adam(config)
    rates = [_rate(opt, s) for s in (0, 80_000, 80_001, 150_000, 150_001, 200_000)]
    assert rates == pytest.approx([1e-3, 1e-3, 1e-4, 1e-4, 1e-5, 1e-5])


@pytest.mark.parametrize("preset, drops", [("r2i-decoding-paper", (30_000, 45_000)),
                                           ("ir2i-paper", (30_000, 65_000, 90_000))])
def test_ir2i_paper_adam_1e3_divided_by_10_at_each_drop(preset, drops):
    opt = ir2i_training._optimizer(ir2i_config.preset(preset))  # pylint: disable=protected-access
    for k, drop in enumerate(drops):
        assert _rate(opt, drop) == pytest.approx(1e-3 / 10 ** k)
        assert _rate(opt, drop + 1) == pytest.approx(1e-3 / 10 ** (k + 1))


def test_cityscapes_paper_segmentation_is_deeplab_sgd_poly():
    from pipelines import config as config_lib  # pylint: disable=g-import-not-at-top
    path = os.path.join(os.path.dirname(config_lib.__file__), "configs", "cityscapes_paper.yaml")
    seg = config_lib.load_config(path).segmentation
    training, steps = seg.training, seg.steps
    assert training.crop == (769, 769) and training.scale_range == (0.5, 2.0) and training.mixed_precision
    assert deeplab_config.preset(training.preset).aspp_rates == (6, 12, 18)  # output stride 16
    opt = seg_training._optimizer(training, steps)  # pylint: disable=protected-access
    assert float(opt.momentum) == pytest.approx(0.9)
    lr0, end = 0.007, 0.007 * 1e-3
    for step in (0, steps // 2, steps - 1):
        expected = (lr0 - end) * (1 - step / steps) ** 0.9 + end
        assert _rate(opt, step) == pytest.approx(expected, rel=1e-5, abs=1e-8)  # float32 schedule arithmetic
