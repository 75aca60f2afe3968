"""WebP, JPEG 2000, AVIF and VVC write standard files: independent decoders (ffmpeg's, for files
the project writes) read them as the project does, files that ffmpeg's own encoders write decode in
the project, bpp counts the file's bytes, colour survives the round trip, and malformed or
oversized files are refused with the codec's own error."""
import os
import subprocess

import numpy as np
import pytest
from skimage import data as skdata

from benchmarks.fuzz import mutations
from image_codecs import external, ffmpeg_picture, metrics, registry
from image_codecs.base import BitstreamError
from image_datasets import pixel_budget

# codec, quality, ffmpeg demuxer of its files, ffmpeg's own encoder of that format (args), and
# the largest pixel difference between our decode and ffmpeg's (WebP and AVIF convert YCbCr to
# RGB in libwebp/libavif, with their own rounding; ffmpeg uses swscale).
CODECS = {
    "webp": (50, "webp_pipe", ["-c:v", "libwebp", "-quality", "50", "-f", "webp"], 4),
    # ffmpeg's native JPEG 2000 encoder (not OpenJPEG) writes a JP2 file.
    "jp2k": (60, "j2k_pipe", ["-c:v", "jpeg2000", "-q:v", "20", "-f", "image2", "-update", "1"], 1),
    "avif": (50, None, ["-c:v", "libaom-av1", "-still-picture", "1", "-crf", "35", "-cpu-used", "8", "-f", "avif"], 4),
    "vvc": (37, "vvc", ["-c:v", "libvvenc", "-preset", "faster", "-qp", "37", "-f", "vvc"], 0),
}


@pytest.fixture(scope="module")
def photo():
    return np.ascontiguousarray(skdata.astronaut()[100:196, 100:228])


def _ffmpeg_decode(data: bytes, demuxer) -> np.ndarray:
    args = [external.ffmpeg_exe(), "-loglevel", "error", *(["-f", demuxer] if demuxer else []), "-i", "pipe:0",
            "-vf", f"scale=flags={ffmpeg_picture.SWS_FLAGS},format=rgb24", "-f", "image2pipe", "-c:v", "ppm", "pipe:1"]
    return ffmpeg_picture.read_ppm(external.run(args, stdin=data), "ffmpeg")


def _ffmpeg_encode(image: np.ndarray, encoder_args, tmp_path) -> bytes:
    src, out = str(tmp_path / "in.png"), str(tmp_path / "out.bin")
    from PIL import Image  # pylint: disable=g-import-not-at-top
    Image.fromarray(image).save(src)
    external.run([external.ffmpeg_exe(), "-loglevel", "error", "-y", "-i", src, "-frames:v", "1", *encoder_args, out])
    return open(out, "rb").read()


@pytest.mark.parametrize("name", sorted(CODECS))
def test_a_file_we_write_decodes_in_ffmpeg_as_it_does_here(photo, name):
    quality, demuxer, _, tolerance = CODECS[name]
    codec = registry.make_codec(name, quality)
    data = codec.encode(photo)
    ours = codec.decode(data)
    assert ours.shape == photo.shape and codec.encode(photo) == data
    assert metrics.bpp(len(data), 96, 128) == len(data) * 8 / (96 * 128)
    assert metrics.psnr(photo, ours) > 25
    assert int(np.abs(_ffmpeg_decode(data, demuxer).astype(int) - ours).max()) <= tolerance


@pytest.mark.parametrize("name", sorted(CODECS))
def test_a_file_ffmpegs_own_encoder_writes_decodes_here(photo, name, tmp_path):
    _, demuxer, encoder_args, tolerance = CODECS[name]
    data = _ffmpeg_encode(photo, encoder_args, tmp_path)
    ours = registry.make_codec(name, CODECS[name][0]).decode(data)
    assert ours.shape == photo.shape and metrics.psnr(photo, ours) > 25
    assert int(np.abs(_ffmpeg_decode(data, demuxer).astype(int) - ours).max()) <= tolerance


