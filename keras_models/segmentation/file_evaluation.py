"""Segmentation metrics of prediction files against ground-truth files, for evaluations outside
the pipeline (``dsr eval-seg`` calls this): pairing by file stem or order, and one confusion
matrix accumulated over all pairs."""
from __future__ import annotations

import logging
import os
import re
import sys
from typing import Sequence

import numpy as np

from image_datasets import image_files
from keras_models.segmentation import metrics

__all__ = ["pair_files", "evaluate_files"]

# Suffixes that name the same image in common layouts (Cityscapes and typical outputs).
_SUFFIXES = re.compile(r"(_gtFine_labelTrainIds|_gtFine_labelIds|_gtFine_color|_leftImg8bit|_pred|_prediction|_mask|"
                       r"_label|_labels)$")


def _key(path: str) -> str:
    return _SUFFIXES.sub("", os.path.splitext(os.path.basename(path))[0])


def pair_files(gt: list[str], pred: list[str], by: str = "stem") -> list[tuple[str, str]]:
    """Pairs ground-truth and prediction files by matching stem (known suffixes removed) or
    by sorted order.

    Raises:
      ValueError: counts differ (sorted), or a ground truth has no prediction (stem).
    """
    gt, pred = sorted(gt), sorted(pred)
    if by == "sorted":
        if len(gt) != len(pred):
            raise ValueError(f"{len(gt)} ground-truth files but {len(pred)} predictions")
        return list(zip(gt, pred))
    by_key = {}
    for p in pred:
        if _key(p) in by_key:
            raise ValueError(f"two predictions share the stem {_key(p)!r}: {by_key[_key(p)]} and {p}")
        by_key[_key(p)] = p
    missing = [g for g in gt if _key(g) not in by_key]
    if missing:
        raise ValueError(f"{len(missing)} ground-truth files have no prediction with the same stem, e.g. {missing[0]} "
                         f"(stem {_key(missing[0])!r}); use --pair sorted to pair by order")
    return [(g, by_key[_key(g)]) for g in gt]


def evaluate_files(pairs: Sequence[tuple[str, str]], num_classes: int, ignore: int = 255,
                   progress: bool = False) -> metrics.IouSummary:
    """The scores over (ground truth, prediction) class-map files.

    Predicted ids outside ``0..num_classes - 1`` count as errors, and a warning names the files
    that hold them on labelled pixels (a wrong ``num_classes``, or colour masks, look like that).

    Raises:
      ValueError: a prediction whose size differs from its ground truth, or ground-truth ids out
        of range (the message names the file).
    """
    import tqdm  # pylint: disable=g-import-not-at-top
    cm = np.zeros((num_classes, num_classes + 1), np.int64)
    outside = []  # (prediction file, its labelled pixels predicted outside the classes)
    for g, p in tqdm.tqdm(pairs, desc="eval-seg", unit="img", file=sys.stderr, disable=not progress):
        gt_map, pred_map = image_files.read_mask(g), image_files.read_mask(p)
        if gt_map.shape != pred_map.shape:
            raise ValueError(f"{p}: prediction is {pred_map.shape[::-1]} but ground truth {g} is {gt_map.shape[::-1]}")
        try:
            pair = metrics.confusion_matrix(gt_map, pred_map, num_classes, ignore)
        except ValueError as e:
            raise ValueError(f"{g}: {e}") from e
        cm += pair
        if pair[:, -1].any():
            outside.append((p, int(pair[:, -1].sum())))
    if outside:
        logging.warning("eval-seg: %d of %d predictions hold ids outside 0..%d on %d labelled pixels, counted as "
                        "errors (first: %s, %d pixels); is --num-classes right?", len(outside), len(pairs),
                        num_classes - 1, sum(n for _, n in outside), *outside[0])
    return metrics.summarize(cm)
