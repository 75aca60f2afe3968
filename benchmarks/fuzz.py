"""Fuzzing the decoders: mutated containers (bit flips, truncations, insertions, deletions, and
huge values written over declared sizes) through every parser and full decodes through every
codec; each input must be decoded or refused with a format or pixel-budget error. Counts of
clean refusals, successes, crashes (any other exception) and hangs (an input over 10 s), and
the process's peak memory.

``mutations`` is the generator the fuzz tests use with a few thousand inputs, and
``forged_msh_streams`` the one of the MSH check's test.
"""
from __future__ import annotations

import io
import os
import resource
import tempfile
import time

import numpy as np

from image_codecs.bitio import write_ue7

__all__ = ["run", "mutations", "forged_msh_streams"]

BPG_VECTOR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "data", "bpg",
                          "gray_120x90_q30.bpg")


def mutations(data: bytes, count: int, seed: int, size_offsets=()):
    """``count`` mutants of ``data``: bit flips, truncations, insertions, deletions, and huge
    varints written over the bytes at ``size_offsets`` (declared sizes)."""
    rng = np.random.default_rng(seed)
    for i in range(count):
        b = bytearray(data)
        kind = i % 5
        if kind == 0:
            for _ in range(rng.integers(1, 4)):
                pos = rng.integers(len(b))
                b[pos] ^= 1 << rng.integers(8)
        elif kind == 1:
            b = b[:rng.integers(len(b))]
        elif kind == 2:
            pos = rng.integers(len(b) + 1)
            b[pos:pos] = bytes(rng.integers(0, 256, rng.integers(1, 8), dtype=np.uint8))
        elif kind == 3:
            pos = rng.integers(len(b))
            del b[pos:pos + rng.integers(1, 8)]
        elif size_offsets:
            pos = size_offsets[i % len(size_offsets)]
            b[pos:pos + 1] = write_ue7(int(rng.choice([0, 1, 4096, 16384, 1 << 20, (1 << 31) + 5])))
        yield bytes(b)


def forged_msh_streams(side: bytes, count: int, seed: int):
    """``count`` MSH streams of random bytes for the latent string, at random shapes up to
    400x400; half carry ``side`` (a genuine side string), half random bytes. Read as they are,
    some keep tensorflow-compression's range decoder looping for good."""
    from image_codecs import msh  # pylint: disable=g-import-not-at-top
    for i in range(count):
        r = np.random.default_rng([seed, i])
        string = r.integers(0, 256, int(r.integers(1, 300)), dtype=np.uint8).tobytes()
        side_string = side if r.random() < 0.5 else r.integers(0, 256, int(r.integers(1, 40)), dtype=np.uint8).tobytes()
        yield msh.pack([string, side_string, np.array([r.integers(1, 400), r.integers(1, 400)], np.int32)])


