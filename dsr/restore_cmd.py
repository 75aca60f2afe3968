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
    tr.add_argument("--preset", default="finenet-tiny", help="restoration preset (finenet-paper, rdn-paper, "
                                                             "finenet-tiny, rdn-tiny)")
    tr.add_argument("--steps", type=int, required=True)
    tr.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="preset override (YAML value), e.g. gan_loss=lsgan or crop=128")
    tr.add_argument("--checkpoints", default=None, help="checkpoint folder; a rerun resumes from it")
    tr.add_argument("--seed", type=int, default=0)
    tr.add_argument("out", help="folder for the restorer SavedModel (use it with dsr restore --model)")
    tr.set_defaults(func=_train)


def _train(args) -> int:
    import glob  # pylint: disable=g-import-not-at-top

    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    import yaml  # pylint: disable=g-import-not-at-top

    from image_datasets import image_files  # pylint: disable=g-import-not-at-top
    from keras_models.restoration import export  # pylint: disable=g-import-not-at-top

    compressed, original = (glob.glob(p) for p in args.pairs)
    if not compressed or not original:
        raise FileNotFoundError(f"no files match {args.pairs[0] if not compressed else args.pairs[1]!r}")
    pairs = image_files.pair_by_stem(compressed, original)
    images = [(image_files.read_image(c), image_files.read_image(o)) for c, o in pairs]
    for (c, o), (ci, oi) in zip(pairs, images):
        if ci.shape != oi.shape:
            raise ValueError(f"{c} is {ci.shape[1]}x{ci.shape[0]} but its original {o} is {oi.shape[1]}x{oi.shape[0]}")
    dataset = tf.data.Dataset.from_generator(
        lambda: iter(images), output_signature=(tf.TensorSpec([None, None, 3], tf.uint8),) * 2)
    overrides = {k: yaml.safe_load(v) for k, _, v in (item.partition("=") for item in args.set)}
    export.train_and_export(args.preset, overrides, dataset, args.steps, args.out,
                            {"pairs": [args.pairs[0], args.pairs[1]], "images": len(pairs)},
                            checkpoint_dir=args.checkpoints, seed=args.seed, verbose=2)
    print(f"dsr restore train: {args.preset}, {len(pairs)} pairs, {args.steps} steps -> {args.out}")
    return 0
