"""Writes the texture-city dataset in the exact Cityscapes layout.

``leftImg8bit/<split>/<city>/<city>_<seq>_<frame>_leftImg8bit.png`` and
``gtFine/<split>/<city>/<city>_<seq>_<frame>_gtFine_labelIds.png`` (Cityscapes label
ids), plus ``auxiliary/*.png``: unlabeled scenes of a shifted style for configuration AO.
Deterministic for a seed: image i of a split depends only on (seed, split, i).
"""
from __future__ import annotations

import concurrent.futures
import dataclasses
import json
import multiprocessing
import os

import numpy as np
from PIL import Image

from image_datasets.texture_city import scene

__all__ = ["DemoSpec", "write_dataset", "CITIES", "STAMP_FILE"]

CITIES = {"train": ("kiesel", "ziegel", "gras"), "val": ("steinheim",), "test": ("mosberg",)}
_SPLIT_KEYS = {"train": 1, "val": 2, "test": 3, "auxiliary": 4}


@dataclasses.dataclass
class DemoSpec:
    train: int = 200
    val: int = 50
    test: int = 0
    auxiliary: int = 0
    width: int = 512
    height: int = 256
    seed: int = 0

    def __post_init__(self):
        if self.width < 32 or self.height < 16:
            raise ValueError(f"size {self.width}x{self.height} is too small (minimum 32x16)")


def _paths(root: str, split: str, index: int) -> tuple[str, str]:
    cities = CITIES[split]
    city = cities[index % len(cities)]
    name = f"{city}_{index // len(cities):06d}_000019"
    image = os.path.join(root, "leftImg8bit", split, city, f"{name}_leftImg8bit.png")
    label = os.path.join(root, "gtFine", split, city, f"{name}_gtFine_labelIds.png")
    return image, label


def _save(array: np.ndarray, path: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp.png"
    Image.fromarray(array).save(tmp, compress_level=3)
    os.replace(tmp, path)  # A partly written file never carries the final name.


def _render_and_save(root: str, spec: DemoSpec, split: str, index: int) -> None:
    if split == "auxiliary":
        image_path, label_path = os.path.join(root, "auxiliary", f"aux_{index:06d}.png"), None
    else:
        image_path, label_path = _paths(root, split, index)
    if os.path.exists(image_path) and (label_path is None or os.path.exists(label_path)):
        return
    rng = np.random.default_rng([spec.seed, _SPLIT_KEYS[split], index])
    style = scene.AUXILIARY_STYLE if split == "auxiliary" else scene.SceneStyle()
    image, label = scene.render_scene(spec.width, spec.height, rng, style)
    if label_path:
        _save(label, label_path)
    _save(image, image_path)


STAMP_FILE = "texture_city.json"


def _check_stamp(root: str, spec: DemoSpec) -> None:
    """Refuses to complete a dataset generated at another size or seed (its files would be
    kept and mixed with new ones); records size and seed for the next call."""
    path = os.path.join(root, STAMP_FILE)
    want = {"width": spec.width, "height": spec.height, "seed": spec.seed}
    if os.path.exists(path):
        with open(path) as f:
            have = json.load(f)
    else:
        first = _paths(root, "train", 0)[0]
        have = None
        if os.path.exists(first):
            with Image.open(first) as im:
                have = {"width": im.width, "height": im.height, "seed": spec.seed}
    if have is not None and have != want:
        raise ValueError(f"{root} holds texture-city generated with {have}, not {want}: delete the folder or "
                         "generate into another root")
    os.makedirs(root, exist_ok=True)
    with open(path, "w") as f:
        json.dump(want, f)


def write_dataset(root: str, spec: DemoSpec, progress=None, workers: int | None = None) -> dict[str, int]:
    """Writes (or completes) the dataset under ``root``; existing files are kept.

    Args:
      root: output folder.
      spec: counts, size and seed.
      progress: optional callable ``progress(n)`` called after each image.
      workers: processes to render with (default: the CPU count; 1 renders in-process).

    Returns:
      The number of images per split.
    """
    _check_stamp(root, spec)
    jobs = [(split, i) for split in ("train", "val", "test", "auxiliary") for i in range(getattr(spec, split))]
    workers = min(workers or os.cpu_count() or 1, max(1, len(jobs)))
    if workers == 1:
        for split, i in jobs:
            _render_and_save(root, spec, split, i)
            if progress:
                progress(1)
    else:
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = [pool.submit(_render_and_save, root, spec, split, i) for split, i in jobs]
            for future in concurrent.futures.as_completed(futures):
                future.result()
                if progress:
                    progress(1)
    return {split: getattr(spec, split) for split in ("train", "val", "test", "auxiliary") if getattr(spec, split)}
