import os

import numpy as np
import pytest
from PIL import Image

from image_datasets import image_files


def test_png_round_trip_is_lossless(rng):
    image = rng.integers(0, 256, (7, 9, 3), dtype=np.uint8)
    np.testing.assert_array_equal(image_files.decode_png(image_files.encode_png(image)), image)


@pytest.mark.parametrize("mode", ["L", "P", "RGBA", "LA", "CMYK"])
def test_modes_are_converted_to_rgb(tmp_path, rng, mode):
    rgb = rng.integers(0, 256, (6, 5, 3), dtype=np.uint8)
    path = str(tmp_path / f"x_{mode}.png" if mode != "CMYK" else tmp_path / "x.jpg")
    im = Image.fromarray(rgb).convert(mode)
    im.save(path, quality=100) if mode == "CMYK" else im.save(path)
    out = image_files.read_image(path)
    assert out.shape == (6, 5, 3) and out.dtype == np.uint8
    if mode in ("RGBA",):
        np.testing.assert_array_equal(out, rgb)
    if mode == "P":
        np.testing.assert_array_equal(out, np.asarray(im.convert("RGB")))


def test_sixteen_bit_png_keeps_the_high_byte(tmp_path):
    grey = (np.arange(30, dtype=np.uint16).reshape(5, 6) * 2000)
    path = str(tmp_path / "g16.png")
    Image.fromarray(grey).save(path)
    out = image_files.read_image(path)
    np.testing.assert_array_equal(out[..., 0], (grey >> 8).astype(np.uint8))


def test_sixteen_bit_rgb_tiff_keeps_the_high_byte(tmp_path):
    import tifffile
    rgb = (np.arange(5 * 6 * 3, dtype=np.uint16).reshape(5, 6, 3) * 700)
    path = str(tmp_path / "c16.tif")
    tifffile.imwrite(path, rgb)
    np.testing.assert_array_equal(image_files.read_image(path), (rgb >> 8).astype(np.uint8))


def test_truncated_file_raises_naming_the_file(tmp_path, rng):
    path = tmp_path / "cut.png"
    Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)).save(path)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(image_files.BadImageError, match="cut.png: cannot decode"):
        image_files.read_image(str(path))


def test_garbage_and_missing_files_raise(tmp_path):
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"not an image at all")
    with pytest.raises(image_files.BadImageError, match="junk.jpg"):
        image_files.read_image(str(junk))
    with pytest.raises(image_files.BadImageError, match="does not exist") as info:
        image_files.read_image(str(tmp_path / "nope.png"))
    assert info.value.code == "missing"


def test_palette_mask_reads_indices_not_colours(tmp_path):
    ids = np.array([[0, 1], [2, 3]], np.uint8)
    im = Image.fromarray(ids, mode="P")
    im.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9] + [0] * 756)
    path = str(tmp_path / "m.png")
    im.save(path)
    np.testing.assert_array_equal(image_files.read_mask(path), ids)


def test_colour_mask_with_distinct_channels_is_rejected(tmp_path):
    path = str(tmp_path / "rgbmask.png")
    Image.fromarray(np.dstack([np.zeros((4, 4), np.uint8), np.ones((4, 4), np.uint8), np.zeros((4, 4), np.uint8)])).save(path)
    with pytest.raises(image_files.BadImageError, match="different values"):
        image_files.read_mask(path)


def test_sixteen_bit_mask_keeps_its_values(tmp_path):
    ids = np.array([[0, 300], [70, 1000]], np.uint16)
    path = str(tmp_path / "m16.png")
    Image.fromarray(ids).save(path)
    np.testing.assert_array_equal(image_files.read_mask(path), ids.astype(np.int64))


def test_a_symlink_loop_is_named_as_such(tmp_path):
    loop = str(tmp_path / "loop.png")
    os.symlink(loop, loop)
    with pytest.raises(image_files.BadImageError, match="loop.png: symlink loop or dangling symlink"):
        image_files.read_image(loop)


def test_a_refusal_over_the_budget_keeps_its_whole_reason_when_the_path_holds_a_colon(tmp_path, monkeypatch):
    path = str(tmp_path / "camera: front.png")
    monkeypatch.setenv("DSR_MAX_PIXELS", "50000")
    with pytest.raises(image_files.BadImageError) as err:
        image_files.check_budget(path, 300, 200)
    assert (err.value.path, err.value.code) == (path, "too_large")
    assert err.value.reason.startswith("declares 300x200 = 60,000 pixels, over the pixel budget of 50,000")
    assert str(err.value) == f"{path}: {err.value.reason}"
