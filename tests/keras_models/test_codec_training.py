"""Training a learned codec on image files: what it refuses before training."""
import pytest

from keras_models import codec_training


@pytest.mark.parametrize("codec, paths, lmbda, error, message", [
    ("jpeg", ["a.png"], None, ValueError, r"'jpeg' is not trainable; trainable codecs: \['ir2i', 'msh'\]"),
    ("msh", [], None, FileNotFoundError, "no training images"),
    ("ir2i", ["a.png"], 0.01, ValueError, "ir2i has no lambda"),
])
def test_refusals(tmp_path, codec, paths, lmbda, error, message):
    with pytest.raises(error, match=message):
        codec_training.train_codec(codec, "tiny", paths, 1, str(tmp_path / "out"), lmbda=lmbda)