def _fuzz(name: str, fn, inputs) -> dict:
    from image_codecs.base import BitstreamError  # pylint: disable=g-import-not-at-top
    from image_datasets.pixel_budget import PixelBudgetError  # pylint: disable=g-import-not-at-top
    counts = {"target": name, "inputs": 0, "decoded": 0, "refused": 0, "crashes": 0, "hangs": 0}
    slowest, start = 0.0, time.perf_counter()
    for data in inputs:
        counts["inputs"] += 1
        t = time.perf_counter()
        try:
            fn(data)
            counts["decoded"] += 1
        except (BitstreamError, PixelBudgetError):
            counts["refused"] += 1
        except Exception:  # pylint: disable=broad-except  # a crash: anything but a clean refusal
            counts["crashes"] += 1
        elapsed = time.perf_counter() - t
        slowest = max(slowest, elapsed)
        counts["hangs"] += elapsed > 10
    counts["slowest_s"] = round(slowest, 3)
    counts["seconds"] = round(time.perf_counter() - start, 1)
    counts["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return counts


def run(images: int = 100_000) -> list[dict]:
    """``images`` parser inputs per container (a tenth of that for BPG's slice-data check, which
    parses the whole payload), and ``images // 100`` full decodes per codec."""
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    from PIL import Image  # pylint: disable=g-import-not-at-top

    from image_codecs import guarded, ir2i, msh, registry  # pylint: disable=g-import-not-at-top
    from image_codecs.bpg import container, decoder as bpg_decoder, slice_data  # pylint: disable=g-import-not-at-top
    from image_datasets import pixel_budget  # pylint: disable=g-import-not-at-top
    from keras_models.ir2i import (config as ic, export as ir2i_export,  # pylint: disable=g-import-not-at-top
                                   training as ir2i_training)
    from keras_models.msh import (config as mc, export as msh_export,  # pylint: disable=g-import-not-at-top
                                  training as msh_training)

    decodes = max(1, images // 100)
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (64, 96, 3), dtype=np.uint8)
    bpg = open(BPG_VECTOR, "rb").read()
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "JPEG", quality=50)
    jpeg = buffer.getvalue()
    sof = jpeg.index(b"\xff\xc0") + 5

    def ir2i_header(data):
        header, _ = ir2i.parse_header(data)
        pixel_budget.check(header.width, header.height, "ir2i")

    rows = [
        _fuzz("BPG container (parse)", container.parse, mutations(bpg, images, 1, (6, 7))),
        _fuzz("BPG slice data (CABAC check)", lambda data: slice_data.check(container.parse(data)),
              mutations(bpg, images // 10, 8, (6, 7))),
        _fuzz("MSH container (unpack)", msh.unpack,
              mutations(msh.pack([bytes(range(200)), bytes(50), np.array([90, 120], np.int32)]), images, 2, (5, 6, 7))),
        _fuzz("IR2I header (parse + budget)", ir2i_header,
              mutations(ir2i.Header(90, 120, 4, 8, 32, 2).to_bytes() + bytes(100), images, 3, (4, 5, 6))),
        _fuzz("BPG full decode", bpg_decoder.decode, mutations(bpg, decodes, 4, (6, 7))),
        _fuzz("JPEG full decode", registry.make_codec("jpeg", 50).decode, mutations(jpeg, decodes, 5, (sof, sof + 2))),
    ]
    for seed, (name, quality) in enumerate([("webp", 50), ("jp2k", 60), ("avif", 50), ("vvc", 37)], start=10):
        codec = registry.make_codec(name, quality)
        rows.append(_fuzz(f"{name.upper()} full decode", codec.decode, mutations(codec.encode(image), decodes, seed)))
    with tempfile.TemporaryDirectory() as tmp:
        data = tf.data.Dataset.from_tensor_slices(rng.integers(0, 256, (4, 64, 64, 3), dtype=np.uint8))
        model = msh_training.train(mc.preset("tiny", crop=32, batch_size=2), data, 5)
        msh_export.export(model, os.path.join(tmp, "msh"))
        codec = registry.make_codec("msh", 1, model=os.path.join(tmp, "msh"))
        rows.append(_fuzz("MSH full decode", codec.decode, mutations(codec.encode(image), decodes, 6, (5, 6))))
        side = msh.unpack(codec.encode(image))[1]
        rows.append(_fuzz("MSH check + decode (random strings, shapes)", lambda data: guarded.checked_decode(codec, data),
                          forged_msh_streams(side, decodes, 9)))
        ir2i_model = ir2i_training.train(ic.preset("ir2i-tiny", stages=2), data, 2)
        ir2i_export.export(ir2i_model, os.path.join(tmp, "ir2i"))
        codec = registry.make_codec("ir2i", 2, model=os.path.join(tmp, "ir2i"))
        rows.append(_fuzz("IR2I full decode", codec.decode, mutations(codec.encode(image), decodes, 7, (4, 5, 6))))
    return rows
