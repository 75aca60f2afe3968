"""Every decoder reads the declared size first and refuses one over the pixel budget, naming the
codec and both sizes, before allocating anything (a forged header must not cost gigabytes)."""
import dataclasses
import io
import os
import struct

import numpy as np
import pytest
from PIL import Image

from image_codecs import msh, registry
from image_codecs.bpg import container, decoder as bpg_decoder
from image_codecs.bitio import write_ue7
from image_datasets import pixel_budget

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "bpg")


def _with_size(bpg: bytes, width: int, height: int) -> bytes:
    f = container.parse(bpg)
    return container.serialize(dataclasses.replace(f.header, width=width, height=height), f.hevc_header, f.hevc_data)


def test_bpg_with_a_forged_size_is_refused_before_decoding():
    data = open(os.path.join(DATA, "gray_120x90_q30.bpg"), "rb").read()
    assert bpg_decoder.decode(data).shape == (90, 120, 3)
    with pytest.raises(pixel_budget.PixelBudgetError, match="bpg: declares 16000x16000"):
        bpg_decoder.decode(_with_size(data, 16000, 16000))


def test_a_bomb_never_reaches_libbpgs_bpgdec():
    from image_codecs.bpg import codec as bpg_codec  # pylint: disable=g-import-not-at-top
    data = open(os.path.join(DATA, "gray_120x90_q30.bpg"), "rb").read()
    codec = bpg_codec.BpgCodec(30, backend="builtin")
    codec.libbpg = ("/nonexistent/bpgenc", "/nonexistent/bpgdec")  # decoding would run this bpgdec
    with pytest.raises(pixel_budget.PixelBudgetError, match="bpg: declares 16000x16000"):
        codec.decode(_with_size(data, 16000, 16000))


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
