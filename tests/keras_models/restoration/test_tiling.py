import numpy as np
import pytest
import tensorflow as tf

from keras_models.restoration import tiling


def _local_network():
    """Three 3x3 convolutions: receptive-field radius 3, no global statistics."""
    tf.keras.utils.set_random_seed(0)
    return tf.keras.Sequential([tf.keras.layers.Conv2D(8, 3, padding="same", activation="relu"),
                                tf.keras.layers.Conv2D(8, 3, padding="same", activation="relu"),
                                tf.keras.layers.Conv2D(3, 3, padding="same")])


@pytest.mark.parametrize("length,tile,overlap", [(100, 32, 8), (32, 32, 8), (20, 32, 8), (65, 32, 0)])
def test_tile_starts_cover_the_length(length, tile, overlap):
    starts = tiling.tile_starts(length, tile, overlap)
    covered = np.zeros(length, bool)
    for s in starts:
        covered[s:s + tile] = True
    assert covered.all() and starts[0] == 0
    assert all(b - a <= tile - overlap for a, b in zip(starts, starts[1:]))


def test_tiled_restoration_equals_whole_image_restoration_away_from_the_border():
    net = _local_network()
    image = np.random.default_rng(0).integers(0, 256, (70, 90, 3), dtype=np.uint8)

    def restore(x):
        return np.clip(x + 20 * net(x / 255.0).numpy(), 0, 255)

    whole = np.clip(np.round(restore(image[None].astype(np.float32))[0]), 0, 255).astype(np.uint8)
    tiled = tiling.restore_tiled(restore, image, tile=32, margin=8, overlap=8, multiple=1)
    inner = (slice(3, -3), slice(3, -3))  # the border differs: zero padding vs mirrored context
    assert np.abs(tiled[inner].astype(int) - whole[inner].astype(int)).max() <= 1
    assert tiled.shape == image.shape


def test_tiles_see_at_most_tile_plus_margins():
    sizes = []

    def restore(x):
        sizes.append(x.shape[1:3])
        return x

    image = np.zeros((1024, 2048, 3), np.uint8)
    out = tiling.restore_tiled(restore, image, tile=256, margin=16, overlap=16, multiple=8)
    assert out.shape == image.shape
    assert max(max(s) for s in sizes) <= 256 + 32 + 8
    assert all(h % 8 == 0 and w % 8 == 0 for h, w in sizes)
