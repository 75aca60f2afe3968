import numpy as np
import pytest

from image_codecs import bd_rate

RATES = [0.125, 0.25, 0.5, 0.75, 1.0]
QUALITY = [8.0, 11.0, 14.5, 16.5, 18.0]


def test_a_curve_needing_a_fixed_fraction_fewer_bits():
    # The test codec reaches every quality with 40% fewer bits: BD-rate is exactly -40%.
    assert bd_rate.bd_rate(RATES, QUALITY, [0.6 * r for r in RATES], QUALITY) == pytest.approx(-40.0, abs=1e-6)
    assert bd_rate.rate_savings(RATES, QUALITY, [0.6 * r for r in RATES], QUALITY) == pytest.approx(40.0, abs=1e-6)
    assert bd_rate.bd_rate(RATES, QUALITY, RATES, QUALITY) == pytest.approx(0.0, abs=1e-9)


def test_a_better_curve_saves_bits_and_the_order_is_antisymmetric_in_log_rate():
    better = [q + 1.0 for q in QUALITY]
    forward = bd_rate.bd_rate(RATES, QUALITY, RATES, better)
    backward = bd_rate.bd_rate(RATES, better, RATES, QUALITY)
    assert forward < 0 < backward
    assert np.log1p(forward / 100) == pytest.approx(-np.log1p(backward / 100), rel=1e-6)


def test_bad_curves():
    with pytest.raises(ValueError, match="do not overlap"):
        bd_rate.bd_rate(RATES, QUALITY, RATES, [q + 30 for q in QUALITY])
    with pytest.raises(ValueError, match="at least two"):
        bd_rate.bd_rate([1.0], [3.0], RATES, QUALITY)
    with pytest.raises(ValueError, match="non-positive rate"):
        bd_rate.bd_rate([0.0, 1.0], [1.0, 2.0], RATES, QUALITY)
    with pytest.raises(ValueError, match="repeated quality"):
        bd_rate.bd_rate([0.5, 1.0], [2.0, 2.0], RATES, QUALITY)


def test_bd_quality_is_the_mean_quality_gain_at_equal_rate():
    rate = np.array([0.1, 0.2, 0.4, 0.8])
    # Quality rising 3 dB per doubling; the test curve is 1.5 dB above at every rate.
    assert bd_rate.bd_quality(rate, 30 + 3 * np.log2(rate / 0.1), rate, 31.5 + 3 * np.log2(rate / 0.1)) == \
        pytest.approx(1.5)
    with pytest.raises(ValueError, match="do not overlap"):
        bd_rate.bd_quality([0.1, 0.2], [30, 31], [1.0, 2.0], [35, 36])
