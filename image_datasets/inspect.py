"""Per-split image counts and class pixel histograms of a dataset, without a pipeline.

Counts are over source images at their native resolution (no scaling or tiling), with
masks mapped to train ids through the dataset's label table.
"""
from __future__ import annotations

import logging

import numpy as np
import tqdm

from image_datasets import ingest
from image_datasets.reader import UNLABELED, BadSampleError

__all__ = ["inspect_dataset"]


def inspect_dataset(config: ingest.IngestConfig, progress: bool = True) -> dict:
    """Returns ``{"dataset", "splits": {split: {"images", "class_pixels", "ignored_pixels",
    "rejected"}}}``.

    ``class_pixels`` maps train ids (as strings) to pixel counts, omitting zeros. A labeled
    sample whose image or mask is missing, corrupt, truncated, over the pixel budget,
    mis-sized or holding unknown ids is not counted: ``rejected`` maps its file to the reason,
    and the inspection goes on.
    """
    reader = ingest.make_reader(config.dataset, config.root, config)
    out = {"dataset": config.dataset, "splits": {}}
    splits = reader.list_samples()
    total = sum(len(v) for v in splits.values())
    bar = tqdm.tqdm(total=total, desc="inspect", unit="img", disable=not progress)
    for split, samples in sorted(splits.items()):
        hist = np.zeros(256, np.int64)
        images, rejected = 0, {}
        for sample in samples:
            bar.update(1)
            if split in UNLABELED:
                images += 1
                continue
            try:  # the checks ingestion makes, so both refuse the same files for the same reasons
                _, train = reader.load_pixels(sample)
            except BadSampleError as e:
                logging.warning("inspect: skipping %s: %s", sample.image_path, e)
                rejected[e.path] = e.reason
                continue
            images += 1
            hist += np.bincount(train.ravel(), minlength=256)
        out["splits"][split] = {
            "images": images,
            "class_pixels": {str(i): int(hist[i]) for i in range(reader.table.num_classes) if hist[i]},
            "ignored_pixels": int(hist[255]),
            "rejected": rejected,
        }
    bar.close()
    return out
