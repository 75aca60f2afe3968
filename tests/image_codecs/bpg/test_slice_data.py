"""The CABAC parse of a BPG file's HEVC slices: it accepts every genuine stream (libbpg's
vectors, the built-in encoder at its settings) and refuses a header whose size the payload
does not code, which both decoders would turn into garbage without a word."""
import dataclasses
import glob
import os

import numpy as np
import pytest

from image_codecs import guarded, registry
from image_codecs.bpg import BpgFormatError, container, decoder, encoder, hevc, slice_data

VECTORS = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "..", "..", "data", "bpg", "*.bpg")))


def _with_size(data: bytes, width: int, height: int) -> bytes:
    f = container.parse(data)
    return container.serialize(dataclasses.replace(f.header, width=width, height=height), f.hevc_header, f.hevc_data)


def _image(rng, height=72, width=136):
    y, x = np.mgrid[:height, :width]
    smooth = np.stack([(x * 3 + y) % 256, (y * 5) % 256, (x * y // 7) % 256], -1)
    return np.clip(smooth + rng.integers(-40, 40, smooth.shape), 0, 255).astype(np.uint8)


@pytest.mark.parametrize("path", VECTORS, ids=os.path.basename)
def test_libbpg_vectors_code_exactly_their_declared_picture(path):
    slice_data.check(container.parse(open(path, "rb").read()))  # wavefront substreams, 4:4:4, grey, lossless


@pytest.mark.parametrize("settings", [
    encoder.EncoderSettings(qp=37),
    encoder.EncoderSettings(qp=12, chroma="444", level=3),
    encoder.EncoderSettings(lossless=True, level=9),
    encoder.EncoderSettings(qp=45, level=1, picture_hash=True),  # level 1: wavefront parallel processing
], ids=str)
def test_the_builtin_encoders_streams_pass(settings, rng):
    slice_data.check(container.parse(encoder.encode(_image(rng), settings)))


@pytest.mark.parametrize("path", [p for p in VECTORS if "q47" in p or "444" in p or "gray" in p], ids=os.path.basename)
def test_a_header_whose_size_the_payload_does_not_code_is_refused(path):
    data = open(path, "rb").read()
    h = container.parse(data).header
    for width, height in [(h.width + 8, h.height), (h.width, h.height + 8), (h.width, h.height + 64),
                          (h.width - 8, h.height), (h.width, h.height - 8), (4096, 4096)]:
        with pytest.raises(BpgFormatError, match=f"{-(-width // 8) * 8}x{-(-height // 8) * 8}|end_of_subset"):
            slice_data.check(container.parse(_with_size(data, width, height)))


def test_a_size_with_the_same_coded_picture_is_only_a_different_crop():
    data = open(VECTORS[0], "rb").read()
    h = container.parse(data).header
    slice_data.check(container.parse(_with_size(data, h.width - 1, h.height - 1)))  # same 8-pixel-aligned SPS


def test_an_untrusted_decode_refuses_the_forgery_that_a_plain_decode_turns_into_garbage():
    data = open([p for p in VECTORS if "gray" in p][0], "rb").read()
    forged = _with_size(data, 512, 512)
    codec = registry.make_codec("bpg", 30, backend="builtin")
    assert codec.decode(forged).shape == (512, 512, 3)  # what FFmpeg (and bpgdec) do with it
    with pytest.raises(BpgFormatError, match="the payload does not code the 512x512 picture its header declares"):
        guarded.decode_untrusted(codec, forged)
    np.testing.assert_array_equal(guarded.decode_untrusted(codec, data), codec.decode(data))


def test_an_sps_in_the_payload_is_refused_before_ffmpeg_reads_its_size():
    data = open(VECTORS[0], "rb").read()
    f = container.parse(data)
    sps = hevc.build_sps(f.hevc_header, 8192, 8192, f.header.chroma_format_idc, f.header.bit_depth)
    with pytest.raises(BpgFormatError, match="holds a VPS or SPS"):
        decoder.decode(container.serialize(f.header, f.hevc_header, sps + b"\x00\x00\x01" + f.hevc_data))

