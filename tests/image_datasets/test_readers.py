"""Each reader on small fixtures in its real layout, including every bad-input case."""
import os

import numpy as np
import pytest
from PIL import Image

from image_datasets import ingest, reader as reader_lib
from image_datasets.cityscapes import CityscapesReader
from image_datasets.folder import FolderReader
from image_datasets.inria import InriaOptions, InriaReader
from image_datasets.sdd import SddOptions, SddReader, tile_origins


def test_cityscapes_lists_splits_and_maps_to_train_ids(cityscapes_root):
    reader = CityscapesReader(cityscapes_root)
    splits = reader.list_samples()
    assert {k: len(v) for k, v in splits.items()} == {"train": 4, "val": 2}
    sample = splits["train"][0]
    assert sample.image_id == "aachen_000000_000019"
    (record,) = reader.load(sample)
    raw = np.asarray(Image.open(sample.label_path))
    np.testing.assert_array_equal(record.label, reader.table.to_train_ids(raw))
    assert record.image.shape == (24, 32, 3)


def test_inria_splits_by_city_and_keeps_unlabeled_test_images(inria_root):
    reader = InriaReader(inria_root, InriaOptions(val_cities=("vienna",)))
    splits = reader.list_samples()
    assert [s.image_id for s in splits["val"]] == ["vienna1", "vienna2"]
    assert len(splits["train"]) == 4 and len(splits["extra"]) == 2
    (record,) = reader.load(splits["train"][0])
    assert set(np.unique(record.label)) <= {0, 1}
    (unlabeled,) = reader.load(splits["extra"][0])
    assert unlabeled.label is None


def test_inria_rejects_unknown_validation_city(inria_root):
    with pytest.raises(ValueError, match="validation cities"):
        InriaReader(inria_root, InriaOptions(val_cities=("paris",))).list_samples()


def test_sdd_split_is_deterministic_and_tiles_cover_the_image(sdd_root):
    options = SddOptions(scale=1.0, grid=(4, 3), tile_size=(24, 20), split_counts=(4, 2, 2))
    reader = SddReader(sdd_root, options)
    splits = reader.list_samples()
    assert {k: len(v) for k, v in splits.items()} == {"train": 4, "val": 2, "extra": 2}
    assert splits == SddReader(sdd_root, options).list_samples()
    records = reader.load(splits["train"][0])
    assert len(records) == 12
    assert records[0].image.shape == (20, 24, 3) and records[0].label.shape == (20, 24)
    full = np.asarray(Image.open(splits["train"][0].image_path))
    np.testing.assert_array_equal(records[-1].image, full[-20:, -24:])
    assert tile_origins(3000, 1200, 4) == [0, 600, 1200, 1800]


def test_sdd_scaling_resizes_mask_with_nearest(sdd_root):
    reader = SddReader(sdd_root, SddOptions(scale=0.5, tile=False, split_counts=(4, 2, 2)))
    (record,) = reader.load(reader.list_samples()["train"][0])
    assert record.image.shape == (20, 30, 3)
    assert set(np.unique(record.label)) <= set(range(20)) | {255}


def test_folder_reads_class_yaml_mapping(folder_root):
    reader = FolderReader(folder_root)
    splits = reader.list_samples()
    assert {k: len(v) for k, v in splits.items()} == {"train": 3, "val": 2}
    (record,) = reader.load(splits["train"][0])
    assert set(np.unique(record.label)) <= {0, 1, 2, 255}


def _bad(reader, sample):
    with pytest.raises(reader_lib.BadSampleError) as info:
        reader.load(sample)
    return info.value


