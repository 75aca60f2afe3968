"""INRIA Aerial Image Labeling layout: ``train/images/<city><n>.tif`` with
``train/gt/<city><n>.tif`` (0 background, 255 building) and unlabeled ``test/images``.

As in the paper, the labeled cities are split by city: four train, one validation; the
five unlabeled test cities form the ``extra`` split for codec/restoration training.
"""
from __future__ import annotations

import dataclasses
import os
import re

from image_datasets import labels, storage
from image_datasets.reader import DatasetReader, Sample

__all__ = ["InriaOptions", "InriaReader"]


@dataclasses.dataclass
class InriaOptions:
    """Attributes:
      val_cities: labeled cities held out for evaluation (the rest train).
      include_unlabeled: ingest ``test/images`` as the ``extra`` split.
    """

    val_cities: tuple[str, ...] = ("vienna",)
    include_unlabeled: bool = True


def _city(path: str) -> str:
    return re.sub(r"\d+$", "", os.path.splitext(os.path.basename(path))[0])


class InriaReader(DatasetReader):
    name = "inria"

    def __init__(self, root: str, options: InriaOptions | None = None):
        super().__init__(root, labels.inria_table())
        self.options = options or InriaOptions()
        if not storage.isdir(os.path.join(self.root, "train", "images")):
            raise FileNotFoundError(f"{root}: not an INRIA root (expected AerialImageDataset/, the "
                                    "folder holding train/images/ and train/gt/)")

    @staticmethod
    def split_patterns(options: InriaOptions) -> dict[str, str]:
        patterns = {"train": "train/images/*.tif", "val": "train/images/*.tif"}
        if options.include_unlabeled:
            patterns["extra"] = "test/images/*.tif"
        return patterns

    def list_samples(self) -> dict[str, list[Sample]]:
        splits: dict[str, list[Sample]] = {"train": [], "val": []}
        labeled = storage.sorted_glob(os.path.join(self.root, "train", "images", "*.tif"))
        cities = {_city(p) for p in labeled}
        missing = set(self.options.val_cities) - cities
        if labeled and missing:
            raise ValueError(f"{self.root}: validation cities {sorted(missing)} not among {sorted(cities)}")
        for path in labeled:
            image_id = os.path.splitext(os.path.basename(path))[0]
            split = "val" if _city(path) in self.options.val_cities else "train"
            mask = os.path.join(self.root, "train", "gt", os.path.basename(path))
            splits[split].append(Sample(image_id, split, path, mask))
        if self.options.include_unlabeled:
            splits["extra"] = [
                Sample(os.path.splitext(os.path.basename(p))[0], "extra", p)
                for p in storage.sorted_glob(os.path.join(self.root, "test", "images", "*.tif"))
            ]
        return {k: v for k, v in splits.items() if v}
