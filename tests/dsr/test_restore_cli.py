import numpy as np
import pytest
import tensorflow as tf

from dsr.main import main
from image_datasets import image_files
from keras_models.restoration import export, tiling
from keras_models.restoration.config import RdnConfig
from keras_models.restoration.rdn import ResidualDenseNetwork


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    tf.keras.utils.set_random_seed(0)
    path = str(tmp_path_factory.mktemp("restorer") / "model")
    export.export(ResidualDenseNetwork(RdnConfig(blocks=1, layers=2, growth=4, features=8)), path, 1)
    return path


def test_restore_writes_the_tiled_restoration(model_dir, tmp_path):
    image = np.random.default_rng(0).integers(0, 256, (40, 70, 3), dtype=np.uint8)
    (tmp_path / "in.png").write_bytes(image_files.encode_png(image))
    assert main(["restore", "--model", model_dir, "--tile", "32", "--margin", "8", "--overlap", "8",
                 str(tmp_path / "in.png"), str(tmp_path / "out.png")]) == 0
    restored = image_files.read_image(str(tmp_path / "out.png"))
    np.testing.assert_array_equal(restored, tiling.restore_tiled(export.load(model_dir), image, 32, 8, 8, 1))


def test_restore_names_a_corrupt_input_and_a_missing_model(model_dir, tmp_path, capsys):
    (tmp_path / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    assert main(["restore", "--model", model_dir, str(tmp_path / "bad.png"), str(tmp_path / "o.png")]) == 2
    assert "bad.png" in capsys.readouterr().err
    (tmp_path / "in.png").write_bytes(image_files.encode_png(np.zeros((8, 8, 3), np.uint8)))
    assert main(["restore", "--model", str(tmp_path), str(tmp_path / "in.png"), str(tmp_path / "o.png")]) == 2
    assert "not a restorer SavedModel" in capsys.readouterr().err
    assert not (tmp_path / "o.png").exists()