def test_bad_inputs_each_raise_with_file_and_reason(cityscapes_root, rng):
    reader = CityscapesReader(cityscapes_root)
    train = reader.list_samples()["train"]
    # Corrupt image.
    with open(train[0].image_path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n garbage")
    err = _bad(reader, train[0])
    assert err.code == "unreadable" and train[0].image_path in str(err)
    # Missing mask.
    os.remove(train[1].label_path)
    err = _bad(reader, train[1])
    assert err.code == "missing_mask" and "no mask" in str(err)
    # Mis-sized mask.
    Image.fromarray(np.full((10, 10), 7, np.uint8)).save(train[2].label_path)
    err = _bad(reader, train[2])
    assert err.code == "size_mismatch" and "mask is 10x10 but image" in str(err)
    # Unknown label ids.
    Image.fromarray(np.full((24, 32), 99, np.uint8)).save(train[3].label_path)
    err = _bad(reader, train[3])
    assert err.code == "unknown_labels" and "99" in str(err) and train[3].label_path in str(err)


def test_unsupported_modes_are_converted(cityscapes_root, rng):
    reader = CityscapesReader(cityscapes_root)
    sample = reader.list_samples()["train"][0]
    rgba = np.dstack([rng.integers(0, 256, (24, 32, 3), dtype=np.uint8), np.full((24, 32), 255, np.uint8)])
    Image.fromarray(rgba, "RGBA").save(sample.image_path)
    Image.fromarray(np.asarray(Image.open(sample.label_path)).astype(np.uint16)).save(sample.label_path)
    (record,) = reader.load(sample)
    np.testing.assert_array_equal(record.image, rgba[..., :3])


def test_privileged_choice_is_deterministic_nested_and_order_free():
    ids = [f"img{i}" for i in range(200)]
    small = ingest.select_privileged(ids, 0.125)
    assert len(small) == 25
    assert small == ingest.select_privileged(list(reversed(ids)), 0.125)
    assert small < ingest.select_privileged(ids, 0.25) < ingest.select_privileged(ids, 0.5)
    assert small != ingest.select_privileged(ids, 0.125, seed=1)


@pytest.mark.parametrize("pool", [1, 3, 8, 200, 2975])
def test_the_trainers_tensorflow_membership_counts_as_ingestion_does(pool):
    """``examples_io.is_privileged`` (TensorFlow, in the trainers) and ``privileged_count``
    (Python, at ingestion) agree for every rank, including the halves that round to even."""
    import tensorflow as tf
    from components import examples_io
    from image_datasets import features
    for fraction in (0.125, 0.25, 0.5, 0.3, 1 / 3, 0.0625, 1.0):
        ranks = tf.range(pool, dtype=tf.int64)
        parsed = {features.PRIVILEGED_RANK: ranks, features.PRIVILEGED: tf.zeros([pool], tf.int64),
                  features.PRIVILEGED_POOL: tf.fill([pool], tf.constant(pool, tf.int64))}
        kept = int(tf.reduce_sum(tf.cast(examples_io.is_privileged(parsed, fraction), tf.int32)))
        assert kept == ingest.privileged_count(fraction, pool), (fraction, pool)


def test_plan_adds_privileged_and_auxiliary(cityscapes_root, tmp_path, rng):
    aux = tmp_path / "aux" / "sub"
    aux.mkdir(parents=True)
    Image.fromarray(rng.integers(0, 256, (8, 8, 3), dtype=np.uint8)).save(aux / "a.png")
    config = ingest.IngestConfig(dataset="cityscapes", root=cityscapes_root, privileged_fraction=0.5,
                                 auxiliary=ingest.AuxiliarySpec(root=str(tmp_path / "aux")))
    splits, _, aux_reader = ingest.plan_samples(config)
    assert len(splits["privileged"]) == 2
    assert {s.image_id for s in splits["privileged"]} <= {s.image_id for s in splits["train"]}
    assert [s.image_id for s in splits["auxiliary"]] == ["aux_sub__a"]
    (record,) = aux_reader.load(splits["auxiliary"][0])
    assert record.label is None


def test_fingerprint_patterns_need_no_files():
    config = ingest.IngestConfig(dataset="inria", root="/does/not/exist")
    assert ingest.fingerprint_patterns(config)["train"] == "train/images/*.tif"


def test_an_image_over_the_pixel_budget_is_refused_by_name_before_decoding(tmp_path, monkeypatch):
    from image_datasets import image_files
    path = str(tmp_path / "huge.png")
    Image.new("RGB", (300, 200)).save(path)
    monkeypatch.setenv("DSR_MAX_PIXELS", "50000")
    with pytest.raises(image_files.BadImageError, match=r"huge.png: declares 300x200 = 60,000 pixels") as err:
        image_files.read_image(path)
    assert err.value.code == "too_large"


def test_a_city_folder_symlinked_to_another_is_refused_naming_both_files(cityscapes_root):
    for kind in ("leftImg8bit", "gtFine"):
        os.symlink(os.path.join(cityscapes_root, kind, "train", "aachen"),
                   os.path.join(cityscapes_root, kind, "train", "zz_copy"))
    config = ingest.IngestConfig(dataset="cityscapes", root=cityscapes_root)
    with pytest.raises(ValueError, match=r"split 'train': image id 'aachen_000000_000019' is given by both "
                                         r".*aachen_000000_000019_leftImg8bit.png and .*zz_copy"):
        ingest.plan_samples(config)


def test_a_file_name_that_is_not_utf8_is_ingested_under_an_escaped_id(cityscapes_root):
    from image_datasets import features
    city = os.fsencode(os.path.join(cityscapes_root, "leftImg8bit", "train", "aachen"))
    labels_dir = os.fsencode(os.path.join(cityscapes_root, "gtFine", "train", "aachen"))
    os.rename(os.path.join(city, b"aachen_000000_000019_leftImg8bit.png"),
              os.path.join(city, b"aachen_\xff00000_000019_leftImg8bit.png"))
    os.rename(os.path.join(labels_dir, b"aachen_000000_000019_gtFine_labelIds.png"),
              os.path.join(labels_dir, b"aachen_\xff00000_000019_gtFine_labelIds.png"))
    config = ingest.IngestConfig(dataset="cityscapes", root=cityscapes_root, privileged_fraction=0.5)
    splits, reader, _ = ingest.plan_samples(config)
    (odd,) = [s for s in splits["train"] if "\\xff" in s.image_id]
    assert odd.image_id == "aachen_\\xff00000_000019"
    (record,) = reader.load(odd)
    example = features.make_example(record.image, record.label, odd.image_id, "cityscapes", "train")
    assert features.parse_example(example.SerializeToString())["image_id"] == "aachen_\\xff00000_000019"


def test_a_mask_of_another_size_is_refused_from_the_headers_before_decoding(cityscapes_root, monkeypatch):
    from image_datasets import image_files
    config = ingest.IngestConfig(dataset="cityscapes", root=cityscapes_root, privileged_fraction=0)
    splits, reader, _ = ingest.plan_samples(config)
    sample = splits["train"][0]
    Image.fromarray(np.zeros((10, 12), np.uint8)).save(sample.label_path)

    def no_decoding(path):
        raise AssertionError(f"decoded {path}")

    monkeypatch.setattr(image_files, "read_image", no_decoding)
    with pytest.raises(reader_lib.BadSampleError, match="mask is 12x10 but image .* is 32x24") as err:
        reader.load(sample)
    assert err.value.code == "size_mismatch"


def test_an_image_over_the_budget_is_refused_for_that_before_its_mask_is_compared(cityscapes_root, monkeypatch):
    config = ingest.IngestConfig(dataset="cityscapes", root=cityscapes_root, privileged_fraction=0)
    splits, reader, _ = ingest.plan_samples(config)
    sample = splits["train"][0]
    Image.new("RGB", (400, 300)).save(sample.image_path)  # its mask stays 32x24
    monkeypatch.setenv("DSR_MAX_PIXELS", "100000")
    with pytest.raises(reader_lib.BadSampleError, match="declares 400x300 = 120,000 pixels") as err:
        reader.load(sample)
    assert err.value.code == "too_large" and err.value.path == sample.image_path
