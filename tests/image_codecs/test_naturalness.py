import io

import numpy as np
import pytest
from PIL import Image
from skimage import data

from image_codecs.naturalness import NaturalnessModel, mscn, patch_features


def _jpeg(image, quality):
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="JPEG", quality=quality)
    return np.asarray(Image.open(buffer).convert("RGB"))


def _crops(image, size=96):
    return [image[y:y + size, x:x + size] for y in range(0, image.shape[0] - size + 1, size)
            for x in range(0, image.shape[1] - size + 1, size)]


def test_mscn_of_a_flat_image_is_zero():
    assert np.abs(mscn(np.full((32, 32), 100.0))).max() < 1e-9


def test_each_patch_has_36_features():
    image = data.astronaut()
    feats = patch_features(image, 48)
    assert feats.shape == ((512 // 48) ** 2, 36) and np.isfinite(feats).all()
    with pytest.raises(ValueError, match="smaller than one"):
        patch_features(image[:20, :20], 48)


def test_index_ranks_originals_below_mild_below_strong_compression():
    photos = _crops(data.astronaut()) + _crops(data.chelsea()) + _crops(data.coffee())
    reference, held_out = photos[::2], photos[1::2]
    model = NaturalnessModel.fit(reference)
    original = model.score_set(held_out)
    mild = model.score_set([_jpeg(p, 60) for p in held_out])
    strong = model.score_set([_jpeg(p, 5) for p in held_out])
    assert original < mild < strong
