"""Semantic Drone Dataset layout: ``original_images/*.jpg`` with
``label_images_semantic/*.png`` (semantic ids, see ``labels.sdd_table``).

As in the paper: images are downscaled (6000x4000 -> 3000x2000 by default), split
265 / 70 / 65 into train / val / extra (codec and restoration training), and each image
is cut into a 4x3 grid of 1200x800 patches (evenly spaced, overlapping where the grid is
larger than the image), each patch one example.
"""
from __future__ import annotations

import dataclasses
import os

import numpy as np
from PIL import Image

from image_datasets import labels, storage
from image_datasets.reader import BadSampleError, DatasetReader, Record, Sample, stem

__all__ = ["SddOptions", "SddReader", "tile_origins"]


@dataclasses.dataclass
class SddOptions:
    """Attributes:
      scale: resize factor applied before tiling (image: Lanczos, mask: nearest).
      tile: cut each image into ``grid`` patches of ``tile_size`` (width, height).
      split_counts: train / val / extra image counts out of 400; other totals scale them.
      seed: seed of the deterministic split permutation.
    """

    scale: float = 0.5
    tile: bool = True
    grid: tuple[int, int] = (4, 3)
    tile_size: tuple[int, int] = (1200, 800)
    split_counts: tuple[int, int, int] = (265, 70, 65)
    seed: int = 0

    def __post_init__(self):
        if not 0 < self.scale <= 1:
            raise ValueError(f"scale must be in (0, 1], got {self.scale}")


def tile_origins(length: int, tile: int, count: int) -> list[int]:
    """Evenly spaced starts of ``count`` tiles of size ``tile`` covering ``[0, length)``."""
    if tile > length:
        raise ValueError(f"tile of {tile} px does not fit in {length} px")
    if count == 1:
        return [(length - tile) // 2]
    return [round(i * (length - tile) / (count - 1)) for i in range(count)]


class SddReader(DatasetReader):
    name = "sdd"

    def __init__(self, root: str, options: SddOptions | None = None):
        super().__init__(root, labels.sdd_table())
        self.options = options or SddOptions()
        if not storage.isdir(os.path.join(self.root, "original_images")):
            raise FileNotFoundError(f"{root}: not a Semantic Drone root (expected the folder that holds "
                                    "original_images/ and label_images_semantic/)")

    @staticmethod
    def split_patterns(options: SddOptions) -> dict[str, str]:
        return {s: "original_images/*.jpg" for s in ("train", "val", "extra")}

    def list_samples(self) -> dict[str, list[Sample]]:
        paths = storage.sorted_glob(os.path.join(self.root, "original_images", "*.jpg"))
        order = np.random.default_rng(self.options.seed).permutation(len(paths))
        total = sum(self.options.split_counts)
        n_train = round(len(paths) * self.options.split_counts[0] / total)
        n_val = round(len(paths) * self.options.split_counts[1] / total)
        splits: dict[str, list[Sample]] = {"train": [], "val": [], "extra": []}
        for rank, index in enumerate(order):
            path = paths[index]
            split = "train" if rank < n_train else "val" if rank < n_train + n_val else "extra"
            mask = os.path.join(self.root, "label_images_semantic", stem(path) + ".png")
            splits[split].append(Sample(stem(path), split, path, None if split == "extra" else mask))
        return {k: sorted(v, key=lambda s: s.image_id) for k, v in splits.items() if v}

    def load(self, sample: Sample) -> list[Record]:
        image, label = self.load_pixels(sample)
        o = self.options
        if o.scale != 1:
            size = (max(1, round(image.shape[1] * o.scale)), max(1, round(image.shape[0] * o.scale)))
            image = np.asarray(Image.fromarray(image).resize(size, Image.LANCZOS))
            if label is not None:
                label = np.asarray(Image.fromarray(label).resize(size, Image.NEAREST))
        if not o.tile:
            return [Record(sample.image_id, image, label)]
        (cols, rows), (tw, th) = o.grid, o.tile_size
        try:
            xs = tile_origins(image.shape[1], tw, cols)
            ys = tile_origins(image.shape[0], th, rows)
        except ValueError as e:
            raise BadSampleError(sample.image_path, f"after scaling by {o.scale}: {e}", "too_small") from e
        return [
            Record(f"{sample.image_id}_r{r}c{c}", image[y:y + th, x:x + tw],
                   None if label is None else label[y:y + th, x:x + tw])
            for r, y in enumerate(ys) for c, x in enumerate(xs)
        ]
