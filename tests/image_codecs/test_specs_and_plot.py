import pytest
from PIL import Image

from image_codecs import rd_plot
from image_codecs.specs import CodecSpec


@pytest.mark.parametrize("spec, key", [
    (CodecSpec("bpg", quality=40), "bpg_q40"),
    (CodecSpec("jpeg", target_bpp=0.1), "jpeg_bpp0.1"),
    (CodecSpec("msh", match_bpp=0.05, options={"model": "/x/y"}), "msh_mbpp0.05"),
    (CodecSpec("bpg", quality=35, options={"chroma": "444"}), "bpg_q35_chroma444"),
    (CodecSpec("vvc", qualities=[37, 42, 47.5]), "vvc_q37-42-47.5"),
])
def test_keys_name_codec_rate_and_options(spec, key):
    assert spec.key == key


@pytest.mark.parametrize("kwargs", [{}, {"quality": 1, "target_bpp": 0.1}, {"target_bpp": -1.0},
                                    {"quality": 5, "qualities": [5, 10]}, {"qualities": [5]}, {"qualities": [5, 5]}])
def test_exactly_one_positive_rate_is_required(kwargs):
    with pytest.raises(ValueError):
        CodecSpec("jpeg", **kwargs)


def test_matched_spec_becomes_a_quality_spec():
    fixed = CodecSpec("jpeg", match_bpp=0.2).with_quality(7)
    assert fixed.quality == 7 and fixed.match_bpp is None


def test_a_sweep_is_one_spec_per_quality_in_order_and_a_single_rate_is_itself():
    sweep = CodecSpec("webp", qualities=[10, 30, 70], options={"method": 6})
    assert sweep.is_sweep and [(r.quality, r.key, r.is_sweep) for r in sweep.rates()] == [
        (10, "webp_q10_method6", False), (30, "webp_q30_method6", False), (70, "webp_q70_method6", False)]
    single = CodecSpec("jpeg", quality=5)
    assert not single.is_sweep and single.rates() == [single]


def test_rate_distortion_plot_is_a_png(tmp_path):
    points = [{"codec": c, "bpp": b, "psnr": 20 + 5 * b, "ms_ssim_db": 8 + 4 * b}
              for c in ("bpg", "jpeg") for b in (0.1, 0.3, 0.9)]
    path = rd_plot.plot_rate_distortion(points, str(tmp_path / "rd.png"), title="t")
    with Image.open(path) as im:
        assert im.format == "PNG" and im.size[0] > 500
