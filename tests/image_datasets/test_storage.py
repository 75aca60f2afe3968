"""Datasets on a file system with a scheme (TensorFlow's ``ram://`` stands in for ``gs://``):
listed, read and checked as the same files on the local disk are."""
import os
import uuid

import numpy as np
import pytest
import tensorflow as tf

from image_datasets import image_files, ingest, storage


def _copy_tree(local: str, remote: str) -> None:
    for folder, _, files in os.walk(local):
        target = os.path.join(remote, os.path.relpath(folder, local))
        tf.io.gfile.makedirs(target)
        for name in files:
            tf.io.gfile.copy(os.path.join(folder, name), os.path.join(target, name), overwrite=True)


@pytest.fixture
def remote_cityscapes(cityscapes_root):
    remote = f"ram://{uuid.uuid4().hex}/cityscapes"
    _copy_tree(cityscapes_root, remote)
    return remote


def test_paths_with_a_scheme_are_remote_and_local_paths_are_not():
    assert storage.is_remote("gs://bucket/x.png") and storage.is_remote("ram://a")
    assert not storage.is_remote("/data/x.png") and not storage.is_remote("data/x.png")
    assert storage.abspath("gs://bucket/data/") == "gs://bucket/data"


def test_a_remote_dataset_plans_and_reads_as_its_local_copy(cityscapes_root, remote_cityscapes):
    local = ingest.IngestConfig(dataset="cityscapes", root=cityscapes_root, privileged_fraction=0.5)
    remote = ingest.IngestConfig(dataset="cityscapes", root=remote_cityscapes, privileged_fraction=0.5)
    local_splits, local_reader, _ = ingest.plan_samples(local)
    remote_splits, remote_reader, _ = ingest.plan_samples(remote)
    assert {k: [s.image_id for s in v] for k, v in local_splits.items()} == \
        {k: [s.image_id for s in v] for k, v in remote_splits.items()}
    for a, b in zip(local_splits["train"], remote_splits["train"]):
        assert b.image_path.startswith("ram://")
        [ra], [rb] = local_reader.load(a), remote_reader.load(b)
        np.testing.assert_array_equal(ra.image, rb.image)
        np.testing.assert_array_equal(ra.label, rb.label)


def test_a_missing_remote_file_is_named(remote_cityscapes):
    path = remote_cityscapes + "/leftImg8bit/train/aachen/nothing_leftImg8bit.png"
    with pytest.raises(image_files.BadImageError, match="nothing_leftImg8bit.png: file does not exist"):
        image_files.read_image(path)


def test_an_auxiliary_folder_is_walked_at_every_depth_without_hidden_files(tmp_path):
    remote = f"ram://{uuid.uuid4().hex}/aux"
    for rel in ("a.png", "x/b.png", "x/y/c.jpg", "x/notes.txt", "x/._b.png", ".cache/d.png"):
        tf.io.gfile.makedirs(os.path.dirname(os.path.join(remote, rel)))
        with tf.io.gfile.GFile(os.path.join(remote, rel), "wb") as f:
            f.write(b"")
    assert sorted(p[len(remote) + 1:] for p in storage.walk_files(remote)) == ["a.png", "x/b.png", "x/notes.txt",
                                                                                "x/y/c.jpg"]
    reader = ingest.ImagesReader(remote, None)
    assert sorted(s.image_id for s in reader.list_samples()["auxiliary"]) == ["a", "x__b", "x__y__c"]
