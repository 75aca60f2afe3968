import numpy as np
import pytest

from image_codecs import metrics, registry
from image_codecs.base import BitstreamError


def test_registry_lists_and_builds_codecs():
    assert {"avif", "bpg", "ir2i", "jp2k", "jpeg", "msh", "vvc", "webp"} == set(registry.codec_names())
    assert registry.make_codec("jpeg", 50).name == "jpeg"
    with pytest.raises(ValueError, match="unknown codec 'heic'"):
        registry.make_codec("heic", 1)


@pytest.mark.parametrize("name, bad", [("jpeg", 0), ("jpeg", 96), ("jpeg", 5.5), ("bpg", 52), ("bpg", -1)])
def test_quality_out_of_range_is_rejected(name, bad):
    with pytest.raises(ValueError, match="quality must be"):
        registry.make_codec(name, bad)


@pytest.mark.parametrize("name, quality", [("jpeg", 5), ("jpeg", 90), ("bpg", 45), ("bpg", 25)])
def test_round_trip_is_deterministic_and_sized(rng, name, quality):
    image = rng.integers(0, 256, (45, 67, 3), dtype=np.uint8)
    codec = registry.make_codec(name, quality)
    data = codec.encode(image)
    out = codec.decode(data)
    assert out.shape == image.shape and out.dtype == np.uint8
    assert codec.encode(image) == data
    np.testing.assert_array_equal(codec.decode(data), out)
    assert metrics.bpp(len(data), 45, 67) == len(data) * 8 / (45 * 67)


@pytest.mark.parametrize("name", ["jpeg", "bpg"])
def test_rate_falls_as_quality_gets_worse(rng, name):
    from skimage import data as skdata
    image = skdata.astronaut()[:128, :128]
    cls = registry.codec_class(name)
    qualities = [90, 50, 10] if cls.quality_range.higher_is_better else [20, 35, 50]
    sizes = [len(registry.make_codec(name, q).encode(image)) for q in qualities]
    assert sizes[0] > sizes[1] > sizes[2]


def test_jpeg_rejects_garbage_and_truncation(rng):
    codec = registry.make_codec("jpeg", 50)
    with pytest.raises(BitstreamError, match="does not start like a JPEG file"):
        codec.decode(b"hello")
    data = codec.encode(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8))
    with pytest.raises(BitstreamError, match="cannot decode"):
        codec.decode(data[: len(data) // 2])
