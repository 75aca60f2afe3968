"""A plain folder: ``images/`` and ``masks/`` (matched by file stem) and ``classes.yaml``.

Either split sub-folders (``images/train/``, ``images/val/``, ``images/test/`` with the
same under ``masks/``) or a flat ``images/`` whose files are split deterministically by
``val_fraction``. ``classes.yaml``::

    classes: [background, building, road]   # train ids 0, 1, 2 in this order
    ignore_ids: [255]                        # mask values to ignore (default [255])
    ids: {0: 0, 10: 1, 20: 2}                # optional: mask value -> train id
    colors: [[0,0,0], [200,0,0], [128,64,128]]   # optional, for colourised labels
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
from typing import Optional

import yaml

import dataconf
from image_datasets import labels, storage
from image_datasets.reader import DatasetReader, Sample, stem

__all__ = ["FolderOptions", "FolderClasses", "FolderReader"]

_IMAGE_EXT = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp")
_SPLITS = ("train", "val", "test")


@dataclasses.dataclass
class FolderClasses:
    classes: list[str]
    ignore_ids: list[int] = dataclasses.field(default_factory=lambda: [labels.IGNORE_LABEL])
    ids: Optional[dict[int, int]] = None
    colors: Optional[list[list[int]]] = None


@dataclasses.dataclass
class FolderOptions:
    """Attributes:
      classes_file: the class YAML, relative to the root.
      val_fraction: for a flat ``images/``, the share of images (by hash) used for val.
    """

    classes_file: str = "classes.yaml"
    val_fraction: float = 0.2


def load_classes(path: str) -> labels.LabelTable:
    if not storage.exists(path):
        raise FileNotFoundError(f"{path}: class file missing (see image_datasets/folder.py)")
    with storage.open_binary(path) as f:
        data = yaml.safe_load(f.read().decode())
    spec = dataconf.from_dict(FolderClasses, data, where=os.path.basename(path))
    return labels.table_from_names("folder", spec.classes, spec.ids, spec.ignore_ids, spec.colors)


class FolderReader(DatasetReader):
    name = "folder"

    def __init__(self, root: str, options: FolderOptions | None = None):
        self.options = options or FolderOptions()
        super().__init__(root, load_classes(os.path.join(root, self.options.classes_file)))
        if not storage.isdir(os.path.join(self.root, "images")):
            raise FileNotFoundError(f"{self.root}: no images/ folder")

    def _split_dirs(self) -> bool:
        return any(storage.isdir(os.path.join(self.root, "images", s)) for s in _SPLITS)

    @staticmethod
    def split_patterns(options: FolderOptions) -> dict[str, str]:
        del options  # The same patterns serve both layouts: images/* and images/<split>/*.
        return {"train": "images/**", "val": "images/**", "test": "images/**"}

    def list_samples(self) -> dict[str, list[Sample]]:
        splits: dict[str, list[Sample]] = {}
        if self._split_dirs():
            for split in _SPLITS:
                for path in self._images(os.path.join("images", split)):
                    splits.setdefault(split, []).append(self._sample(path, split, os.path.join("masks", split)))
            return splits
        for path in self._images("images"):
            digest = hashlib.sha256(stem(path).encode()).digest()
            split = "val" if int.from_bytes(digest[:8], "big") / 2**64 < self.options.val_fraction else "train"
            splits.setdefault(split, []).append(self._sample(path, split, "masks"))
        return splits

    def _images(self, folder: str) -> list[str]:
        return [p for p in storage.sorted_glob(os.path.join(self.root, folder, "*")) if p.lower().endswith(_IMAGE_EXT)]

    def _sample(self, path: str, split: str, mask_dir: str) -> Sample:
        candidates = storage.sorted_glob(os.path.join(self.root, mask_dir, stem(path) + ".*"))
        mask = candidates[0] if candidates else os.path.join(self.root, mask_dir, stem(path) + ".png")
        return Sample(stem(path), split, path, mask)
