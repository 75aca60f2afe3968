"""What to ingest: the dataset, its options, the privileged subset and the auxiliary set.

``plan_samples`` turns an ``IngestConfig`` into the samples of every output split:
the reader's own splits (train / val / test / extra), ``privileged`` (a deterministic
fraction of train, kept as originals) and ``auxiliary`` (unlabeled images of another
dataset, for restoration training in configuration AO).
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
from typing import Literal, Optional

from image_datasets import labels, storage
from image_datasets.cityscapes import CityscapesOptions, CityscapesReader
from image_datasets.folder import FolderOptions, FolderReader, load_classes as folder_load_classes
from image_datasets.inria import InriaOptions, InriaReader
from image_datasets.reader import DatasetReader, Sample
from image_datasets.sdd import SddOptions, SddReader

__all__ = ["AuxiliarySpec", "IngestConfig", "make_reader", "plan_samples", "select_privileged", "privileged_ranks",
           "privileged_count", "label_table", "ImagesReader", "DATASETS", "fingerprint_patterns"]

DATASETS = ("cityscapes", "inria", "sdd", "folder")
_IMAGE_EXT = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp")


@dataclasses.dataclass
class AuxiliarySpec:
    """An external dataset of originals. ``dataset`` is a layout name or ``images`` (any
    folder of image files, searched recursively); ``max_images`` 0 means all."""

    root: str
    dataset: Literal["images", "cityscapes", "inria", "sdd", "folder"] = "images"
    max_images: int = 0


@dataclasses.dataclass
class IngestConfig:
    """Attributes:
      dataset: the layout of ``root``.
      root: the dataset folder.
      privileged_fraction: share of train images also kept as originals (``privileged``).
      privileged_seed: seed of the deterministic privileged choice.
      auxiliary: optional external originals (split ``auxiliary``).
      max_bad_fraction: the run fails when more than this share of a split is rejected.
      max_images_per_split: 0 = all; otherwise the first N of each split (quick runs).
    """

    dataset: Literal["cityscapes", "inria", "sdd", "folder"]
    root: str
    privileged_fraction: float = 0.125
    privileged_seed: int = 0
    auxiliary: Optional[AuxiliarySpec] = None
    max_bad_fraction: float = 0.05
    max_images_per_split: int = 0
    cityscapes: CityscapesOptions = dataclasses.field(default_factory=CityscapesOptions)
    inria: InriaOptions = dataclasses.field(default_factory=InriaOptions)
    sdd: SddOptions = dataclasses.field(default_factory=SddOptions)
    folder: FolderOptions = dataclasses.field(default_factory=FolderOptions)

    def __post_init__(self):
        if not 0.0 <= self.privileged_fraction <= 1.0:
            raise ValueError(f"privileged_fraction must be in [0, 1], got {self.privileged_fraction}")
        if not 0.0 <= self.max_bad_fraction <= 1.0:
            raise ValueError(f"max_bad_fraction must be in [0, 1], got {self.max_bad_fraction}")


class ImagesReader(DatasetReader):
    """Any folder of image files (recursively), unlabeled: the ``auxiliary`` split."""

    name = "images"

    def __init__(self, root: str, table: labels.LabelTable):
        super().__init__(root, table)

    @staticmethod
    def split_patterns(options=None) -> dict[str, str]:
        return {"auxiliary": "*"}

    def list_samples(self) -> dict[str, list[Sample]]:
        paths = sorted(p for p in storage.walk_files(self.root)
                       if p.lower().endswith(_IMAGE_EXT))
        return {"auxiliary": [Sample(_relative_id(self.root, p), "auxiliary", p) for p in paths]}


def _relative_id(root: str, path: str) -> str:
    rel = os.path.relpath(os.path.splitext(path)[0], root)
    return rel.replace(os.sep, "__")


_READERS = {"cityscapes": CityscapesReader, "inria": InriaReader, "sdd": SddReader, "folder": FolderReader}


def fingerprint_patterns(config: IngestConfig) -> dict[str, str]:
    """Each output split's image glob (absolute for ``auxiliary``), without any I/O."""
    patterns = dict(_READERS[config.dataset].split_patterns(getattr(config, config.dataset)))
    if config.privileged_fraction > 0 and "train" in patterns:
        patterns["privileged"] = patterns["train"]
    if config.auxiliary is not None:
        patterns["auxiliary"] = os.path.join(storage.abspath(config.auxiliary.root), "*")
    return patterns


def make_reader(dataset: str, root: str, config: IngestConfig | None = None) -> DatasetReader:
    """Builds the reader for a layout name, with the options from ``config``."""
    if dataset not in _READERS:
        raise ValueError(f"unknown dataset layout {dataset!r}; expected one of {DATASETS}")
    config = config or IngestConfig(dataset=dataset, root=root)
    return _READERS[dataset](root, getattr(config, dataset))


