"""``dsr restore train`` trains a restorer on (compressed, original) files paired by name, and
``dsr restore`` uses it."""
import io
import json

import numpy as np
import pytest
from PIL import Image

from dsr import main

TINY = ["--set", "crop=16", "--set", "batch_size=1", "--set", "generator={filters: 4, res_blocks: 1}",
        "--set", "discriminator={filters: 4, scales: [1, 2]}"]


@pytest.fixture
def pairs(tmp_path):
    rng = np.random.default_rng(0)
    (tmp_path / "c").mkdir()
    (tmp_path / "o").mkdir()
    for i in range(3):
        image = rng.integers(0, 256, (32, 40, 3), dtype=np.uint8)
        Image.fromarray(image).save(tmp_path / "o" / f"img{i}.png")
        buffer = io.BytesIO()
        Image.fromarray(image).save(buffer, "JPEG", quality=10)
        (tmp_path / "c" / f"img{i}.jpg").write_bytes(buffer.getvalue())
    return tmp_path


def test_trains_exports_and_restores(pairs, tmp_path):
    out = str(tmp_path / "restorer")
    assert main.main(["restore", "train", "--pairs", str(pairs / "c" / "*.jpg"), str(pairs / "o" / "*.png"),
                      "--preset", "finenet-tiny", "--steps", "2", *TINY, out]) == 0
    meta = json.load(open(f"{out}/restorer.json"))
    assert meta["preset"] == "finenet-tiny" and meta["steps"] == 2 and meta["images"] == 3 and meta["name"] == "finenet"
    assert main.main(["restore", "--model", out, str(pairs / "c" / "img0.jpg"), str(tmp_path / "r.png")]) == 0
    assert np.asarray(Image.open(tmp_path / "r.png")).shape == (32, 40, 3)


def test_a_file_without_a_partner_is_named(pairs, capsys):
    (pairs / "o" / "img9.png").write_bytes((pairs / "o" / "img0.png").read_bytes())
    assert main.main(["restore", "train", "--pairs", str(pairs / "c" / "*.jpg"), str(pairs / "o" / "*.png"),
                      "--steps", "1", str(pairs / "out")]) == 2
    err = capsys.readouterr().err
    assert "no partner of the same name, e.g." in err and "img9.png" in err
