"""Every decoder reads the declared size first and refuses one over the pixel budget, naming the
codec and both sizes, before allocating anything (a forged header must not cost gigabytes)."""
import dataclasses
import io
import os
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from image_codecs import msh, pixel_budget, registry
from image_codecs.bpg import container, decoder as bpg_decoder
from image_codecs.bpg.bitio import write_ue7

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "bpg")


def png_header_only(width, height):
    """A PNG whose IHDR declares width x height, with a tiny (invalid) image stream."""
    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(b"IEND", b"")


def test_check_names_what_and_both_sizes():
    pixel_budget.check(1000, 1000, "x", limit=1_000_000)
    with pytest.raises(pixel_budget.PixelBudgetError, match=r"photo.png: declares 2000x1000 = 2,000,000 pixels, "
                                                             r"over the pixel budget of 1,000,000"):
        pixel_budget.check(2000, 1000, "photo.png", limit=1_000_000)


def test_the_budget_comes_from_the_environment(monkeypatch):
    assert pixel_budget.max_pixels() == pixel_budget.DEFAULT_MAX_PIXELS
    monkeypatch.setenv("DSR_MAX_PIXELS", "500")
    assert pixel_budget.max_pixels() == 500
    with pytest.raises(pixel_budget.PixelBudgetError):
        pixel_budget.check(30, 20, "x")
    monkeypatch.setenv("DSR_MAX_PIXELS", "lots")
    with pytest.raises(ValueError, match="DSR_MAX_PIXELS='lots'"):
        pixel_budget.max_pixels()


def test_declared_size_reads_headers_only():
    assert pixel_budget.declared_size(png_header_only(20000, 20000)) == (20000, 20000)
    buffer = io.BytesIO()
    Image.new("RGB", (7, 5)).save(buffer, "JPEG")
    assert pixel_budget.declared_size(buffer.getvalue()) == (7, 5)
    assert pixel_budget.declared_size(b"not an image") is None
    with pytest.raises(pixel_budget.PixelBudgetError, match="20000x20000"):
        pixel_budget.check_image_bytes(png_header_only(20000, 20000), "request")


def _with_size(bpg: bytes, width: int, height: int) -> bytes:
    f = container.parse(bpg)
    return container.serialize(dataclasses.replace(f.header, width=width, height=height), f.hevc_header, f.hevc_data)


def test_bpg_with_a_forged_size_is_refused_before_decoding():
    data = open(os.path.join(DATA, "gray_120x90_q30.bpg"), "rb").read()
    assert bpg_decoder.decode(data).shape == (90, 120, 3)
    with pytest.raises(pixel_budget.PixelBudgetError, match="bpg: declares 16000x16000"):
        bpg_decoder.decode(_with_size(data, 16000, 16000))


def test_jpeg_whose_frame_header_claims_176_megapixels_is_refused():
    buffer = io.BytesIO()
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(buffer, "JPEG")
    data = bytearray(buffer.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", 11000, 16000)  # height, width
    with pytest.raises(pixel_budget.PixelBudgetError, match="jpeg: declares 16000x11000"):
        registry.make_codec("jpeg", 50).decode(bytes(data))


def test_msh_stream_with_a_forged_shape_is_refused(tmp_path):
    (tmp_path / "saved_model.pb").write_bytes(b"")  # decoding must stop before the model is loaded
    codec = registry.make_codec("msh", 1, model=str(tmp_path))
    stream = msh.pack([b"latents", b"side", np.array([8192, 8192], np.int32)])
    with pytest.raises(pixel_budget.PixelBudgetError, match="msh: declares 8192x8192"):
        codec.decode(stream)


def test_msh_sizes_beyond_int32_are_format_errors():
    stream = msh.MAGIC + write_ue7(1) + b"\x01" + write_ue7(2) + write_ue7(1 << 31) + write_ue7(5)
    with pytest.raises(msh.BitstreamError, match="does not fit an int32"):
        msh.unpack(stream)
