"""The ImageExampleGen executor on fixtures: splits, schema, and bad-input accounting."""
import glob
import json
import os

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image
from tfx.dsl.components.base import base_beam_executor
from tfx.types import standard_artifacts

import dataconf
from components.image_example_gen import executor
from components.image_example_gen.component import ImageExampleGen
from image_datasets import features, ingest
from pipelines import beam_args

BEAM_ARGS = beam_args.complete(beam_args.IN_PROCESS)


def _run(config, out_dir):
    examples = standard_artifacts.Examples()
    examples.uri = str(out_dir)
    ex = executor.Executor(base_beam_executor.BaseBeamExecutor.Context(beam_pipeline_args=BEAM_ARGS))
    ex.Do({}, {"examples": [examples]}, {executor.INGEST_CONFIG_KEY: dataconf.to_json(config)})
    return examples


def _read_split(uri, split):
    files = glob.glob(os.path.join(uri, f"Split-{split}", "*.gz"))
    return [features.parse_example(r.numpy()) for r in tf.data.TFRecordDataset(files, compression_type="GZIP")]


def test_examples_carry_the_schema_and_all_splits(cityscapes_root, tmp_path):
    config = ingest.IngestConfig(dataset="cityscapes", root=cityscapes_root, privileged_fraction=0.5)
    examples = _run(config, tmp_path / "out")
    assert json.loads(examples.split_names) == ["privileged", "train", "val"]
    train = _read_split(examples.uri, "train")
    assert len(train) == 4
    ex = sorted(train, key=lambda e: e["image_id"])[0]
    assert ex["image_id"] == "aachen_000000_000019" and ex["dataset"] == "cityscapes" and ex["split"] == "train"
    assert ex["image"].shape == (24, 32, 3) and (ex["height"], ex["width"]) == (24, 32)
    source = np.asarray(Image.open(glob.glob(os.path.join(cityscapes_root, "leftImg8bit/train/aachen/aachen_000000*"))[0]))
    np.testing.assert_array_equal(ex["image"], source)  # lossless
    assert ex["label"].dtype == np.uint8 and set(np.unique(ex["label"])) <= set(range(19)) | {255}
    privileged = _read_split(examples.uri, "privileged")
    assert {e["image_id"] for e in privileged} <= {e["image_id"] for e in train} and len(privileged) == 2
    # The train examples of the privileged images carry the flag the segmentation Trainer reads.
    assert {e["image_id"] for e in train if e["privileged"]} == {e["image_id"] for e in privileged}
    assert all(e["privileged"] for e in privileged)
    summary = json.load(open(os.path.join(examples.uri, executor.SUMMARY_FILE)))
    assert summary["examples"] == {"privileged": 2, "train": 4, "val": 2}
    assert summary["rejected"] == {"privileged": {}, "train": {}, "val": {}}


def test_bad_samples_are_counted_and_skipped_under_the_threshold(cityscapes_root, tmp_path):
    path = glob.glob(os.path.join(cityscapes_root, "gtFine/train/*/*labelIds.png"))[0]
    Image.fromarray(np.full((24, 32), 99, np.uint8)).save(path)
    config = ingest.IngestConfig(dataset="cityscapes", root=cityscapes_root, privileged_fraction=0,
                                 max_bad_fraction=0.5)
    examples = _run(config, tmp_path / "out")
    assert len(_read_split(examples.uri, "train")) == 3
    summary = json.load(open(os.path.join(examples.uri, executor.SUMMARY_FILE)))
    assert summary["rejected"]["train"] == {"unknown_labels": 1} and summary["examples"]["train"] == 3


def test_too_many_bad_samples_fail_the_run_naming_them(cityscapes_root, tmp_path):
    for path in glob.glob(os.path.join(cityscapes_root, "leftImg8bit/val/*/*.png")):
        with open(path, "wb") as f:
            f.write(b"broken")
    config = ingest.IngestConfig(dataset="cityscapes", root=cityscapes_root, max_bad_fraction=0.1)
    with pytest.raises(Exception, match=r"split 'val': 2 of 2 samples rejected") as info:
        _run(config, tmp_path / "out")
    assert "lindau_000000_000019_leftImg8bit.png: cannot decode" in str(info.value)


