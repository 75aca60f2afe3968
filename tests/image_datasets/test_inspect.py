"""`inspect_dataset` against an independent count made with cityscapesscripts."""
import glob
import os

import numpy as np
from cityscapesscripts.helpers.labels import id2label
from PIL import Image

from image_datasets import ingest, inspect


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
