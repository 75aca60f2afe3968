import numpy as np
import pytest
from cityscapesscripts.helpers import labels as cs

from image_datasets import labels


def test_cityscapes_table_matches_cityscapesscripts():
    table = labels.cityscapes_table()
    assert table.num_classes == 19
    for label in cs.labels:
        if label.id < 0:
            continue
        expected = label.trainId if 0 <= label.trainId < 255 else 255
        assert table.raw_to_train[label.id] == expected, label.name
    assert table.class_names[0] == "road" and table.class_names[18] == "bicycle"


def test_mapping_converts_every_pixel():
    table = labels.cityscapes_table()
    raw = np.array([[7, 8, 0], [26, 33, 24]])
    np.testing.assert_array_equal(table.to_train_ids(raw), [[0, 1, 255], [13, 18, 11]])


def test_unknown_ids_are_listed():
    with pytest.raises(labels.UnknownLabelError, match="label ids 34, 200 are not in the cityscapes"):
        labels.cityscapes_table().to_train_ids(np.array([[7, 34], [200, 7]]))


def test_sdd_table_has_twenty_classes_and_ignores_unlabeled_and_conflicting():
    table = labels.sdd_table()
    assert table.num_classes == 20
    assert table.raw_to_train[0] == 255 and table.raw_to_train[23] == 255
    assert table.raw_to_train[20] == table.class_names.index("tree")  # bald-tree
    assert sorted(table.raw_to_train) == list(range(24))


def test_inria_is_binary():
    np.testing.assert_array_equal(labels.inria_table().to_train_ids(np.array([[0, 255]])), [[0, 1]])