@pytest.mark.parametrize("name, qualities", [("webp", [90, 50, 10]), ("jp2k", [20, 80, 320]),
                                             ("avif", [90, 50, 10]), ("vvc", [22, 37, 52])])
def test_rate_falls_as_quality_gets_worse(photo, name, qualities):
    sizes = [len(registry.make_codec(name, q).encode(photo)) for q in qualities]
    assert sizes[0] > sizes[1] > sizes[2]


@pytest.mark.parametrize("name, quality, floor", [("webp", 100, 40), ("jp2k", 1, 45), ("avif", 100, 45),
                                                  ("vvc", 0, 45)])
def test_colours_survive_at_the_highest_quality_without_bias(name, quality, floor):
    # Saturated colours and a grey ramp in 16-row bands: a wrong matrix or range shows as a bias
    # or a low PSNR inside the bands (their edges blur in 4:2:0 chroma, as they should).
    image = np.zeros((64, 64, 3), np.uint8)
    image[:16], image[16:32], image[32:48] = [255, 0, 0], [0, 200, 40], [30, 60, 250]
    image[48:] = np.linspace(0, 255, 64).astype(np.uint8)[None, :, None]
    out = registry.make_codec(name, quality).decode(registry.make_codec(name, quality).encode(image))
    inside = np.concatenate([np.arange(b + 4, b + 12) for b in (0, 16, 32, 48)])
    assert metrics.psnr(image[inside], out[inside]) > floor
    assert np.abs((out[inside].astype(float) - image[inside]).mean(axis=(0, 1))).max() < 1.0


@pytest.mark.parametrize("name", sorted(CODECS))
def test_garbage_and_truncation_are_the_codecs_format_error(photo, name):
    codec = registry.make_codec(name, CODECS[name][0])
    with pytest.raises(BitstreamError, match=name):
        codec.decode(b"hello, world")
    data = codec.encode(photo)
    with pytest.raises(BitstreamError, match=name):
        codec.decode(data[:len(data) // 3])


@pytest.mark.parametrize("name, count", [("webp", 400), ("jp2k", 400), ("avif", 400), ("vvc", 60)])
def test_mutated_files_are_decoded_or_refused_never_crash(photo, name, count):
    codec = registry.make_codec(name, CODECS[name][0])
    data = codec.encode(photo[:32, :32])
    outcomes = {"ok": 0, "refused": 0}
    for mutant in mutations(data, count, seed=7):
        try:
            codec.decode(mutant)
            outcomes["ok"] += 1
        except (BitstreamError, pixel_budget.PixelBudgetError):
            outcomes["refused"] += 1
    assert sum(outcomes.values()) == count and outcomes["refused"] > count // 10


@pytest.mark.parametrize("name", sorted(CODECS))
def test_a_picture_over_the_pixel_budget_is_refused(photo, name, monkeypatch):
    codec = registry.make_codec(name, CODECS[name][0])
    data = codec.encode(photo)
    monkeypatch.setenv(pixel_budget.ENV, str(96 * 128 - 1))
    with pytest.raises(pixel_budget.PixelBudgetError, match=name) as err:
        codec.decode(data)
    assert name in err.value.what and "pixel budget" in err.value.reason


def test_vvc_refuses_sizes_that_4_2_0_cannot_code():
    codec = registry.make_codec("vvc", 37)
    for shape in [(15, 32, 3), (32, 17, 3), (14, 14, 3)]:
        with pytest.raises(ValueError, match="even width and height of at least 16"):
            codec.encode(np.zeros(shape, np.uint8))
    assert codec.decode(codec.encode(np.zeros((16, 18, 3), np.uint8))).shape == (16, 18, 3)


@pytest.mark.parametrize("name, options, message", [
    ("webp", {"method": 7}, "method"), ("jp2k", {"resolutions": 0}, "resolutions"),
    ("avif", {"speed": 11}, "speed"), ("avif", {"chroma": "422"}, "chroma"), ("vvc", {"preset": "slowest"}, "preset")])
def test_bad_options_are_named(name, options, message):
    with pytest.raises(ValueError, match=message):
        registry.make_codec(name, CODECS[name][0], **options)
