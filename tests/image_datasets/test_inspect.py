"""`inspect_dataset` against an independent count made with cityscapesscripts."""
import glob
import os

import numpy as np
from cityscapesscripts.helpers.labels import id2label
from PIL import Image

from image_datasets import ingest, inspect
from image_datasets.reader import BadSampleError


def _independent_count(root, split):
    counts, ignored = {}, 0
    files = sorted(glob.glob(os.path.join(root, "gtFine", split, "*", "*_gtFine_labelIds.png")))
    for path in files:
        ids, n = np.unique(np.asarray(Image.open(path)), return_counts=True)
        for i, c in zip(ids, n):
            train = id2label[int(i)].trainId
            if train in (255, -1):
                ignored += int(c)
            else:
                counts[str(train)] = counts.get(str(train), 0) + int(c)
    return len(files), counts, ignored


def test_inspect_agrees_with_cityscapesscripts(cityscapes_root):
    result = inspect.inspect_dataset(ingest.IngestConfig(dataset="cityscapes", root=cityscapes_root), progress=False)
    assert result["dataset"] == "cityscapes"
    for split in ("train", "val"):
        images, counts, ignored = _independent_count(cityscapes_root, split)
        stats = result["splits"][split]
        assert stats["images"] == images
        assert stats["class_pixels"] == counts
        assert stats["ignored_pixels"] == ignored


def test_truncated_and_oversized_images_are_reported_per_file_and_inspection_goes_on(cityscapes_root, monkeypatch):
    truncated, huge = sorted(glob.glob(os.path.join(cityscapes_root, "leftImg8bit", "train", "*", "*.png")))[:2]
    data = open(truncated, "rb").read()
    open(truncated, "wb").write(data[:len(data) // 2])
    Image.new("RGB", (4000, 3000)).save(huge)  # 12 Mpx, over a 10 Mpx budget; its mask is 32x24
    monkeypatch.setenv("DSR_MAX_PIXELS", "10000000")
    result = inspect.inspect_dataset(ingest.IngestConfig(dataset="cityscapes", root=cityscapes_root), progress=False)
    train = result["splits"]["train"]
    assert train["images"] == 2 and set(train["rejected"]) == {truncated, huge}
    assert "declares 4000x3000" in train["rejected"][huge] and "cannot decode" in train["rejected"][truncated]
    assert result["splits"]["val"]["images"] == 2 and result["splits"]["val"]["rejected"] == {}


def test_inspection_refuses_the_files_ingestion_refuses_naming_the_same_file_and_reason(cityscapes_root):
    config = ingest.IngestConfig(dataset="cityscapes", root=cityscapes_root, privileged_fraction=0)
    splits, reader, _ = ingest.plan_samples(config)
    unknown, small, truncated = splits["train"][:3]
    Image.fromarray(np.full((24, 32), 99, np.uint8)).save(unknown.label_path)
    Image.fromarray(np.zeros((10, 12), np.uint8)).save(small.label_path)
    data = open(truncated.image_path, "rb").read()
    open(truncated.image_path, "wb").write(data[:len(data) // 2])
    expected = {}
    for sample in (unknown, small, truncated):
        try:
            reader.load(sample)
        except BadSampleError as e:
            expected[e.path] = e.reason
    assert set(expected) == {unknown.label_path, small.label_path, truncated.image_path}  # the mask for its faults
    result = inspect.inspect_dataset(config, progress=False)
    assert result["splits"]["train"]["rejected"] == expected
    assert "label ids 99 are not in the cityscapes label table" in expected[unknown.label_path]
