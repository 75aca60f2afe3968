"""Segmentation metrics on class maps: confusion matrix, per-class IoU, mIoU, pixel accuracy,
and the paper's small/large-object mIoU split.

Ground-truth pixels equal to ``ignore`` count nowhere; a predicted value outside
``0..num_classes-1`` on a valid pixel is simply wrong (a false negative of the true class).
A class absent from both ground truth and prediction has IoU NaN (``null`` in JSON) and is
excluded from the means, as in Cityscapes' own evaluation.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Collection, Iterable, Mapping

import numpy as np

__all__ = ["confusion_matrix", "summarize", "IouSummary"]


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


@dataclasses.dataclass(frozen=True)
class IouSummary:
    """The segmentation scores of one evaluation, the one record the numpy path
    (``summarize``), the TFMA metric (``components.segmentation_metrics``) and the commands
    share.

    Attributes:
      iou: IoU per class id; NaN for a class in neither ground truth nor prediction.
      miou: mean of the defined IoUs (NaN if none is).
      pixel_accuracy: correctly labelled pixels / labelled pixels.
      small_miou, large_miou: the mean over the small-object classes and over the others
        (the paper's footnote 6 split; NaN when a group has no defined IoU).
    """

    iou: dict[int, float]
    miou: float
    pixel_accuracy: float
    small_miou: float
    large_miou: float

    @classmethod
    def from_counts(cls, counts: Mapping[int, tuple[int, int, int]],
                    small_ids: Collection[int] = ()) -> "IouSummary":
        """From ``{class id: (true positives, false positives, false negatives)}``."""
        iou = {c: float(tp) / (tp + fp + fn) if tp + fp + fn else math.nan for c, (tp, fp, fn) in counts.items()}
        labelled = sum(tp + fn for tp, _, fn in counts.values())
        small = set(small_ids)
        return cls(iou=iou, miou=_mean(iou.values()),
                   pixel_accuracy=sum(tp for tp, _, _ in counts.values()) / labelled if labelled else math.nan,
                   small_miou=_mean(v for c, v in iou.items() if c in small),
                   large_miou=_mean(v for c, v in iou.items() if c not in small))

    def to_json(self) -> dict:
        """A JSON-ready dict: the fields by name, ``iou`` keyed by class id as text, NaN as null."""
        def value(v):
            return None if math.isnan(v) else v
        return {"miou": value(self.miou), "pixel_accuracy": value(self.pixel_accuracy),
                "small_miou": value(self.small_miou), "large_miou": value(self.large_miou),
                "iou": {str(c): value(v) for c, v in self.iou.items()}}


def _mean(values: Iterable[float]) -> float:
    present = [v for v in values if not math.isnan(v)]
    return float(np.mean(present)) if present else math.nan


def summarize(cm: np.ndarray, small_ids: Collection[int] = ()) -> IouSummary:
    """The scores of a ``confusion_matrix``; ``small_ids`` are the small-object classes."""
    n = cm.shape[0]
    tp = np.diag(cm[:, :n])
    fn = cm.sum(axis=1) - tp
    fp = cm[:, :n].sum(axis=0) - tp
    return IouSummary.from_counts({c: (int(tp[c]), int(fp[c]), int(fn[c])) for c in range(n)}, small_ids)
