"""BPG: libbpg interoperability vectors, header layout, x265 reconstruction, bad files."""
import glob
import hashlib
import os

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from PIL import Image

from image_codecs import metrics
from image_codecs.bpg import codec as bpg_codec, container, decoder, encoder, hevc
from image_codecs.bitio import read_ue7, write_ue7
from image_codecs.bpg import BpgFormatError

VECTORS = os.path.join(os.path.dirname(__file__), "..", "..", "data", "bpg")
VECTOR_FILES = sorted(glob.glob(os.path.join(VECTORS, "*.bpg")))
needs_vectors = pytest.mark.skipif(not VECTOR_FILES, reason="tests/data/bpg is not present")


def _png(path):
    return np.asarray(Image.open(path).convert("RGB"))


@needs_vectors
@pytest.mark.parametrize("strip_rows", [decoder.STRIP_ROWS, 8, 2], ids=lambda n: f"strips of {n} rows")
@pytest.mark.parametrize("path", VECTOR_FILES, ids=os.path.basename)
def test_decoder_reproduces_bpgdec_exactly(path, strip_rows, monkeypatch):
    monkeypatch.setattr(decoder, "STRIP_ROWS", strip_rows)
    with open(path, "rb") as f:
        out = decoder.decode(f.read())
    np.testing.assert_array_equal(out, _png(path[:-4] + ".bpgdec.png"))


@needs_vectors
def test_decoding_starts_no_process(monkeypatch):
    def no_process(*args, **kwargs):
        raise AssertionError(f"a process was started: {args[0]!r}")
    with open(VECTOR_FILES[0], "rb") as f, monkeypatch.context() as patched:
        patched.setattr("subprocess.Popen.__init__", no_process)
        out = decoder.decode(f.read())
    np.testing.assert_array_equal(out, _png(VECTOR_FILES[0][:-4] + ".bpgdec.png"))


@needs_vectors
def test_lossless_vector_decodes_to_its_source():
    with open(os.path.join(VECTORS, "small_64x48_lossless.bpg"), "rb") as f:
        out = decoder.decode(f.read())
    np.testing.assert_array_equal(out, _png(os.path.join(VECTORS, "small_64x48.png")))


@needs_vectors
@pytest.mark.parametrize("name, qp, chroma", [("texture_256x192_q29", 29, "420"), ("texture_256x192_q40", 40, "420"),
                                              ("texture_256x192_q47", 47, "420"),
                                              ("texture_256x192_q35_444", 35, "444"),
                                              ("cat_250x170_q32", 32, "420")])
def test_encoder_matches_libbpg_header_rate_and_quality(name, qp, chroma):
    source = _png(os.path.join(VECTORS, name.split("_q")[0] + ".png"))
    with open(os.path.join(VECTORS, name + ".bpg"), "rb") as f:
        reference = f.read()
    ours = encoder.encode(source, encoder.EncoderSettings(qp=qp, chroma=chroma))
    ref_file, our_file = container.parse(reference), container.parse(ours)
    assert our_file.header == ref_file.header and our_file.hevc_header == ref_file.hevc_header
    h, w = source.shape[:2]
    fixed = 6 + len(write_ue7(w)) + len(write_ue7(h))
    assert ours[:fixed] == reference[:fixed]  # magic, flags, width, height byte for byte
    # picture_data_length: bpgenc 0.9.8 writes 0 ("to the end"), we write the true length.
    assert reference[fixed] == 0
    length, pos = read_ue7(ours, fixed, "picture_data_length")
    assert pos + length == len(ours)
    hevc_header = hevc.write_hevc_header(ref_file.hevc_header)
    assert reference[fixed + 1:].startswith(hevc_header) and ours[pos:].startswith(hevc_header)
    assert metrics.bpp(len(ours), h, w) == pytest.approx(metrics.bpp(len(reference), h, w), rel=0.15)
    ref_psnr = metrics.psnr(source, _png(os.path.join(VECTORS, name + ".bpgdec.png")))
    assert abs(metrics.psnr(source, decoder.decode(ours)) - ref_psnr) < 1.0


def test_decoded_planes_equal_x265_reconstruction(rng):
    image = rng.integers(0, 256, (37, 53, 3), dtype=np.uint8)
    data = encoder.encode(image, encoder.EncoderSettings(qp=30, picture_hash=True))
    f, planes = decoder.decode_planes(data)
    sei = [n for n in hevc.split_nal_units(b"\x00\x00\x01" + f.hevc_data) if hevc.nal_type(n) == 40]
    assert sei, "x265 wrote no decoded-picture hash"
    md5s = [sei[0][5 + 16 * i:21 + 16 * i].hex() for i in range(3)]  # payload type 132, size 49, hash type 0
    assert md5s == [hashlib.md5(p.tobytes()).hexdigest() for p in planes]


