"""The reader contract shared by every dataset layout.

A reader lists ``Sample``s (file paths, no pixels) per split, cheaply and
deterministically, and turns one sample into one or more ``Record``s (pixels) on demand,
so that listing happens once and loading is spread over Beam workers.
"""
from __future__ import annotations

import abc
import dataclasses
import os
from typing import Optional

import numpy as np

from image_datasets import image_files, labels, pixel_budget, storage

__all__ = ["Sample", "Record", "BadSampleError", "DatasetReader", "UNLABELED"]

# Splits that hold unlabeled originals (codec and restoration training only).
UNLABELED = ("extra", "auxiliary")


class BadSampleError(ValueError):
    """A sample cannot be ingested. ``code`` is a short reason for counters."""

    def __init__(self, path: str, reason: str, code: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.code = code


@dataclasses.dataclass(frozen=True)
class Sample:
    """One source image (and its mask, if labeled) before loading."""

    image_id: str
    split: str
    image_path: str
    label_path: Optional[str] = None
    privileged: bool = False  # chosen as privileged by ingestion (train and privileged splits)
    # Its place in ingestion's seeded ranking of the train images (0 = chosen first) and the
    # number of images ranked: with any fraction f, the images ranked below
    # ``ingest.privileged_count(f, pool)`` are that fraction's privileged ones. -1 / 0 elsewhere.
    privileged_rank: int = -1
    privileged_pool: int = 0


@dataclasses.dataclass
class Record:
    """One example after loading: ``image`` uint8[H, W, 3], ``label`` uint8[H, W] or None."""

    image_id: str
    image: np.ndarray
    label: Optional[np.ndarray]


class DatasetReader(abc.ABC):
    """Base class: subclasses set ``name`` and implement ``list_samples``."""

    name = "base"

    def __init__(self, root: str, table: labels.LabelTable):
        if not storage.isdir(root):
            raise FileNotFoundError(f"{self.name} dataset root {root!r} is not a directory")
        self.root = storage.abspath(root)
        self.table = table

    @abc.abstractmethod
    def list_samples(self) -> dict[str, list[Sample]]:
        """Returns the samples of every split found, each list sorted by image id."""

    @staticmethod
    def split_patterns(options) -> dict[str, str]:
        """Glob patterns (relative to the root) of each split's images, computed from the
        options alone (no I/O), for the ExampleGen driver's input fingerprint."""
        return {}

    def load(self, sample: Sample) -> list[Record]:
        """Loads a sample as records (one, or several for tiled datasets).

        Raises:
          BadSampleError: with the file and the reason.
        """
        image, label = self.load_pixels(sample)
        return [Record(sample.image_id, image, label)]

    def load_pixels(self, sample: Sample) -> tuple[np.ndarray, Optional[np.ndarray]]:
        """Reads, converts and checks the image and its mask (sizes compared from the headers
        first, so a mismatched pair is refused before either is decoded; an image over the pixel
        budget is refused for that, whatever its mask).

        Raises:
          BadSampleError: naming the file at fault (the mask for its size or unknown ids).
        """
        if sample.split not in UNLABELED and sample.label_path and storage.exists(sample.label_path):
            sizes = pixel_budget.declared_size(sample.image_path), pixel_budget.declared_size(sample.label_path)
            if sizes[0] is not None:
                try:
                    image_files.check_budget(sample.image_path, *sizes[0])
                except image_files.BadImageError as e:
                    raise BadSampleError(e.path, e.reason, e.code) from e
            if None not in sizes and sizes[0] != sizes[1]:
                raise BadSampleError(sample.label_path, f"mask is {sizes[1][0]}x{sizes[1][1]} but image "
                                     f"{sample.image_path} is {sizes[0][0]}x{sizes[0][1]}", "size_mismatch")
        try:
            image = image_files.read_image(sample.image_path)
        except image_files.BadImageError as e:
            raise BadSampleError(e.path, e.reason, e.code) from e
        if sample.split in UNLABELED:
            return image, None
        if sample.label_path is None or not storage.exists(sample.label_path):
            raise BadSampleError(sample.image_path, f"no mask (expected {sample.label_path})",
                                 "missing_mask")
        try:
            raw = image_files.read_mask(sample.label_path)
        except image_files.BadImageError as e:
            raise BadSampleError(e.path, e.reason, "bad_mask") from e
        if raw.shape != image.shape[:2]:
            raise BadSampleError(
                sample.label_path,
                f"mask is {raw.shape[1]}x{raw.shape[0]} but image {sample.image_path} is "
                f"{image.shape[1]}x{image.shape[0]}", "size_mismatch")
        try:
            label = self.table.to_train_ids(raw)
        except labels.UnknownLabelError as e:
            raise BadSampleError(sample.label_path, str(e), "unknown_labels") from e
        return image, label


def stem(path: str) -> str:
    return os.path.splitext(os.path.basename(path))[0]