def test_sdd_tiles_become_examples_and_share_their_images_privileged_flag(sdd_root, tmp_path):
    config = ingest.IngestConfig(dataset="sdd", root=sdd_root, privileged_fraction=0.5,
                                 sdd=ingest.SddOptions(scale=1.0, tile_size=(24, 20), split_counts=(4, 2, 2)))
    examples = _run(config, tmp_path / "out")
    train = _read_split(examples.uri, "train")
    assert len(train) == 4 * 12
    # Ingestion chose 2 of the 4 source images: all 12 tiles of each are flagged, none of the others.
    flags = {}
    for e in train:
        flags.setdefault(e["image_id"].rsplit("_r", 1)[0], set()).add(e["privileged"])
    assert sorted(map(sorted, flags.values())) == [[0], [0], [1], [1]]
    # ... and the tiles carry their image's place in the ranking, so that a smaller fraction
    # (the first image alone) takes whole images too.
    ranks = {}
    for e in train:
        ranks.setdefault(e["image_id"].rsplit("_r", 1)[0], set()).add((e["privileged_rank"], e["privileged_pool"]))
    assert all(len(v) == 1 for v in ranks.values())
    assert sorted(v.pop() for v in ranks.values()) == [(0, 4), (1, 4), (2, 4), (3, 4)]
    assert all(e["privileged"] == (e["privileged_rank"] < 2) for e in train)
    assert len(_read_split(examples.uri, "privileged")) == 2 * 12
    extra = _read_split(examples.uri, "extra")
    assert len(extra) == 2 * 12 and all("label" not in e for e in extra)


def test_component_builds_fingerprint_patterns_without_io():
    config = ingest.IngestConfig(dataset="cityscapes", root="/nowhere", privileged_fraction=0.25)
    component = ImageExampleGen(config)
    splits = json.loads(component.exec_properties["input_config"])["splits"]
    assert {s["name"] for s in splits} == {"train", "val", "test", "privileged"}


def test_a_bad_privileged_image_is_judged_with_train_and_counted_per_split(cityscapes_root, tmp_path):
    # 1 corrupt image of 4 in train (25%, within 30%) that is also one of the 2 privileged images
    # (50% of that split) passes, and both splits report it; two runs write the same summary.
    config = ingest.IngestConfig(dataset="cityscapes", root=cityscapes_root, privileged_fraction=0.5,
                                 max_bad_fraction=0.3)
    ids = [os.path.basename(p)[:-len("_leftImg8bit.png")]
           for p in glob.glob(os.path.join(cityscapes_root, "leftImg8bit/train/*/*.png"))]
    victim = sorted(ingest.select_privileged(ids, 0.5))[0]
    (path,) = glob.glob(os.path.join(cityscapes_root, f"leftImg8bit/train/*/{victim}_leftImg8bit.png"))
    with open(path, "wb") as f:
        f.write(b"broken")
    summaries = []
    for run in ("a", "b"):
        examples = _run(config, tmp_path / run)
        summaries.append(open(os.path.join(examples.uri, executor.SUMMARY_FILE)).read())
    assert summaries[0] == summaries[1]
    summary = json.loads(summaries[0])
    assert summary["samples"] == {"privileged": 2, "train": 4, "val": 2}
    assert summary["examples"] == {"privileged": 1, "train": 3, "val": 2}
    assert summary["rejected"] == {"privileged": {"unreadable": 1}, "train": {"unreadable": 1}, "val": {}}


@pytest.mark.parametrize("layout, options, images, tiles", [
    ("cityscapes", {}, 4, 1),
    ("sdd", {"sdd": ingest.SddOptions(scale=1.0, tile_size=(24, 20), split_counts=(4, 2, 2))}, 4, 12),
])
def test_every_fraction_up_to_the_ingestions_is_nested_sized_and_what_the_trainers_read(
        layout, options, images, tiles, request, tmp_path):
    """One ingestion at 50% serves 25% and 50%: on the written train examples, the images each
    fraction's trainers read (``segmentation_trainer.source_datasets``, the restorer's pairs by
    the same rule) number round(fraction * images) whole images, tiles included, and nest."""
    from components import segmentation_trainer
    root = request.getfixturevalue(f"{layout}_root")
    config = ingest.IngestConfig(dataset=layout, root=root, privileged_fraction=0.5, **options)
    examples = _run(config, tmp_path / "out")
    files = glob.glob(os.path.join(examples.uri, "Split-train", "*.gz"))
    train = _read_split(examples.uri, "train")
    by_pixels = {}
    for e in train:  # each example's first pixel row identifies it among the read images
        by_pixels.setdefault(e["image"].tobytes(), e["image_id"].rsplit("_r", 1)[0])
    chosen = {}
    for fraction in (0.25, 0.5):
        (source,) = segmentation_trainer.source_datasets(files, "o", fraction)
        read = [by_pixels[image.tobytes()] for image, _, _ in source.as_numpy_iterator()]
        chosen[fraction] = set(read)
        assert len(chosen[fraction]) == round(fraction * images) and len(read) == len(chosen[fraction]) * tiles
    assert chosen[0.25] < chosen[0.5]
    # The ingestion's own fraction is the privileged split it wrote.
    assert chosen[0.5] == {e["image_id"].rsplit("_r", 1)[0] for e in _read_split(examples.uri, "privileged")}
