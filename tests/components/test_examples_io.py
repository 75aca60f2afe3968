"""Reading Examples: the (compressed, original) pairs a restorer learns from, all of a split's
or only those of the images privileged at a smaller fraction than the ingestion's."""
import numpy as np
import pytest
import tensorflow as tf

from components import examples_io
from image_datasets import features, image_files


@pytest.fixture
def privileged_pairs(tmp_path):
    """The privileged split of 4 images (the ingestion's 50% of 8): ranks 0..3 of pool 8, original
    pixels 10 + rank, decoded 100 + rank."""
    path = str(tmp_path / "privileged.gz")
    with tf.io.TFRecordWriter(path, options="GZIP") as writer:
        for rank in (3, 0, 2, 1):
            ex = features.make_example(np.full((4, 4, 3), 10 + rank, np.uint8), None, f"img{rank}", "t", "privileged",
                                       privileged=True, privileged_rank=rank, privileged_pool=8)
            ex.features.feature[features.DECODED].bytes_list.value.append(
                image_files.encode_png(np.full((4, 4, 3), 100 + rank, np.uint8)))
            writer.write(ex.SerializeToString())
    return [path]


@pytest.mark.parametrize("fraction,ranks", [(None, [0, 1, 2, 3]), (0.5, [0, 1, 2, 3]), (0.25, [0, 1]),
                                            (0.125, [0])])
def test_pairs_of_a_smaller_fraction_are_the_first_ranked(privileged_pairs, fraction, ranks):
    pairs = examples_io.pair_dataset(privileged_pairs, privileged_fraction=fraction)
    got = sorted((int(c[0, 0, 0]), int(o[0, 0, 0])) for c, o in pairs.as_numpy_iterator())
    assert got == [(100 + r, 10 + r) for r in ranks]


def test_split_name_joins_split_and_spec():
    assert examples_io.split_name("train", "jpeg_q5") == "train__jpeg_q5"
