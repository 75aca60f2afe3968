"""The built-in BPG decoder and encoder against libbpg 0.9.8's ``bpgdec`` / ``bpgenc`` in the
same run, on a 2048x1024 photographic image at q29, q40 and q47.

Decoding: libbpg's own stream is decoded ``images`` times by each side, alternating; ours is
in-process (``image_codecs.bpg.decoder``: FFmpeg's HEVC decoder through PyAV) and writes the same
PPM ``bpgdec -o x.ppm`` writes, and the pixels must be identical. Encoding: ``bpgenc`` against
``BpgCodec(backend="builtin").encode`` at level 8 (the default of both). Times are medians of
wall time; CPU time (this process and its children) is given beside.

libbpg is not a dependency: build it for this benchmark and point ``$BPGENC`` / ``$BPGDEC`` at it
(see docs/BENCHMARKS.md).
"""
from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time

import numpy as np

from benchmarks.isolated import cpu_s

__all__ = ["run"]

QUALITIES = (29, 40, 47)


def _timed(fn) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), cpu_s()
    fn()
    return time.perf_counter() - wall, cpu_s() - cpu


def _median(samples: list[tuple[float, float]], index: int) -> float:
    return round(statistics.median(s[index] for s in samples), 3)


def run(images: int = 5) -> list[dict]:
    from PIL import Image  # pylint: disable=g-import-not-at-top

    from benchmarks.codec_bd_rate import photo_mosaic  # pylint: disable=g-import-not-at-top
    from image_codecs.bpg import codec as bpg_codec, decoder  # pylint: disable=g-import-not-at-top

    libbpg = bpg_codec.find_libbpg()
    if libbpg is None:
        raise RuntimeError("bpg_vs_libbpg needs libbpg's bpgenc and bpgdec ($BPGENC / $BPGDEC or PATH)")
    bpgenc, bpgdec = libbpg
    image = photo_mosaic()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        png = os.path.join(tmp, "in.png")
        Image.fromarray(image).save(png)
        for q in QUALITIES:
            stream = os.path.join(tmp, f"q{q}.bpg")
            peer_ppm, our_ppm = os.path.join(tmp, "peer.ppm"), os.path.join(tmp, "ours.ppm")
            builtin = bpg_codec.BpgCodec(q, backend="builtin")

            def peer_encode():
                subprocess.run([bpgenc, "-q", str(q), "-m", "8", "-o", stream, png], check=True, capture_output=True)

            def peer_decode():
                subprocess.run([bpgdec, "-o", peer_ppm, stream], check=True, capture_output=True)

            def our_decode():
                Image.fromarray(decoder.decode(data)).save(our_ppm)

            encodes = {"peer": [], "ours": []}
            for _ in range(max(1, images // 2)):
                encodes["peer"].append(_timed(peer_encode))
                encodes["ours"].append(_timed(lambda: builtin.encode(image)))
            with open(stream, "rb") as f:
                data = f.read()
            decodes = {"peer": [], "ours": []}
            for _ in range(images):
                decodes["peer"].append(_timed(peer_decode))
                decodes["ours"].append(_timed(our_decode))
            identical = np.array_equal(np.asarray(Image.open(our_ppm)), np.asarray(Image.open(peer_ppm)))
            rows.append({"q": q, "bpp": round(len(data) * 8 / image.shape[0] / image.shape[1], 4),
                         "decode_s": _median(decodes["ours"], 0), "bpgdec_s": _median(decodes["peer"], 0),
                         "decode_ratio": round(_median(decodes["ours"], 0) / _median(decodes["peer"], 0), 2),
                         "decode_cpu_s": _median(decodes["ours"], 1), "bpgdec_cpu_s": _median(decodes["peer"], 1),
                         "identical_pixels": identical,
                         "encode_s": _median(encodes["ours"], 0), "bpgenc_s": _median(encodes["peer"], 0),
                         "encode_ratio": round(_median(encodes["ours"], 0) / _median(encodes["peer"], 0), 2)})
    return rows
