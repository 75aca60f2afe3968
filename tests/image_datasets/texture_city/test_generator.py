import glob
import os

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from image_datasets import labels
from image_datasets.cityscapes import CityscapesReader
from image_datasets.texture_city import generator, scene


def test_layout_is_cityscapes_and_reads_back(tmp_path):
    counts = generator.write_dataset(str(tmp_path), generator.DemoSpec(train=4, val=2, auxiliary=1, width=96, height=48))
    assert counts == {"train": 4, "val": 2, "auxiliary": 1}
    reader = CityscapesReader(str(tmp_path))
    splits = reader.list_samples()
    assert {k: len(v) for k, v in splits.items()} == {"train": 4, "val": 2}
    (record,) = reader.load(splits["train"][0])
    assert record.image.shape == (48, 96, 3)
    assert len(glob.glob(str(tmp_path / "auxiliary" / "*.png"))) == 1


def test_a_root_generated_at_another_size_or_seed_is_refused_not_mixed(tmp_path):
    spec = generator.DemoSpec(train=2, val=0, width=64, height=32, seed=1)
    generator.write_dataset(str(tmp_path), spec, workers=1)
    generator.write_dataset(str(tmp_path), generator.DemoSpec(train=3, val=1, width=64, height=32, seed=1), workers=1)
    for other in (dict(width=96), dict(seed=2)):
        with pytest.raises(ValueError, match="holds texture-city generated with"):
            generator.write_dataset(str(tmp_path), generator.DemoSpec(**{**vars(spec), **other}), workers=1)
    # A folder from before the size was recorded is checked by its first image.
    os.remove(tmp_path / generator.STAMP_FILE)
    with pytest.raises(ValueError, match="'width': 64"):
        generator.write_dataset(str(tmp_path), generator.DemoSpec(train=2, val=0, width=96, height=32), workers=1)


def test_generation_is_deterministic_for_a_seed(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for root in (a, b):
        generator.write_dataset(str(root), generator.DemoSpec(train=2, val=0, width=64, height=32, seed=7))
    for path in glob.glob(str(a / "**" / "*.png"), recursive=True):
        other = str(b / os.path.relpath(path, a))
        np.testing.assert_array_equal(np.asarray(Image.open(path)), np.asarray(Image.open(other)))


def test_scenes_carry_every_class_and_textured_regions():
    table = labels.cityscapes_table()
    seen = set()
    for seed in range(8):
        image, label = scene.render_scene(256, 128, np.random.default_rng(seed))
        train = table.to_train_ids(label)
        seen |= {table.class_names[i] for i in np.unique(train) if i != 255}
        grey = image.astype(np.float32).mean(-1)
        # Photographic texture: strong local variation inside road and vegetation regions.
        detail = np.abs(grey - ndimage.uniform_filter(grey, 5))
        for cls in ("road", "vegetation"):
            region = ndimage.binary_erosion(train == table.class_names.index(cls), iterations=3)
            if region.sum() > 200:
                assert detail[region].mean() > 4.0, cls
    assert {"road", "sidewalk", "building", "pole", "traffic sign", "vegetation", "terrain", "sky", "person",
            "car"} <= seen


def test_road_and_sidewalk_share_colour_but_not_texture():
    table = labels.cityscapes_table()
    image, label = scene.render_scene(512, 256, np.random.default_rng(3))
    train = table.to_train_ids(label)
    road, walk = train == 0, train == 1
    mean_road, mean_walk = image[road].mean(0), image[walk].mean(0)
    assert np.abs(mean_road - mean_walk).max() < 30
