"""``dsr data demo`` and ``dsr data inspect``."""
from __future__ import annotations

import argparse
import json
import sys

__all__ = ["add_parser"]


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"size must look like 512x256, got {text!r}") from e
    return w, h


def add_parser(sub) -> None:
    data = sub.add_parser("data", help="make or inspect datasets")
    data_sub = data.add_subparsers(dest="data_command", required=True)

    demo = data_sub.add_parser("demo", help="write the built-in texture-city dataset (Cityscapes layout)")
    demo.add_argument("--out", required=True, help="output folder")
    demo.add_argument("--train", type=int, default=200)
    demo.add_argument("--val", type=int, default=50)
    demo.add_argument("--test", type=int, default=0)
    demo.add_argument("--auxiliary", type=int, default=0, help="unlabeled shifted-style images")
    demo.add_argument("--size", type=_size, default=(512, 256), help="WxH (default 512x256)")
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--preview", metavar="PNG", help="also write a sheet: image | label | JPEG q5")
    demo.set_defaults(func=_demo)

    inspect = data_sub.add_parser("inspect", help="per-split image counts and class pixel histograms")
    inspect.add_argument("--dataset", required=True, choices=("cityscapes", "inria", "sdd", "folder"))
    inspect.add_argument("--root", required=True)
    inspect.add_argument("--json", action="store_true", help="print one JSON object")
    inspect.set_defaults(func=_inspect)


def _demo(args) -> int:
    import tqdm  # pylint: disable=g-import-not-at-top

    from image_datasets.texture_city import generator  # pylint: disable=g-import-not-at-top

    spec = generator.DemoSpec(train=args.train, val=args.val, test=args.test, auxiliary=args.auxiliary,
                              width=args.size[0], height=args.size[1], seed=args.seed)
    total = spec.train + spec.val + spec.test + spec.auxiliary
    with tqdm.tqdm(total=total, desc="texture-city", unit="img", file=sys.stderr) as bar:
        counts = generator.write_dataset(args.out, spec, progress=bar.update)
    if args.preview:
        from PIL import Image  # pylint: disable=g-import-not-at-top

        from image_datasets.texture_city import preview  # pylint: disable=g-import-not-at-top
        Image.fromarray(preview.preview_sheet(3, spec.width, spec.height, spec.seed)).save(args.preview)
    print(json.dumps({"root": args.out, "images": counts}))
    return 0


def _inspect(args) -> int:
    from image_datasets import ingest, inspect  # pylint: disable=g-import-not-at-top

    config = ingest.IngestConfig(dataset=args.dataset, root=args.root)
    result = inspect.inspect_dataset(config, progress=sys.stderr.isatty() or not args.json)
    if args.json:
        print(json.dumps(result))
        return 0
    reader = ingest.make_reader(args.dataset, args.root, config)
    names = reader.table.class_names
    for split, stats in result["splits"].items():
        total = sum(stats["class_pixels"].values()) or 1
        print(f"{split}: {stats['images']} images, {stats['ignored_pixels']} ignored pixels")
        for cid, count in sorted(stats["class_pixels"].items(), key=lambda kv: int(kv[0])):
            print(f"  {int(cid):3d} {names[int(cid)]:<16} {count:>12d}  {100 * count / total:5.1f}%")
        for path, reason in sorted(stats["rejected"].items()):
            print(f"  rejected {path}: {reason}")
    return 0
