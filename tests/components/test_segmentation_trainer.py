"""The segmentation Trainer's data selection for each training domain, on written Examples: the
privileged sources are the examples ingestion flagged, whatever their ids (tiles of one
source image share their image's flag)."""
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
