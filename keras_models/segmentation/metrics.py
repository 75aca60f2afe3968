"""Segmentation metrics on class maps: confusion matrix, per-class IoU, mIoU, pixel accuracy,
and the paper's small/large-object mIoU split.

Ground-truth pixels equal to ``ignore`` count nowhere; a predicted value outside
``0..num_classes-1`` on a valid pixel is simply wrong (a false negative of the true class).
A class absent from both ground truth and prediction has IoU ``None`` and is excluded from
the mean, as in Cityscapes' own evaluation.
"""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

__all__ = ["confusion_matrix", "iou_per_class", "summarize"]


def confusion_matrix(gt: np.ndarray, pred: np.ndarray, num_classes: int, ignore: int = 255) -> np.ndarray:
    """``int64[num_classes, num_classes + 1]``: rows true class, columns predicted class; the
    last column counts predictions outside the class range."""
    gt, pred = np.asarray(gt), np.asarray(pred)
    if gt.shape != pred.shape:
        raise ValueError(f"ground truth {gt.shape} and prediction {pred.shape} differ in shape")
    valid = gt != ignore
    g = gt[valid].astype(np.int64)
    if g.size and (g.min() < 0 or g.max() >= num_classes):
        bad = sorted(set(np.unique(g[(g < 0) | (g >= num_classes)]).tolist()))
        raise ValueError(f"ground truth holds ids {bad[:10]} outside 0..{num_classes - 1} (and not ignore={ignore})")
    p = pred[valid].astype(np.int64)
    p = np.where((p >= 0) & (p < num_classes), p, num_classes)
    return np.bincount(g * (num_classes + 1) + p, minlength=num_classes * (num_classes + 1)).reshape(
        num_classes, num_classes + 1)


def iou_per_class(cm: np.ndarray) -> list[Optional[float]]:
    """IoU of each class from a confusion matrix; ``None`` where the class is in neither."""
    n = cm.shape[0]
    tp = np.diag(cm[:, :n]).astype(np.float64)
    gt_total = cm.sum(axis=1).astype(np.float64)
    pred_total = cm[:, :n].sum(axis=0).astype(np.float64)
    union = gt_total + pred_total - tp
    return [float(tp[c] / union[c]) if union[c] > 0 else None for c in range(n)]


def _mean(values: Sequence[Optional[float]]) -> Optional[float]:
    present = [v for v in values if v is not None]
    return float(np.mean(present)) if present else None


def summarize(cm: np.ndarray, class_names: Sequence[str] | None = None,
              small_objects: Sequence[str] = ()) -> dict:
    """mIoU, pixel accuracy and per-class IoU; with ``class_names`` and ``small_objects``
    also the paper's small-object and large-object mIoU (footnote 6)."""
    ious = iou_per_class(cm)
    total = cm.sum()
    out = {"miou": _mean(ious), "pixel_accuracy": float(np.trace(cm[:, :cm.shape[0]]) / total) if total else None,
           "per_class_iou": {str(c): v for c, v in enumerate(ious)}}
    if class_names is not None and small_objects:
        small = [ious[i] for i, n in enumerate(class_names) if n in small_objects]
        large = [ious[i] for i, n in enumerate(class_names) if n not in small_objects]
        out["small_object_miou"], out["large_object_miou"] = _mean(small), _mean(large)
    return out
