"""The segmentation Trainer's data selection for each training domain, on written Examples: the
privileged sources are the examples of the images ingestion ranked first for the fraction (or,
in examples written before the ranking was recorded, flagged), whatever their ids (tiles of one
source image share their image's rank and flag)."""
import numpy as np
import pytest
import tensorflow as tf

from components import segmentation_trainer
from image_datasets import features, image_files

PRIVILEGED = (1, 6)  # the examples ingestion flagged


@pytest.fixture
def compressed_train(tmp_path):
    """8 examples, tiles of four source images (``src<k>_r0c<j>``): original pixels 10 + i,
    decoded 100 + i, restored 200 + i; examples 1 and 6 flagged privileged."""
    path = str(tmp_path / "train.gz")
    with tf.io.TFRecordWriter(path, options="GZIP") as writer:
        for i in range(8):
            ex = features.make_example(np.full((4, 4, 3), 10 + i, np.uint8), np.full((4, 4), i % 3, np.uint8),
                                       f"src{i // 2}_r0c{i % 2}", "t", "train", privileged=i in PRIVILEGED)
            for name, value in ((features.DECODED, 100 + i), (features.RESTORED, 200 + i)):
                ex.features.feature[name].bytes_list.value.append(
                    image_files.encode_png(np.full((4, 4, 3), value, np.uint8)))
            writer.write(ex.SerializeToString())
    return [path]


def _pixels(dataset):
    return sorted((int(im[0, 0, 0]), float(w)) for im, _, w in dataset.as_numpy_iterator())


@pytest.mark.parametrize("domain,expected", [
    ("O", [(10 + i, 1.0) for i in range(8)]),
    ("C", [(100 + i, 1.0) for i in range(8)]),
    ("R", [(200 + i, 1.0) for i in range(8)]),
])
def test_single_source_domains_read_their_feature(compressed_train, domain, expected):
    (source,) = segmentation_trainer.source_datasets(compressed_train, domain)
    assert _pixels(source) == expected


@pytest.mark.parametrize("domain,other", [("o+c", 100), ("o+r", 200)])
def test_hybrids_take_privileged_originals_at_weight_5_and_the_rest_compressed_or_restored(
        compressed_train, domain, other):
    originals, rest = segmentation_trainer.source_datasets(compressed_train, domain, 0.25)
    assert _pixels(originals) == [(10 + i, 5.0) for i in PRIVILEGED]
    assert _pixels(rest) == [(other + i, 1.0) for i in range(8) if i not in PRIVILEGED]


def test_privileged_domain_needs_a_fraction(compressed_train):
    with pytest.raises(ValueError, match="privileged_fraction is 0"):
        segmentation_trainer.source_datasets(compressed_train, "o")
    (only,) = segmentation_trainer.source_datasets(compressed_train, "o", 0.5)
    assert _pixels(only) == [(10 + i, 1.0) for i in PRIVILEGED]


RANKS = (2, 0, 3, 1)  # ingestion's ranking of the four source images


@pytest.fixture
def ranked_train(tmp_path):
    """8 tiles of four source images carrying ingestion's ranking (``privileged_rank`` of their
    image, pool 4) and flagged privileged at the ingestion's fraction 0.5: original pixels 10 + i,
    decoded 100 + i."""
    path = str(tmp_path / "ranked.gz")
    with tf.io.TFRecordWriter(path, options="GZIP") as writer:
        for i in range(8):
            rank = RANKS[i // 2]
            ex = features.make_example(np.full((4, 4, 3), 10 + i, np.uint8), np.full((4, 4), 0, np.uint8),
                                       f"src{i // 2}_r0c{i % 2}", "t", "train", privileged=rank < 2,
                                       privileged_rank=rank, privileged_pool=4)
            ex.features.feature[features.DECODED].bytes_list.value.append(
                image_files.encode_png(np.full((4, 4, 3), 100 + i, np.uint8)))
            writer.write(ex.SerializeToString())
    return [path]


@pytest.mark.parametrize("fraction,images", [(0.25, [1]), (0.5, [1, 3]), (0.75, [1, 3, 0]), (1.0, [0, 1, 2, 3])])
def test_a_smaller_fraction_takes_the_first_images_of_ingestions_ranking_with_their_tiles(ranked_train, fraction,
                                                                                            images):
    tiles = sorted(2 * k + j for k in images for j in (0, 1))
    (only,) = segmentation_trainer.source_datasets(ranked_train, "o", fraction)
    assert _pixels(only) == [(10 + i, 1.0) for i in tiles]
    originals, rest = segmentation_trainer.source_datasets(ranked_train, "o+c", fraction)
    assert _pixels(originals) == [(10 + i, 5.0) for i in tiles]
    assert _pixels(rest) == [(100 + i, 1.0) for i in range(8) if i not in tiles]
