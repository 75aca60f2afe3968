"""``dsr eval-seg``: mIoU, pixel accuracy and per-class IoU of prediction PNGs against
ground-truth PNGs, for users who evaluate outside the pipeline."""
from __future__ import annotations

import glob
import json
import os
import re
import sys

__all__ = ["add_parser", "pair_files"]

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


def add_parser(sub) -> None:
    ev = sub.add_parser("eval-seg", help="segmentation metrics of prediction PNGs against ground truth PNGs")
    ev.add_argument("--gt", required=True, help="glob of ground-truth class maps")
    ev.add_argument("--pred", required=True, help="glob of predicted class maps")
    ev.add_argument("--num-classes", type=int, required=True)
    ev.add_argument("--ignore", type=int, default=255)
    ev.add_argument("--pair", choices=("stem", "sorted"), default="stem")
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    ev.set_defaults(func=_eval)


def _eval(args) -> int:
    import numpy as np  # pylint: disable=g-import-not-at-top
    import tqdm  # pylint: disable=g-import-not-at-top

    from image_datasets import image_files  # pylint: disable=g-import-not-at-top
    from keras_models.segmentation import metrics  # pylint: disable=g-import-not-at-top

    gt, pred = glob.glob(args.gt), glob.glob(args.pred)
    if not gt:
        raise FileNotFoundError(f"no ground truth matches {args.gt!r}")
    pairs = pair_files(gt, pred, args.pair)
    cm = np.zeros((args.num_classes, args.num_classes + 1), np.int64)
    for g, p in tqdm.tqdm(pairs, desc="eval-seg", unit="img", file=sys.stderr, disable=args.json and not sys.stderr.isatty()):
        gt_map, pred_map = image_files.read_mask(g), image_files.read_mask(p)
        if gt_map.shape != pred_map.shape:
            raise ValueError(f"{p}: prediction is {pred_map.shape[::-1]} but ground truth {g} is {gt_map.shape[::-1]}")
        try:
            cm += metrics.confusion_matrix(gt_map, pred_map, args.num_classes, args.ignore)
        except ValueError as e:
            raise ValueError(f"{g}: {e}") from e
    summary = metrics.summarize(cm)
    result = {"num_images": len(pairs), **summary}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"images: {len(pairs)}  mIoU: {100 * (summary['miou'] or 0):.2f}  "
              f"pixel accuracy: {100 * (summary['pixel_accuracy'] or 0):.2f}")
        for c, v in summary["per_class_iou"].items():
            print(f"  class {c:>3}: {'-' if v is None else f'{100 * v:.2f}'}")
    return 0
