"""Codec measurement records: one coded image's scores, times, stream and pixels, and the
per-quality means of ``evaluate``."""
import dataclasses

import numpy as np
import pytest

from image_codecs import evaluation, metrics, registry


@pytest.fixture
def photo():
    from skimage import data as skdata  # pylint: disable=g-import-not-at-top
    return skdata.astronaut()[:64, :96]


def test_measure_records_what_the_codec_wrote_and_decoded(photo):
    codec = registry.make_codec("jpeg", 20)
    m = evaluation.measure(codec, photo)
    assert m.bitstream == codec.encode(photo)
    np.testing.assert_array_equal(m.decoded, codec.decode(m.bitstream))
    assert m.bpp == 8 * len(m.bitstream) / (64 * 96)
    assert m.psnr == metrics.psnr(photo, m.decoded) and m.ms_ssim == metrics.ms_ssim(photo, m.decoded)
    assert m.ms_ssim_db == metrics.ms_ssim_db(m.ms_ssim) and m.encode_ms > 0 and m.decode_ms > 0
    assert set(m.numbers()) == {"bpp", "psnr", "ms_ssim", "ms_ssim_db", "encode_ms", "decode_ms"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.bpp = 0.0


def test_evaluate_averages_every_number_per_quality(photo):
    images = [photo, photo[:, ::-1].copy()]
    rows = evaluation.evaluate("jpeg", [10, 50], images)
    for row, quality in zip(rows, (10, 50)):
        codec = registry.make_codec("jpeg", quality)
        expected = [evaluation.measure(codec, im) for im in images]
        assert row["quality"] == quality and row["images"] == 2
        for key in ("bpp", "psnr", "ms_ssim", "ms_ssim_db"):
            assert row[key] == pytest.approx(np.mean([getattr(m, key) for m in expected]))
    assert rows[0]["bpp"] < rows[1]["bpp"]


def test_a_decoder_that_changes_the_shape_is_named():
    with pytest.raises(RuntimeError, match="jpeg: decoded shape"):
        evaluation.scores(np.zeros((8, 8, 3), np.uint8), np.zeros((8, 9, 3), np.uint8), 10, "jpeg")
