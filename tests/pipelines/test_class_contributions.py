"""Per-class contributions add up to the mIoU difference that the metrics and the seed
statistics compute, undefined classes included."""
import math

import numpy as np
import pytest

from keras_models.segmentation import metrics
from pipelines import class_contributions as cc
from pipelines import seed_statistics


def _iou(seed: int, num_classes: int = 6):
    """A random confusion matrix's per-class IoUs (class 5 never appears: NaN) and its mIoU."""
    rng = np.random.default_rng(seed)
    gt = rng.integers(0, num_classes - 1, 4000)
    pred = np.where(rng.random(4000) < 0.6, gt, rng.integers(0, num_classes - 1, 4000))
    summary = metrics.summarize(metrics.confusion_matrix(gt, pred, num_classes))
    return [100 * summary.iou[c] for c in range(num_classes)], 100 * summary.miou


def test_contributions_of_one_pair_add_up_to_the_miou_difference():
    better, better_miou = _iou(1)
    worse, worse_miou = _iou(2)
    assert math.isnan(better[5]) and math.isnan(worse[5])
    points = cc.per_seed(better, worse)
    assert points[5] == 0.0
    assert points.sum() == pytest.approx(better_miou - worse_miou, abs=1e-9)
    np.testing.assert_allclose(points[:5], (np.array(better[:5]) - np.array(worse[:5])) / 5)


def test_a_class_defined_on_one_side_only_still_adds_up():
    better = [50.0, 40.0, 30.0]
    worse = [50.0, 40.0, float("nan")]  # the worse model's mean covers two classes
    points = cc.per_seed(better, worse)
    assert points.sum() == pytest.approx(np.mean(better) - np.mean(worse[:2]))
    np.testing.assert_allclose(points, [50 / 3 - 25, 40 / 3 - 20, 10.0])


def test_paired_contributions_add_up_to_the_mean_paired_difference_over_shared_seeds():
    better = {s: _iou(10 + s) for s in (0, 1, 2)}
    worse = {s: _iou(20 + s) for s in (0, 1, 2, 3)}  # seed 3 has no partner
    points = cc.paired_contributions({s: v[0] for s, v in better.items()}, {s: v[0] for s, v in worse.items()})
    difference = seed_statistics.paired_difference({s: v[1] for s, v in better.items()},
                                                   {s: v[1] for s, v in worse.items()})
    assert difference.seeds == (0, 1, 2)
    assert points.sum() == pytest.approx(difference.interval.mean, abs=1e-9)
    expected = np.mean([cc.per_seed(better[s][0], worse[s][0]) for s in (0, 1, 2)], axis=0)
    np.testing.assert_allclose(points, expected)


def test_largest_names_the_classes_that_move_the_difference_most_by_magnitude():
    assert cc.largest([0.1, -2.0, 0.0, 1.5, 0.3], list("abcde"), count=3) == [("b", -2.0), ("d", 1.5), ("e", 0.3)]
    assert cc.largest([0.0, 0.0], ["a", "b"]) == []


def test_mismatched_classes_and_no_shared_seed_are_refused():
    with pytest.raises(ValueError, match="3 and 2 classes"):
        cc.per_seed([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="no seed in common"):
        cc.paired_contributions({0: [1.0]}, {1: [1.0]})
