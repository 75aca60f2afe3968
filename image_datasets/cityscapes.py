"""Cityscapes layout: ``leftImg8bit/<split>/<city>/*_leftImg8bit.png`` with
``gtFine/<split>/<city>/*_gtFine_labelIds.png``; optional unlabeled ``train_extra``."""
from __future__ import annotations

import dataclasses
import os

from image_datasets import labels, storage
from image_datasets.reader import DatasetReader, Sample

__all__ = ["CityscapesOptions", "CityscapesReader"]

_IMAGE_SUFFIX = "_leftImg8bit.png"


@dataclasses.dataclass
class CityscapesOptions:
    """Attributes:
      extra_images: how many ``train_extra`` images (coarse set, labels unused) to ingest
        as the unlabeled ``extra`` split for codec/restoration training; 0 = none, -1 = all.
        The paper uses 2000.
    """

    extra_images: int = 0


class CityscapesReader(DatasetReader):
    name = "cityscapes"

    def __init__(self, root: str, options: CityscapesOptions | None = None):
        super().__init__(root, labels.cityscapes_table())
        self.options = options or CityscapesOptions()
        if not storage.isdir(os.path.join(self.root, "leftImg8bit")):
            raise FileNotFoundError(f"{self.root}: not a Cityscapes root (no leftImg8bit/ folder)")

    @staticmethod
    def split_patterns(options: CityscapesOptions) -> dict[str, str]:
        patterns = {s: f"leftImg8bit/{s}/*/*{_IMAGE_SUFFIX}" for s in ("train", "val", "test")}
        if options.extra_images:
            patterns["extra"] = f"leftImg8bit/train_extra/*/*{_IMAGE_SUFFIX}"
        return patterns

    def list_samples(self) -> dict[str, list[Sample]]:
        splits = {}
        for split, pattern in self.split_patterns(self.options).items():
            folder = "train_extra" if split == "extra" else split
            samples = []
            for path in storage.sorted_glob(os.path.join(self.root, pattern)):
                image_id = os.path.basename(path)[: -len(_IMAGE_SUFFIX)]
                city = os.path.basename(os.path.dirname(path))
                mask = os.path.join(self.root, "gtFine", folder, city, f"{image_id}_gtFine_labelIds.png")
                samples.append(Sample(image_id, split, path, None if split == "extra" else mask))
            if split == "extra" and self.options.extra_images > 0:
                samples = samples[: self.options.extra_images]
            if samples:
                splits[split] = samples
        return splits
