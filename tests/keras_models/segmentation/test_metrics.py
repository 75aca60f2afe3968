import numpy as np
import pytest

from keras_models.segmentation import metrics


def test_confusion_matrix_and_iou_against_a_direct_computation(rng):
    gt = rng.integers(0, 5, (40, 30))
    gt[rng.random(gt.shape) < 0.1] = 255
    pred = rng.integers(0, 6, (40, 30))  # 5 is outside the class range
    cm = metrics.confusion_matrix(gt, pred, 5)
    valid = gt != 255
    for c in range(5):
        tp = np.sum((gt == c) & (pred == c))
        union = np.sum(valid & ((gt == c) | (pred == c)))
        assert metrics.iou_per_class(cm)[c] == pytest.approx(tp / union)
    summary = metrics.summarize(cm)
    assert summary["pixel_accuracy"] == pytest.approx(np.sum(valid & (gt == pred)) / valid.sum())
    assert summary["miou"] == pytest.approx(np.mean(metrics.iou_per_class(cm)))


def test_absent_classes_are_none_and_excluded_from_the_mean():
    gt = np.array([[0, 0], [1, 255]])
    pred = np.array([[0, 1], [1, 2]])
    summary = metrics.summarize(metrics.confusion_matrix(gt, pred, 4))
    assert summary["per_class_iou"]["3"] is None
    assert summary["per_class_iou"]["2"] is None  # predicted only on an ignored pixel
    assert summary["miou"] == pytest.approx(np.mean([0.5, 0.5]))


def test_small_and_large_object_split():
    cm = metrics.confusion_matrix(np.array([[0, 1]]), np.array([[0, 0]]), 2)
    s = metrics.summarize(cm, ["road", "person"], small_objects=["person"])
    assert s["small_object_miou"] == 0.0 and s["large_object_miou"] == pytest.approx(0.5)


def test_ground_truth_outside_the_classes_is_an_error():
    with pytest.raises(ValueError, match=r"ids \[7\] outside 0..4"):
        metrics.confusion_matrix(np.array([[7]]), np.array([[0]]), 5)
