"""Mutated containers (bit flips, truncations, insertions, rewritten size fields) never crash a
parser or decoder: each input is decoded or refused with a format or pixel-budget error. A fixed
seed keeps the run reproducible and under a minute; ``benchmarks.fuzz`` runs the long version."""
import io
import os

import numpy as np
import pytest
from PIL import Image

from benchmarks.fuzz import mutations
from image_codecs import ir2i, msh, registry
from image_datasets import pixel_budget
from image_codecs.base import BitstreamError
from image_codecs.bpg import container, decoder as bpg_decoder, slice_data

BPG = os.path.join(os.path.dirname(__file__), "..", "data", "bpg", "gray_120x90_q30.bpg")
BPG_WAVEFRONT = os.path.join(os.path.dirname(BPG), "texture_256x192_q47.bpg")  # entry points, 16 CTBs
CLEAN = (BitstreamError, pixel_budget.PixelBudgetError)


def _outcomes(fn, inputs):
    counts = {"ok": 0, "refused": 0}
    for data in inputs:
        try:
            fn(data)
            counts["ok"] += 1
        except CLEAN:
            counts["refused"] += 1
    return counts


def test_bpg_container_parser():
    data = open(BPG, "rb").read()
    counts = _outcomes(container.parse, mutations(data, 4000, seed=1, size_offsets=(6, 7)))
    assert counts["refused"] > 300 and sum(counts.values()) == 4000  # payload flips parse; sizes do not


@pytest.mark.parametrize("vector", [BPG, BPG_WAVEFRONT], ids=os.path.basename)
def test_bpg_slice_data_check(vector):
    data = open(vector, "rb").read()
    check = lambda d: slice_data.check(container.parse(d))  # pylint: disable=unnecessary-lambda-assignment
    counts = _outcomes(check, mutations(data, 300, seed=8, size_offsets=(6, 7)))
    assert counts["refused"] > 240 and sum(counts.values()) == 300  # forged sizes and damaged payloads: named


@pytest.mark.slow
def test_bpg_full_decodes():
    data = open(BPG, "rb").read()
    counts = _outcomes(bpg_decoder.decode, mutations(data, 60, seed=2, size_offsets=(6, 7)))
    assert sum(counts.values()) == 60 and counts["refused"] >= 3  # ffmpeg conceals most payload damage


def test_msh_container_parser():
    stream = msh.pack([bytes(range(200)), bytes(50), np.array([90, 120], np.int32)])
    counts = _outcomes(msh.unpack, mutations(stream, 4000, seed=3, size_offsets=(5, 6, 7)))
    assert counts["refused"] > 1000 and sum(counts.values()) == 4000


def test_ir2i_header_parser():
    header = ir2i.Header(90, 120, stages=4, bits=8, patch=32, first_stages=2).to_bytes() + bytes(100)

    def parse_and_budget(data):
        h, _ = ir2i.parse_header(data)
        pixel_budget.check(h.width, h.height, "ir2i")

    counts = _outcomes(parse_and_budget, mutations(header, 4000, seed=4, size_offsets=(4, 5, 6)))
    assert counts["refused"] > 500 and sum(counts.values()) == 4000


def test_jpeg_decoder():
    buffer = io.BytesIO()
    Image.fromarray(np.random.default_rng(5).integers(0, 256, (24, 32, 3), dtype=np.uint8)).save(buffer, "JPEG")
    data = buffer.getvalue()
    sof = data.index(b"\xff\xc0") + 5
    codec = registry.make_codec("jpeg", 50)
    counts = _outcomes(codec.decode, mutations(data, 1500, seed=6, size_offsets=(sof, sof + 2)))
    assert sum(counts.values()) == 1500 and counts["refused"] > 100
