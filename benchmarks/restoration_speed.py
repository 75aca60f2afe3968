"""Restorer training step time per 256x256 crop (generator + both discriminators for FineNet)
on the CPU, tiny and paper presets, and restoration throughput on whole 2048x1024 images in
512-pixel tiles, each case in its own process with its peak memory."""
from __future__ import annotations

import time

import numpy as np

from benchmarks.isolated import run_isolated

__all__ = ["run"]


def _train_step(preset: str, steps: int) -> dict:
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    from keras_models.restoration import config as rc, restorer  # pylint: disable=g-import-not-at-top
    config = rc.preset(preset, crop=256, batch_size=1, vgg_weights="random" if preset == "finenet-paper" else None)
    model = restorer.build_restorer(config)
    model.compile()
    x = tf.random.uniform((1, 256, 256, 3), -1, 1)
    step = tf.function(model.train_step)
    step((x, x))
    start = time.perf_counter()
    for _ in range(steps):
        step((x, x))
    seconds = (time.perf_counter() - start) / steps
    return {"case": f"{preset} training step (256x256 crop, batch 1)", "seconds": round(seconds, 3),
            "generator_params": model.generator.count_params()}


def _restore(preset: str, images: int) -> dict:
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    from image_datasets.texture_city import scene  # pylint: disable=g-import-not-at-top
    from keras_models.restoration import config as rc, export, tiling  # pylint: disable=g-import-not-at-top
    from keras_models.restoration.finenet import FineNetGenerator  # pylint: disable=g-import-not-at-top
    config = rc.preset(preset)
    module = export.RestorerModule(FineNetGenerator(config.generator), config.generator.multiple)

    def restore(x):
        return module.restore_tensor(tf.constant(x))["restored"].numpy()

    image, _ = scene.render_scene(2048, 1024, np.random.default_rng(3))
    tiling.restore_tiled(restore, image[:512, :512])  # trace
    start = time.perf_counter()
    for _ in range(images):
        tiling.restore_tiled(restore, image, tile=512, margin=32, overlap=32, multiple=config.generator.multiple)
    seconds = (time.perf_counter() - start) / images
    return {"case": f"{preset} restoration of a 2048x1024 image (512 px tiles)", "seconds": round(seconds, 2),
            "megapixels_per_s": round(2048 * 1024 / 1e6 / seconds, 3)}


def run(images: int = 3) -> list[dict]:
    """``images`` is the number of timed steps / images per case."""
    rows = [run_isolated(_train_step, p, images) for p in ("finenet-tiny", "rdn-tiny", "finenet-paper", "rdn-paper")]
    rows += [run_isolated(_restore, p, images) for p in ("finenet-tiny", "finenet-paper")]
    return rows
