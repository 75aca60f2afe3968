"""Encode and decode time per 2048x1024 image for each codec, and MSH (paper size) against
CompressAI's MeanScaleHyperprior on the CPU build of torch, in the same run, as a ratio.

The peer runs in its own virtual environment (``benchmarks/setup_peer.sh`` makes
``.venv-peer``); without it the peer rows are omitted and the records say so.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

from image_codecs import registry
from image_datasets.texture_city import scene

__all__ = ["run"]

PEER_PYTHON = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ".venv-peer", "bin", "python")


def _image() -> np.ndarray:
    image, _ = scene.render_scene(2048, 1024, np.random.default_rng(11))
    return image


def _time(fn, repeats: int) -> float:
    fn()  # warm-up (graph tracing, caches)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def _codec_rows(image: np.ndarray, repeats: int, msh_model: str) -> list[dict]:
    rows = []
    specs = [("jpeg", 5, {}), ("jpeg", 50, {}), ("bpg", 29, {}), ("bpg", 40, {}), ("bpg", 47, {}),
             ("msh", 1, {"model": msh_model})]
    for name, quality, options in specs:
        codec = registry.make_codec(name, quality, **options)
        data = codec.encode(image)
        rows.append({"codec": name, "quality": quality, "bpp": round(len(data) * 8 / image.shape[0] / image.shape[1], 4),
                     "encode_s": round(_time(lambda: codec.encode(image), repeats), 3),  # pylint: disable=cell-var-from-loop
                     "decode_s": round(_time(lambda: codec.decode(data), repeats), 3)})  # pylint: disable=cell-var-from-loop
    return rows


def _export_paper_msh(directory: str) -> str:
    from keras_models.msh import config, export, model  # pylint: disable=g-import-not-at-top

    path = os.path.join(directory, "q1")
    export.export(model.MeanScaleHyperprior(config.preset("paper")), path)
    return path


def _peer(image_path: str, repeats: int) -> dict | None:
    if not os.path.exists(PEER_PYTHON):
        return None
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "peer_compressai.py")
    done = subprocess.run([PEER_PYTHON, script, image_path, str(repeats)], capture_output=True, text=True,
                          check=False, timeout=1800)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(images: int = 3) -> list[dict]:
    """``images`` is the number of timed repetitions (median reported)."""
    repeats = max(1, images)
    image = _image()
    with tempfile.TemporaryDirectory() as tmp:
        msh_path = _export_paper_msh(tmp)
        rows = _codec_rows(image, repeats, msh_path)
        from PIL import Image  # pylint: disable=g-import-not-at-top
        image_path = os.path.join(tmp, "image.png")
        Image.fromarray(image).save(image_path)
        peer = _peer(image_path, repeats)
    ours = next(r for r in rows if r["codec"] == "msh")
    ours["codec"] = "msh (ours, tfc, paper size N=192 M=320, untrained)"
    if peer and "error" not in peer:
        rows.append({"codec": "msh (CompressAI peer, torch CPU)", "quality": 1, "bpp": None,
                     "encode_s": round(peer["compress_s"], 3), "decode_s": round(peer["decompress_s"], 3)})
        ours["encode_ratio_to_peer"] = round(peer["compress_s"] / ours["encode_s"], 2)
        ours["decode_ratio_to_peer"] = round(peer["decompress_s"] / ours["decode_s"], 2)
    elif peer:
        rows.append({"codec": "msh (CompressAI peer)", "error": " ".join(peer["error"])})
    else:
        rows.append({"codec": "msh (CompressAI peer)", "error": "no .venv-peer (run benchmarks/setup_peer.sh)"})
    return rows
