"""Training a restorer on image files: pairs whose sizes differ are refused by name before any training."""
import numpy as np
import pytest
from PIL import Image

from keras_models.restoration import file_training


def test_a_pair_of_different_sizes_is_named(tmp_path):
    Image.fromarray(np.zeros((16, 16, 3), np.uint8)).save(tmp_path / "a_c.png")
    Image.fromarray(np.zeros((16, 20, 3), np.uint8)).save(tmp_path / "a.png")
    (tmp_path / "c").mkdir()
    (tmp_path / "a_c.png").rename(tmp_path / "c" / "a.png")
    with pytest.raises(ValueError, match=r"c/a.png is 16x16 but its original .*a.png is 20x16"):
        file_training.train_on_files([str(tmp_path / "c" / "a.png")], [str(tmp_path / "a.png")], "rdn-tiny", 1,
                                     str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_no_files_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no original images"):
        file_training.train_on_files(["x.png"], [], "rdn-tiny", 1, str(tmp_path / "out"))
