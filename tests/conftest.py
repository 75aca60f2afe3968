"""Fixtures that write small datasets in the real layouts (no downloads)."""
from __future__ import annotations

import os
import socket

import numpy as np
import pytest
import yaml
from PIL import Image

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _module_fixture_users(item) -> bool:
    """Whether ``item`` uses a module- or session-scoped fixture defined in its own module (a
    trained model, a running server): such a module's tests share one worker, which builds the
    fixture once."""
    module = item.nodeid.split("::")[0]
    info = getattr(item, "_fixtureinfo", None)
    return bool(info) and any(d.scope in ("module", "session") and d.baseid == module
                              for name in info.names_closure for d in info.name2fixturedefs.get(name, ()))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Every end-to-end test is also slow, so ``-m "not slow"`` is the quick tier. For parallel
    workers (``scripts/test.sh``: ``-n 2 --dist loadgroup``) the end-to-end tests come first,
    then the other slow ones, so that the longest tests start at once instead of ending the run
    on one worker; and the tests of a module that share a module fixture form one group. It runs
    first: pytest-xdist's worker reads the group markers in its own hook of the same name (to
    suffix each grouped test's id with its group), and a hook registered before a plugin's runs
    after it."""
    for item in items:
        if item.get_closest_marker("e2e") and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)
        if _module_fixture_users(item):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
    items.sort(key=lambda item: (not item.get_closest_marker("e2e"), not item.get_closest_marker("slow")))


def save(path: str, array: np.ndarray, **kwargs) -> str:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if path.lower().endswith((".tif", ".tiff")):
        import tifffile
        tifffile.imwrite(path, array)
    else:
        Image.fromarray(array).save(path, **kwargs)
    return path


def random_image(rng, h, w) -> np.ndarray:
    return rng.integers(0, 256, (h, w, 3), dtype=np.uint8)


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture
def cityscapes_root(tmp_path, rng):
    """Cityscapes layout: 4 train (2 cities), 2 val; label ids drawn from the real table."""
    root = tmp_path / "cityscapes"
    ids = np.array([0, 1, 7, 8, 11, 17, 21, 23, 24, 26, 33], dtype=np.int64)
    for split, cities, n in (("train", ("aachen", "bonn"), 4), ("val", ("lindau",), 2)):
        for i in range(n):
            city = cities[i % len(cities)]
            name = f"{city}_{i:06d}_000019"
            save(str(root / "leftImg8bit" / split / city / f"{name}_leftImg8bit.png"), random_image(rng, 24, 32))
            label = rng.choice(ids, size=(24, 32)).astype(np.uint8)
            save(str(root / "gtFine" / split / city / f"{name}_gtFine_labelIds.png"), label)
    return str(root)


@pytest.fixture
def inria_root(tmp_path, rng):
    """INRIA layout: 2 images for each of 3 labeled cities, 2 unlabeled test images."""
    root = tmp_path / "AerialImageDataset"
    for city in ("austin", "chicago", "vienna"):
        for i in (1, 2):
            save(str(root / "train" / "images" / f"{city}{i}.tif"), random_image(rng, 20, 20))
            save(str(root / "train" / "gt" / f"{city}{i}.tif"), (rng.random((20, 20)) < 0.3).astype(np.uint8) * 255)
    for city in ("bellingham", "sfo"):
        save(str(root / "test" / "images" / f"{city}1.tif"), random_image(rng, 20, 20))
    return str(root)


@pytest.fixture
def sdd_root(tmp_path, rng):
    """Semantic Drone layout: 8 images of 60x40 with semantic ids 0..23."""
    root = tmp_path / "semantic_drone_dataset"
    for i in range(8):
        save(str(root / "original_images" / f"{i:03d}.jpg"), random_image(rng, 40, 60), quality=95)
        save(str(root / "label_images_semantic" / f"{i:03d}.png"), rng.integers(0, 24, (40, 60)).astype(np.uint8))
    return str(root)


@pytest.fixture
def folder_root(tmp_path, rng):
    """Plain folder with split sub-folders and a classes.yaml mapping 0/10/20 to 3 classes."""
    root = tmp_path / "folder"
    for split, n in (("train", 3), ("val", 2)):
        for i in range(n):
            save(str(root / "images" / split / f"img{i}.jpg"), random_image(rng, 16, 16), quality=95)
            save(str(root / "masks" / split / f"img{i}.png"), rng.choice([0, 10, 20, 255], (16, 16)).astype(np.uint8))
    (root / "classes.yaml").write_text(yaml.safe_dump({"classes": ["bg", "a", "b"], "ids": {0: 0, 10: 1, 20: 2}}))
    return str(root)


@pytest.fixture
def silent_url():
    """``http://127.0.0.1:PORT`` where nothing listens (the port was free a moment ago)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"
