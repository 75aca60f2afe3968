"""Segmentation scores: the confusion matrix and the one IoU record against direct computations."""
import json
import math

import numpy as np
import pytest

from keras_models.segmentation import metrics


def test_confusion_matrix_and_iou_against_a_direct_computation(rng):
    gt = rng.integers(0, 5, (40, 30))
    gt[rng.random(gt.shape) < 0.1] = 255
    pred = rng.integers(0, 6, (40, 30))  # 5 is outside the class range
    summary = metrics.summarize(metrics.confusion_matrix(gt, pred, 5))
    valid = gt != 255
    ious = []
    for c in range(5):
        tp = np.sum((gt == c) & (pred == c))
        union = np.sum(valid & ((gt == c) | (pred == c)))
        ious.append(tp / union)
        assert summary.iou[c] == pytest.approx(tp / union)
    assert summary.pixel_accuracy == pytest.approx(np.sum(valid & (gt == pred)) / valid.sum())
    assert summary.miou == pytest.approx(np.mean(ious))


def test_absent_classes_are_nan_excluded_from_the_means_and_null_in_json():
    gt = np.array([[0, 0], [1, 255]])
    pred = np.array([[0, 1], [1, 2]])
    summary = metrics.summarize(metrics.confusion_matrix(gt, pred, 4))
    assert math.isnan(summary.iou[3])
    assert math.isnan(summary.iou[2])  # predicted only on an ignored pixel
    assert summary.miou == pytest.approx(np.mean([0.5, 0.5]))
    text = json.loads(json.dumps(summary.to_json()))
    assert text["iou"] == {"0": 0.5, "1": 0.5, "2": None, "3": None} and text["miou"] == 0.5


def test_small_and_large_object_split_by_class_id():
    cm = metrics.confusion_matrix(np.array([[0, 1]]), np.array([[0, 0]]), 2)
    s = metrics.summarize(cm, small_ids=[1])
    assert s.small_miou == 0.0 and s.large_miou == pytest.approx(0.5)
    assert math.isnan(metrics.summarize(cm).small_miou)  # no small-object class named


def test_record_from_counts_is_the_record_of_the_matrix():
    """The TFMA metric builds the record from per-class counts, the numpy path from a matrix:
    the same pixels give the same record."""
    cm = np.array([[5, 1, 0, 2], [0, 3, 1, 0], [2, 0, 0, 0]])
    counts = {0: (5, 2, 3), 1: (3, 1, 1), 2: (0, 1, 2)}
    assert metrics.summarize(cm, small_ids=[2]) == metrics.IouSummary.from_counts(counts, small_ids=[2])


def test_ground_truth_outside_the_classes_is_an_error():
    with pytest.raises(ValueError, match=r"ids \[7\] outside 0..4"):
        metrics.confusion_matrix(np.array([[7]]), np.array([[0]]), 5)
