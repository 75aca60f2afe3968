import math

import numpy as np
import pytest
from scipy import stats as scipy_stats

from pipelines import seed_statistics as stats

# Made-up per-seed mIoU (%) of one run: three seeds, everything upstream shared.
OO = {0: 70.0, 1: 71.5, 2: 69.0}
CO = {0: 60.0, 1: 61.0, 2: 58.5}
RO = {0: 63.5, 1: 63.5, 2: 62.0}
CC = {0: 60.5, 1: 60.0, 2: 59.5}


def _numpy_interval(values, level=0.95):
    x = np.asarray(values, float)
    half = scipy_stats.t.ppf(0.5 + level / 2, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x))
    return x.mean(), x.mean() - half, x.mean() + half


def test_mean_interval_is_the_student_t_interval_of_the_mean():
    interval = stats.mean_interval(OO.values())
    mean, low, high = _numpy_interval(list(OO.values()))
    assert (interval.mean, interval.low, interval.high, interval.n) == pytest.approx((mean, low, high, 3))
    # By hand: mean 70.1667, sd 1.2583, t(0.975, 2) = 4.3027 -> half width 3.1258.
    assert interval.high - interval.mean == pytest.approx(3.1258, abs=1e-3)


def test_one_value_has_a_mean_and_no_interval():
    interval = stats.mean_interval([61.0])
    assert interval.mean == 61.0 and interval.n == 1 and math.isnan(interval.low) and math.isnan(interval.high)
    with pytest.raises(ValueError, match="at least one"):
        stats.mean_interval([])


def test_paired_difference_is_over_shared_seeds_only():
    diff = stats.paired_difference(RO, {**CO, 7: 10.0})
    expected = [RO[s] - CO[s] for s in (0, 1, 2)]
    assert diff.seeds == (0, 1, 2)
    assert diff.differences == pytest.approx(tuple(expected))
    mean, low, high = _numpy_interval(expected)
    assert (diff.interval.mean, diff.interval.low, diff.interval.high) == pytest.approx((mean, low, high))
    assert diff.positive == 3
    assert stats.paired_difference({0: 1.0}, {1: 1.0}) is None


def test_pairing_cancels_noise_that_an_unpaired_comparison_keeps():
    # RO - CO differs by a steady +3 while both swing by seed: paired, the interval excludes 0.
    co = {0: 50.0, 1: 60.0, 2: 55.0}
    ro = {s: v + 3.0 + 0.1 * s for s, v in co.items()}
    assert stats.verdict(stats.paired_difference(ro, co)) == stats.HOLDS
    unpaired_low = stats.mean_interval(ro.values()).low
    assert unpaired_low < stats.mean_interval(co.values()).mean


@pytest.mark.parametrize("better,worse,expected", [
    (OO, CO, stats.HOLDS),                     # +10.0, +10.5, +10.5
    (CO, OO, stats.DOES_NOT_HOLD),
    (CC, CO, stats.UNDECIDED),                 # +0.5, -1.0, +1.0: the interval contains 0
    ({0: 62.0}, {0: 60.0}, stats.UNDECIDED),   # one seed decides nothing
])
def test_verdicts(better, worse, expected):
    assert stats.verdict(stats.paired_difference(better, worse)) == expected


def test_compare_pairs_each_ordering_within_a_run_and_spec():
    groups = {("run", "OO", None, None): OO, ("run", "CO", "jpeg_q5", None): CO, ("run", "CC", "jpeg_q5", None): CC,
              ("run", "RO", "jpeg_q5", "finenet"): RO, ("run", "RO", "jpeg_q5", "rdn"): CO,
              ("run", "CO", "bpg_q45", None): CO, ("other", "OO", None, None): CO}
    found = {(c.better, c.worse): c for c in stats.compare(groups, {"finenet": "finenet", "rdn": "rdn"})}
    assert set(found) == {("OO", "CO jpeg_q5"), ("OO", "CO bpg_q45"), ("CO jpeg_q5", "CC jpeg_q5"),
                          ("RO jpeg_q5 finenet", "CO jpeg_q5"), ("RO jpeg_q5 rdn", "CO jpeg_q5"),
                          ("RO jpeg_q5 finenet", "RO jpeg_q5 rdn")}
    ro_co = found[("RO jpeg_q5 finenet", "CO jpeg_q5")]
    assert ro_co.difference.differences == pytest.approx((3.5, 2.5, 3.5))
    assert ro_co.verdict == stats.HOLDS
    assert ro_co.sentence().startswith("holds: RO jpeg_q5 finenet − CO jpeg_q5 = +3.17 mIoU points (95% CI")
    assert "3 of 3 seeds positive" in ro_co.sentence()
    assert "Table V" in found[("RO jpeg_q5 finenet", "RO jpeg_q5 rdn")].ordering.claim


def test_sentences_say_what_to_do_when_undecided():
    one = stats.compare({("r", "RO", "s", "f"): {0: 62.0}, ("r", "CO", "s", None): {0: 60.0}})[0]
    assert one.verdict == stats.UNDECIDED and "segmentation.seeds" in one.sentence()
    worse = stats.compare({("r", "RO", "s", "f"): CO, ("r", "CO", "s", None): OO})[0]
    assert worse.sentence().startswith("does not hold: RO s f is below CO s by 10.33 mIoU points")