def label_table(config: IngestConfig) -> labels.LabelTable:
    """The label table of ``config``'s dataset, without listing its files (the folder layout
    reads its ``classes.yaml``)."""
    if config.dataset == "folder":
        return folder_load_classes(os.path.join(config.root, config.folder.classes_file))
    tables = {"cityscapes": labels.cityscapes_table, "inria": labels.inria_table, "sdd": labels.sdd_table}
    if config.dataset not in tables:
        raise ValueError(f"unknown dataset layout {config.dataset!r}; expected one of {DATASETS}")
    return tables[config.dataset]()


def privileged_ranks(image_ids: list[str], seed: int = 0) -> dict[str, int]:
    """Each id's place (0 first) in a seeded hash ranking: deterministic and independent of
    input order."""
    ranked = sorted(image_ids, key=lambda i: hashlib.sha256(f"{seed}:{i}".encode()).hexdigest())
    return {image_id: rank for rank, image_id in enumerate(ranked)}


def privileged_count(fraction: float, pool: int) -> int:
    """How many of ``pool`` ranked images a privileged ``fraction`` takes: ``round(fraction *
    pool)``, halves to even (``components.examples_io.is_privileged`` computes the same in
    TensorFlow)."""
    return round(fraction * pool)


def select_privileged(image_ids: list[str], fraction: float, seed: int = 0) -> set[str]:
    """Chooses ``privileged_count(fraction, N)`` ids, the first of ``privileged_ranks``.

    Deterministic, independent of input order, and nested: with the same seed, the
    12.5% choice is a subset of the 25% choice, which is a subset of the 50% choice.
    """
    ranks = privileged_ranks(image_ids, seed)
    count = privileged_count(fraction, len(ranks))
    return {image_id for image_id, rank in ranks.items() if rank < count}


def _printable_id(image_id: str) -> str:
    """File names that are not valid UTF-8 reach Python with surrogate escapes, which cannot
    be written to a tf.Example or hashed: their bytes are kept as backslash escapes."""
    try:
        image_id.encode()
        return image_id
    except UnicodeEncodeError:
        return image_id.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _checked(splits: dict[str, list[Sample]]) -> dict[str, list[Sample]]:
    """Ids made printable; two samples of one split with one id (a file listed twice, a city
    folder that is a symlink to another) refused, naming both files."""
    out = {}
    for split, samples in splits.items():
        samples = [dataclasses.replace(s, image_id=_printable_id(s.image_id)) for s in samples]
        seen: dict[str, Sample] = {}
        for s in samples:
            if s.image_id in seen:
                raise ValueError(f"split {split!r}: image id {s.image_id!r} is given by both "
                                 f"{seen[s.image_id].image_path} and {s.image_path} "
                                 "(a duplicated or symlinked folder?)")
            seen[s.image_id] = s
        out[split] = samples
    return out


# Splits drawn from another split (privileged: a subset of train) or from outside the dataset
# (auxiliary): their rejections are reported, but the bad fraction is judged on the source splits.
DERIVED_SPLITS = ("privileged", "auxiliary")


def plan_samples(config: IngestConfig) -> tuple[dict[str, list[Sample]], DatasetReader,
                                                Optional[DatasetReader]]:
    """Lists the samples of every output split.

    Returns:
      (samples per split, the primary reader, the auxiliary reader or None).
    """
    reader = make_reader(config.dataset, config.root, config)
    splits = _checked(reader.list_samples())
    if config.max_images_per_split:
        splits = {k: v[: config.max_images_per_split] for k, v in splits.items()}
    if "train" in splits and config.privileged_fraction > 0:
        ranks = privileged_ranks([s.image_id for s in splits["train"]], config.privileged_seed)
        count, pool = privileged_count(config.privileged_fraction, len(ranks)), len(ranks)
        splits["train"] = [dataclasses.replace(s, privileged=ranks[s.image_id] < count,
                                               privileged_rank=ranks[s.image_id], privileged_pool=pool)
                           for s in splits["train"]]
        splits["privileged"] = [dataclasses.replace(s, split="privileged") for s in splits["train"] if s.privileged]
    aux_reader = None
    if config.auxiliary is not None:
        aux = config.auxiliary
        if aux.dataset == "images":
            aux_reader = ImagesReader(aux.root, reader.table)
        else:
            aux_reader = make_reader(aux.dataset, aux.root, config)
        samples = [dataclasses.replace(s, split="auxiliary", label_path=None,
                                       image_id=f"aux_{s.image_id}")
                   for split_samples in aux_reader.list_samples().values() for s in split_samples]
        samples = sorted(samples, key=lambda s: s.image_id)
        if aux.max_images:
            samples = samples[: aux.max_images]
        splits["auxiliary"] = samples
    return {k: v for k, v in splits.items() if v}, reader, aux_reader


