import json

import numpy as np
import pytest
from PIL import Image

from dsr import main


def _image(tmp_path, rng, name="in.png", size=(48, 64)):
    path = tmp_path / name
    Image.fromarray(rng.integers(0, 256, (*size, 3), dtype=np.uint8)).save(path)
    return str(path)


def test_encode_writes_exactly_the_bitstream_and_decode_writes_png(tmp_path, rng, capsys):
    src = _image(tmp_path, rng)
    out = str(tmp_path / "x.bpg")
    assert main.main(["codec", "encode", "--codec", "bpg", "--quality", "30", src, out]) == 0
    report = json.loads(capsys.readouterr().out)
    data = open(out, "rb").read()
    assert data[:4] == b"BPG\xfb" and report["bytes"] == len(data)
    assert report["bpp"] == len(data) * 8 / (48 * 64)
    png = str(tmp_path / "y.png")
    assert main.main(["codec", "decode", "--codec", "bpg", out, png]) == 0
    with Image.open(png) as im:
        assert im.mode == "RGB" and im.size == (64, 48)


def test_eval_json_has_the_documented_shape(tmp_path, rng, capsys):
    _image(tmp_path, rng, "a.png")
    _image(tmp_path, rng, "b.png")
    assert main.main(["codec", "eval", "--codec", "jpeg", "--qualities", "5,50", "--images",
                      str(tmp_path / "*.png"), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["codec"] == "jpeg" and [r["quality"] for r in result["results"]] == [5, 50]
    for r in result["results"]:
        assert set(r) == {"quality", "images", "bpp", "psnr", "ms_ssim", "ms_ssim_db", "encode_ms", "decode_ms"}
        assert r["images"] == 2
    assert result["results"][0]["bpp"] < result["results"][1]["bpp"]


def test_decoding_the_wrong_format_is_a_clear_error(tmp_path, rng, capsys):
    src = _image(tmp_path, rng)
    assert main.main(["codec", "decode", "--codec", "bpg", src, str(tmp_path / "o.png")]) == 1
    assert "not a BPG file" in capsys.readouterr().err


def test_target_bpp_and_quality_are_exclusive(tmp_path, rng, capsys):
    src = _image(tmp_path, rng)
    assert main.main(["codec", "encode", "--codec", "jpeg", src, str(tmp_path / "o.jpg")]) == 2
    assert "exactly one of" in capsys.readouterr().err


@pytest.mark.slow
def test_train_exports_an_ir2i_model_the_codec_uses(tmp_path, rng, capsys):
    for i in range(2):
        _image(tmp_path, rng, f"t{i}.png", size=(64, 64))
    out = str(tmp_path / "model")
    assert main.main(["codec", "train", "--codec", "ir2i", "--preset", "ir2i-tiny", "--images",
                      str(tmp_path / "t*.png"), "--steps", "2", out]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["model"] == out
    stream = str(tmp_path / "x.ir2i")
    assert main.main(["codec", "encode", "--codec", "ir2i", "--model", out, "--quality", "2",
                      str(tmp_path / "t0.png"), stream]) == 0
    assert json.loads(capsys.readouterr().out)["bpp"] > 0.25  # two stages plus the header


def test_train_without_images_is_a_clear_error(tmp_path, capsys):
    assert main.main(["codec", "train", "--codec", "ir2i", "--preset", "ir2i-tiny", "--images",
                      str(tmp_path / "none*.png"), "--steps", "2", str(tmp_path / "m")]) != 0
    assert "no image matches" in capsys.readouterr().err


@pytest.mark.slow
def test_msh_decode_runs_under_a_deadline_in_a_child_process(tmp_path, rng, capsys):
    """MSH's decoder can loop on a forged stream, so ``dsr codec decode`` runs it in a child
    process: the same pixels as an in-process decode, and a named error at the deadline."""
    import tensorflow as tf  # pylint: disable=import-outside-toplevel

    from image_codecs import registry  # pylint: disable=import-outside-toplevel
    from keras_models.msh import config, export, training  # pylint: disable=import-outside-toplevel
    images = tf.data.Dataset.from_tensor_slices(rng.integers(0, 256, (4, 64, 64, 3), dtype=np.uint8))
    model = str(tmp_path / "msh")
    export.export(training.train(config.preset("tiny", crop=32, batch_size=2), images, 2), model)
    src, stream, png = _image(tmp_path, rng), str(tmp_path / "x.msh"), str(tmp_path / "y.png")
    assert main.main(["codec", "encode", "--codec", "msh", "--model", model, "--quality", "1", src, stream]) == 0
    assert main.main(["codec", "decode", "--codec", "msh", "--model", model, stream, png]) == 0
    expected = registry.make_codec("msh", 1, model=model).decode(open(stream, "rb").read())
    np.testing.assert_array_equal(np.asarray(Image.open(png)), expected)
    capsys.readouterr()
    assert main.main(["codec", "decode", "--codec", "msh", "--model", model, "--deadline", "0.01", stream, png]) == 1
    assert "did not finish within 0.01 s" in capsys.readouterr().err
