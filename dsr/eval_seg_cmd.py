"""``dsr eval-seg``: mIoU, pixel accuracy and per-class IoU of prediction PNGs against
ground-truth PNGs, for users who evaluate outside the pipeline."""
from __future__ import annotations

import glob
import json
import sys

__all__ = ["add_parser"]


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
    from keras_models.segmentation import file_evaluation  # pylint: disable=g-import-not-at-top

    gt, pred = glob.glob(args.gt), glob.glob(args.pred)
    if not gt:
        raise FileNotFoundError(f"no ground truth matches {args.gt!r}")
    pairs = file_evaluation.pair_files(gt, pred, args.pair)
    summary = file_evaluation.evaluate_files(pairs, args.num_classes, args.ignore,
                                             progress=not args.json or sys.stderr.isatty())
    result = {"num_images": len(pairs), **summary.to_json()}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"images: {result['num_images']}  mIoU: {100 * (result['miou'] or 0):.2f}  "
              f"pixel accuracy: {100 * (result['pixel_accuracy'] or 0):.2f}")
        for c, v in result["iou"].items():
            print(f"  class {c:>3}: {'-' if v is None else f'{100 * v:.2f}'}")
    return 0
