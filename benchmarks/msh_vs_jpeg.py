"""MSH (tiny preset) trained briefly on texture-city against JPEG at matched bpp.

Trains one MSH on the train split of a texture-city dataset (generated if absent), then
evaluates MSH and JPEG (qualities 1-10) on the val split with ``image_codecs.evaluation``
(what ``dsr codec eval`` runs) and reports JPEG's PSNR interpolated at MSH's bpp.
"""
from __future__ import annotations

import glob
import os
import tempfile
import time

import numpy as np
import tensorflow as tf

from image_codecs import evaluation
from image_datasets import image_files
from image_datasets.texture_city import generator
from keras_models.msh import config as msh_config, export as msh_export, training

__all__ = ["run"]

DATA = os.path.join(tempfile.gettempdir(), "dsr-bench-texture-city")


def run(images: int = 10000, lmbda: float = 0.001) -> list[dict]:
    """``images`` is the number of training steps (the runner's generic size argument)."""
    generator.write_dataset(DATA, generator.DemoSpec(train=200, val=50, width=512, height=256, seed=0))
    train = np.stack([image_files.read_image(p) for p in sorted(glob.glob(f"{DATA}/leftImg8bit/train/*/*.png"))])
    val = [image_files.read_image(p) for p in sorted(glob.glob(f"{DATA}/leftImg8bit/val/*/*.png"))]
    config = msh_config.preset("tiny", lmbda=lmbda, crop=128)
    start = time.perf_counter()
    model = training.train(config, tf.data.Dataset.from_tensor_slices(train), steps=images)
    train_s = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        msh_export.export(model, os.path.join(tmp, "q1"))
        (msh,) = evaluation.evaluate("msh", [1], val, {"model": tmp})
    jpeg = evaluation.evaluate("jpeg", list(range(1, 11)), val)
    bpps = [r["bpp"] for r in jpeg]
    rows = [{"codec": "msh (tiny, %d steps, lambda %g, %.0f s training)" % (images, lmbda, train_s),
             "quality": 1, "bpp": round(msh["bpp"], 4), "psnr": round(msh["psnr"], 2),
             "ms_ssim_db": round(msh["ms_ssim_db"], 2)}]
    rows += [{"codec": "jpeg", "quality": r["quality"], "bpp": round(r["bpp"], 4), "psnr": round(r["psnr"], 2),
              "ms_ssim_db": round(r["ms_ssim_db"], 2)} for r in jpeg]
    if min(bpps) <= msh["bpp"] <= max(bpps):
        order = np.argsort(bpps)
        at = float(np.interp(msh["bpp"], np.array(bpps)[order], np.array([r["psnr"] for r in jpeg])[order]))
        rows.append({"codec": "jpeg interpolated at msh bpp", "bpp": round(msh["bpp"], 4), "psnr": round(at, 2),
                     "msh_gain_db": round(msh["psnr"] - at, 2)})
    return rows
