"""``dsr restore --model DIR IN.png OUT.png``: restore one image with an exported restorer
(tiled, so any image size runs in bounded memory)."""
from __future__ import annotations

import json
import os

from keras_models.restoration.tile_options import TileOptions

__all__ = ["add_parser"]


def add_parser(sub) -> None:
    rs = sub.add_parser("restore", help="restore a compressed image with a trained restorer SavedModel")
    rs.add_argument("--model", required=True, help="the restorer SavedModel directory (a RestorationTrainer's "
                                                   "Format-Serving folder)")
    rs.add_argument("input", help="compressed image (PNG/JPEG/BPG decoded to PNG...)")
    rs.add_argument("output", help="restored PNG to write")
    default = TileOptions()
    rs.add_argument("--tile", type=int, default=default.tile, help="tile size in pixels (memory bound; default %(default)s)")
    rs.add_argument("--margin", type=int, default=default.margin, help="context pixels around each tile "
                                                                        "(default %(default)s)")
    rs.add_argument("--overlap", type=int, default=default.overlap, help="blended overlap between tiles "
                                                                          "(default %(default)s)")
    rs.set_defaults(func=_restore)


def _restore(args) -> int:
    from image_datasets import image_files  # pylint: disable=g-import-not-at-top
    from keras_models.restoration import export, tiling  # pylint: disable=g-import-not-at-top

    image = image_files.read_image(args.input)
    restore = export.load(args.model)
    meta_path = os.path.join(args.model, export.METADATA_FILE)
    multiple = json.load(open(meta_path)).get("multiple", 8) if os.path.exists(meta_path) else 8
    restored = tiling.restore_tiled(restore, image, args.tile, args.margin, args.overlap, multiple)
    with open(args.output, "wb") as f:
        f.write(image_files.encode_png(restored))
    return 0


def add_train_parser(sub) -> None:
    """``dsr restore train`` (routed here by ``dsr.main`` as ``restore-train``)."""
    tr = sub.add_parser("restore-train", help="train a restorer on (compressed, original) image pairs; also "
                                              "spelled 'dsr restore train'")
    tr.add_argument("--pairs", nargs=2, required=True, metavar=("COMPRESSED_GLOB", "ORIGINAL_GLOB"),
                    help="globs of compressed images and their originals, paired by file name")
    tr.add_argument("--preset", default="finenet-tiny", help="restoration preset (finenet-paper, rdn-psnr-paper, "
                                                             "rdn-msssim-paper, rdn-paper, and their -tiny forms)")
    tr.add_argument("--steps", type=int, required=True)
    tr.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="preset override (YAML value), e.g. gan_loss=lsgan or crop=128")
    tr.add_argument("--checkpoints", default=None, help="checkpoint folder; a rerun resumes from it")
    tr.add_argument("--seed", type=int, default=0)
    tr.add_argument("out", help="folder for the restorer SavedModel (use it with dsr restore --model)")
    tr.set_defaults(func=_train)


def _train(args) -> int:
    import glob  # pylint: disable=g-import-not-at-top

    import yaml  # pylint: disable=g-import-not-at-top

    from keras_models.restoration import file_training  # pylint: disable=g-import-not-at-top

    compressed, original = (sorted(glob.glob(p)) for p in args.pairs)
    if not compressed or not original:
        raise FileNotFoundError(f"no files match {args.pairs[0] if not compressed else args.pairs[1]!r}")
    overrides = {k: yaml.safe_load(v) for k, _, v in (item.partition("=") for item in args.set)}
    n = file_training.train_on_files(compressed, original, args.preset, args.steps, args.out, overrides,
                                     checkpoint_dir=args.checkpoints, seed=args.seed,
                                     metadata={"pairs": [args.pairs[0], args.pairs[1]]})
    print(f"dsr restore train: {args.preset}, {n} pairs, {args.steps} steps -> {args.out}")
    return 0
