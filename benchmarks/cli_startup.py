"""The ``dsr`` command's start-up as a user meets it: ``dsr --help``, and ``dsr codec encode``
/ ``decode`` of a 16x16 image (JPEG, BPG), each a fresh process (median of ``images`` runs),
with ``python -c pass`` and ``import tensorflow`` as the floors they are measured against."""
from __future__ import annotations

import os
import sys
import tempfile

import numpy as np

from benchmarks.isolated import DSR, command_wall_s, tensorflow_import_row

__all__ = ["run"]


def run(images: int = 5) -> list[dict]:
    from PIL import Image  # pylint: disable=g-import-not-at-top

    rows = [{"case": "python -c pass (the interpreter alone)",
             "wall_s": command_wall_s([sys.executable, "-c", "pass"], images)},
            tensorflow_import_row(images),
            {"case": "dsr --help", "wall_s": command_wall_s([DSR, "--help"], images), "target_s": 0.3}]
    with tempfile.TemporaryDirectory() as tmp:
        png = os.path.join(tmp, "in.png")
        Image.fromarray(np.random.default_rng(0).integers(0, 256, (16, 16, 3), dtype=np.uint8)).save(png)
        for codec, quality in (("jpeg", 50), ("bpg", 30)):
            stream = os.path.join(tmp, f"x.{codec}")
            encode = [DSR, "codec", "encode", "--codec", codec, "--quality", str(quality), png, stream]
            rows.append({"case": f"dsr codec encode --codec {codec} (16x16 PNG)",
                         "wall_s": command_wall_s(encode, images), "target_s": 0.6})
            decode = [DSR, "codec", "decode", "--codec", codec, stream, os.path.join(tmp, "y.png")]
            rows.append({"case": f"dsr codec decode --codec {codec} (16x16)", "wall_s": command_wall_s(decode, images)})
    return rows
