"""Label tables: how a dataset's raw mask ids map to contiguous train ids.

Train ids are ``0 .. num_classes - 1``; ``IGNORE_LABEL`` (255) marks pixels that count
nowhere. The Cityscapes table comes from ``cityscapesscripts`` (the official one).
"""
from __future__ import annotations

import dataclasses
from typing import Mapping, Sequence

import numpy as np

__all__ = [
    "IGNORE_LABEL",
    "LabelTable",
    "UnknownLabelError",
    "cityscapes_table",
    "inria_table",
    "sdd_table",
    "CITYSCAPES_SMALL_OBJECTS",
]

IGNORE_LABEL = 255

# Paper, footnote 6: small-object classes for the small/large mIoU split.
CITYSCAPES_SMALL_OBJECTS = ("person", "rider", "motorcycle", "bicycle", "pole", "traffic light",
                            "traffic sign")


class UnknownLabelError(ValueError):
    """A mask holds ids that the label table does not define."""

    def __init__(self, ids: Sequence[int], table: str):
        shown = ", ".join(str(i) for i in list(ids)[:10])
        more = f" (+{len(ids) - 10} more)" if len(ids) > 10 else ""
        super().__init__(f"label ids {shown}{more} are not in the {table} label table")
        self.ids = list(ids)


@dataclasses.dataclass(frozen=True)
class LabelTable:
    """Maps raw mask ids to train ids.

    Attributes:
      name: the table's name, used in messages.
      class_names: name of each train id, indexed by train id.
      raw_to_train: every raw id a mask may hold, mapped to a train id or IGNORE_LABEL.
      colors: an RGB colour per train id, for colourised label images.
    """

    name: str
    class_names: tuple[str, ...]
    raw_to_train: Mapping[int, int]
    colors: tuple[tuple[int, int, int], ...]

    def __post_init__(self):
        if len(self.colors) != len(self.class_names):
            raise ValueError(f"{self.name}: {len(self.colors)} colours for {len(self.class_names)} classes")
        bad = [t for t in self.raw_to_train.values() if t != IGNORE_LABEL and not 0 <= t < self.num_classes]
        if bad:
            raise ValueError(f"{self.name}: train ids {sorted(set(bad))} outside 0..{self.num_classes - 1}")

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def to_train_ids(self, raw: np.ndarray) -> np.ndarray:
        """Maps ``int[H, W]`` raw ids to ``uint8[H, W]`` train ids.

        Raises:
          UnknownLabelError: listing the ids that the table does not define.
        """
        values, inverse = np.unique(raw, return_inverse=True)
        unknown = [int(v) for v in values if int(v) not in self.raw_to_train]
        if unknown:
            raise UnknownLabelError(unknown, self.name)
        mapped = np.array([self.raw_to_train[int(v)] for v in values], dtype=np.uint8)
        return mapped[inverse].reshape(raw.shape)

    def colorize(self, train_ids: np.ndarray) -> np.ndarray:
        """Returns ``uint8[H, W, 3]``: each train id in its colour, ignore in black."""
        palette = np.zeros((256, 3), np.uint8)
        palette[: self.num_classes] = np.array(self.colors, np.uint8)
        return palette[train_ids]

    def raw_id_of(self, class_name: str) -> int:
        """The smallest raw id that maps to ``class_name`` (used by generators)."""
        train = self.class_names.index(class_name)
        return min(r for r, t in self.raw_to_train.items() if t == train)


def cityscapes_table() -> LabelTable:
    """The official Cityscapes table: 34 label ids (and -1) to 19 train ids."""
    from cityscapesscripts.helpers import labels as cs  # pylint: disable=g-import-not-at-top

    train = sorted((l for l in cs.labels if 0 <= l.trainId < 255), key=lambda l: l.trainId)
    raw = {l.id: (l.trainId if 0 <= l.trainId < 255 else IGNORE_LABEL) for l in cs.labels if l.id >= 0}
    return LabelTable(
        name="cityscapes",
        class_names=tuple(l.name for l in train),
        raw_to_train=raw,
        colors=tuple(tuple(l.color) for l in train),
    )


def inria_table() -> LabelTable:
    """INRIA Aerial Image Labeling: ground truth 0 = background, 255 = building."""
    return LabelTable("inria", ("background", "building"), {0: 0, 255: 1},
                      ((0, 0, 0), (255, 255, 255)))


# Semantic Drone Dataset semantic ids (label_images_semantic) and our 20 classes. The
# dataset's site lists 20 classes; the released masks hold 24 ids, of which 'unlabeled'
# and 'conflicting' are ignored, 'bald-tree' is merged into 'tree' and 'ar-marker' into
# 'obstacle' to give those 20.
_SDD_RAW = (
    "unlabeled", "paved-area", "dirt", "grass", "gravel", "water", "rocks", "pool",
    "vegetation", "roof", "wall", "window", "door", "fence", "fence-pole", "person", "dog",
    "car", "bicycle", "tree", "bald-tree", "ar-marker", "obstacle", "conflicting",
)
_SDD_MERGE = {"bald-tree": "tree", "ar-marker": "obstacle"}
_SDD_IGNORE = ("unlabeled", "conflicting")
_SDD_COLORS = {
    "paved-area": (128, 64, 128), "dirt": (130, 76, 0), "grass": (0, 102, 0),
    "gravel": (112, 103, 87), "water": (28, 42, 168), "rocks": (48, 41, 30),
    "pool": (0, 50, 89), "vegetation": (107, 142, 35), "roof": (70, 70, 70),
    "wall": (102, 102, 156), "window": (254, 228, 12), "door": (254, 148, 12),
    "fence": (190, 153, 153), "fence-pole": (153, 153, 153), "person": (255, 22, 96),
    "dog": (102, 51, 0), "car": (9, 143, 150), "bicycle": (119, 11, 32),
    "tree": (51, 51, 0), "obstacle": (2, 135, 115),
}


def sdd_table() -> LabelTable:
    """Semantic Drone Dataset: 24 semantic ids to 20 train ids (see module comment)."""
    names = tuple(n for n in _SDD_RAW if n not in _SDD_IGNORE and n not in _SDD_MERGE)
    raw = {}
    for raw_id, name in enumerate(_SDD_RAW):
        if name in _SDD_IGNORE:
            raw[raw_id] = IGNORE_LABEL
        else:
            raw[raw_id] = names.index(_SDD_MERGE.get(name, name))
    return LabelTable("sdd", names, raw, tuple(_SDD_COLORS[n] for n in names))


def table_from_names(name: str, class_names: Sequence[str], raw_ids: Mapping[int, int] | None = None,
                     ignore_ids: Sequence[int] = (IGNORE_LABEL,),
                     colors: Sequence[Sequence[int]] | None = None) -> LabelTable:
    """Builds a table for a plain folder dataset (see ``folder.FolderClasses``)."""
    raw = dict(raw_ids) if raw_ids else {i: i for i in range(len(class_names))}
    for i in ignore_ids:
        raw.setdefault(int(i), IGNORE_LABEL)
    if colors is None:
        rng = np.random.default_rng(0)
        colors = [tuple(int(c) for c in rng.integers(0, 256, 3)) for _ in class_names]
    return LabelTable(name, tuple(class_names), raw, tuple(tuple(int(v) for v in c) for c in colors))
