import numpy as np
import pytest
from skimage import data

from image_codecs import metrics, rate_control, registry


@pytest.mark.parametrize("codec", ["jpeg", "bpg"])
def test_per_image_search_returns_the_closest_real_bpp(codec):
    image = data.astronaut()[:96, :128]
    quality, stream = rate_control.encode_at_bpp(codec, image, 1.0)
    achieved = metrics.bpp(len(stream), 96, 128)
    assert stream == registry.make_codec(codec, quality).encode(image)
    ordered = rate_control.qualities(codec)
    i = ordered.index(quality)
    for j in (i - 1, i + 1):  # neither neighbour is closer to the target
        if 0 <= j < len(ordered):
            other = metrics.bpp(len(registry.make_codec(codec, ordered[j]).encode(image)), 96, 128)
            assert abs(achieved - 1.0) <= abs(other - 1.0)


def test_qualities_are_ordered_from_fewest_bits():
    assert rate_control.qualities("jpeg")[0] == 1
    assert rate_control.qualities("bpg")[0] == 51


def test_dataset_level_match_brings_two_codecs_to_the_same_mean_rate():
    images = [data.astronaut()[:64, :64], data.chelsea()[:64, :64], data.coffee()[:64, :64]]
    q_jpeg, bpp_jpeg = rate_control.match_quality("jpeg", images, 1.5)
    q_bpg, bpp_bpg = rate_control.match_quality("bpg", images, 1.5)
    assert abs(bpp_jpeg - 1.5) < 0.3 and abs(bpp_bpg - 1.5) < 0.3
    mean = np.mean([metrics.bpp(len(registry.make_codec("bpg", q_bpg).encode(im)), 64, 64) for im in images])
    assert mean == pytest.approx(bpp_bpg)


def test_a_target_beyond_the_codecs_range_codes_at_its_end_and_says_so(caplog):
    image = data.astronaut()[:64, :64]
    quality, stream = rate_control.encode_at_bpp("jpeg", image, 99.0)
    top = metrics.bpp(len(stream), 64, 64)
    assert quality == 95
    assert caplog.messages == [f"rate control: jpeg comes no closer to 99 bpp than {top:.4g} bpp (quality 95, the "
                               "end of its range); coding at that quality"]
    caplog.clear()
    assert rate_control.match_quality("jpeg", [image], 0.001)[0] == 1
    assert caplog.messages[0].startswith("rate control: jpeg comes no closer to 0.001 bpp than") and \
        "(quality 1, the end of its range)" in caplog.messages[0]
    caplog.clear()
    rate_control.encode_at_bpp("jpeg", image, 1.0)  # within reach: nothing to say
    assert caplog.messages == []
