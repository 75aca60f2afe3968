"""``dsr restore --model DIR IN.png OUT.png``: restore one image with an exported restorer
(tiled, so any image size runs in bounded memory)."""
from __future__ import annotations

import json
import os

__all__ = ["add_parser"]


def add_parser(sub) -> None:
    rs = sub.add_parser("restore", help="restore a compressed image with a trained restorer SavedModel")
    rs.add_argument("--model", required=True, help="the restorer SavedModel directory (a RestorationTrainer's "
                                                   "Format-Serving folder)")
    rs.add_argument("input", help="compressed image (PNG/JPEG/BPG decoded to PNG...)")
    rs.add_argument("output", help="restored PNG to write")
    rs.add_argument("--tile", type=int, default=512, help="tile size in pixels (memory bound)")
    rs.add_argument("--margin", type=int, default=32, help="context pixels around each tile")
    rs.add_argument("--overlap", type=int, default=32, help="blended overlap between tiles")
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