def test_decoder_rejects_a_picture_that_differs_from_the_encoder_hash(rng):
    data = bytearray(encoder.encode(rng.integers(0, 256, (32, 32, 3), dtype=np.uint8),
                                    encoder.EncoderSettings(qp=30, picture_hash=True)))
    i = bytes(data).find(b"\x00\x00\x01\x50\x01\x84")
    data[i + 10] ^= 1
    with pytest.raises(BpgFormatError, match="checksum"):
        decoder.decode(bytes(data))


def test_lossless_round_trip_is_exact(rng):
    image = rng.integers(0, 256, (24, 40, 3), dtype=np.uint8)
    codec = bpg_codec.BpgCodec(0, lossless=True, backend="builtin")
    np.testing.assert_array_equal(codec.decode(codec.encode(image)), image)


@pytest.mark.parametrize("value", [0, 8, 127, 128, 542, 728855, 2**32 - 1])
def test_ue7_round_trip_and_spec_examples(value):
    assert read_ue7(write_ue7(value), 0, "x") == (value, len(write_ue7(value)))
    assert write_ue7(542) == b"\x84\x1e" and write_ue7(728855) == b"\xac\xbe\x17"


@pytest.mark.parametrize("data, message", [
    (b"", "not a BPG file"),
    (b"\x89PNG\r\n\x1a\n", "not a BPG file"),
    (b"BPG\xfb\xe0\x00\x10\x10\x00", "reserved pixel_format"),
    (b"BPG\xfb\x20\x60\x10\x10\x00", "reserved color_space"),
    (b"BPG\xfb\x00\x10\x10\x10\x00", "greyscale files must use color_space 0"),
    (b"BPG\xfb\x20\x00\x80\x10", "non-shortest ue7"),
    (b"BPG\xfb\x20\x00\x10\x10", "truncated file: picture_data_length"),
    (b"BPG\xfb\x20\x00\x00\x10\x00", "picture size 0x16"),
    (b"BPG\xfb\x20\x00\x10\x10\x7f\x01", "truncated file: picture data of 127 bytes"),
])
def test_malformed_headers_raise_named_errors(data, message):
    data = data.replace(b"BPG\xfb", container.MAGIC)
    with pytest.raises(BpgFormatError, match=message):
        container.parse(data)


def test_truncated_payload_is_a_format_error(rng):
    data = encoder.encode(rng.integers(0, 256, (32, 32, 3), dtype=np.uint8), encoder.EncoderSettings(qp=20))
    for cut in (14, 20, len(data) // 2, len(data) - 1):
        with pytest.raises(BpgFormatError):
            decoder.decode(data[:cut])


@pytest.fixture(scope="module")
def valid_file():
    image = np.random.default_rng(3).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    return encoder.encode(image, encoder.EncoderSettings(qp=35))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64))
def test_parser_fuzz_random_bytes_never_crash(data):
    try:
        container.parse(container.MAGIC + data)
    except BpgFormatError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_parser_fuzz_mutated_valid_files_never_crash(valid_file, data):
    mutated = bytearray(valid_file)
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, min(len(mutated) - 1, 40)))
        mutated[pos] = data.draw(st.integers(0, 255))
    try:
        parsed = container.parse(bytes(mutated))
        decoder.annexb_stream(parsed)
    except BpgFormatError:
        pass


@pytest.mark.skipif(bpg_codec.find_libbpg() is None, reason="libbpg's bpgenc/bpgdec are not installed")
def test_files_interoperate_with_libbpg_both_ways(rng, tmp_path):
    image = rng.integers(0, 256, (40, 56, 3), dtype=np.uint8)
    libbpg = bpg_codec.BpgCodec(32, backend="libbpg")
    builtin = bpg_codec.BpgCodec(32, backend="builtin")
    np.testing.assert_array_equal(builtin.decode(libbpg.encode(image)), libbpg.decode(libbpg.encode(image)))
    ours = builtin.encode(image)
    np.testing.assert_array_equal(libbpg.decode(ours), builtin.decode(ours))


def test_emulation_prevention_round_trip_and_the_positions_of_dropped_bytes():
    from image_codecs.bitio import add_emulation_prevention, rbsp_and_removals  # pylint: disable=g-import-not-at-top
    rbsp = b"\x00\x00\x01\x07\x00\x00\x00\x00\x03\x05"
    ebsp = add_emulation_prevention(rbsp)
    assert ebsp == b"\x00\x00\x03\x01\x07\x00\x00\x03\x00\x00\x03\x03\x05"
    again, removed = rbsp_and_removals(ebsp)
    assert again == rbsp and removed == [2, 6, 8]  # RBSP bytes 2, 6 and 8 each follow a dropped 0x03
