"""IR2I on texture-city: the paper's Table 2 / Figure 5 comparison at CPU scale.

Trains the tiny residual encoder (Table 6), R2I with decoding connections (Table 9), R2I
with a separately trained inpainting network and joint IR2I (eq. 4) on 32x32 patches of the
training images for the same ``images`` steps with the learning-rate drops of the paper's
R2I schedule (at 1/2 and 3/4; the joint schedule's early first drop costs a lot at this
scale, see docs/BENCHMARKS.md), exports each, codes held-out validation images through the
``ir2i`` codec (real bitstreams, every stage) and JPEG, and reports
Bjøntegaard rate savings on MS-SSIM (dB) against the residual encoder and against JPEG.
Writes the rate-distortion plot to docs/ir2i_rd.png.
"""
from __future__ import annotations

import os
import tempfile
import time

import numpy as np
import tensorflow as tf

from benchmarks import texture_city_effect as tce
from image_codecs import bd_rate, evaluation, rd_plot
from image_datasets.texture_city import generator
from keras_models.ir2i import config as ic, export, training

__all__ = ["run"]

MODELS = (("residual encoder", "residual-tiny"), ("R2I decoding", "r2i-decoding-tiny"),
          ("R2I decoding sep-inp", "r2i-decoding-sep-inp-tiny"), ("IR2I (joint)", "ir2i-tiny"))
PAPER = {"R2I decoding": 17.951, "R2I decoding sep-inp": 27.794, "IR2I (joint)": 60.446}
PLOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "ir2i_rd.png")


def run(images: int = 2000, val_images: int = 12) -> list[dict]:
    """``images`` is the number of training steps of every model (batches of 16 patches)."""
    generator.write_dataset(tce.DATA, generator.DemoSpec(train=200, val=50, width=512, height=256, seed=0))
    train_x, _ = tce._load("train", 1)
    val_x, _ = tce._load("val", 1)
    val = list(val_x[:val_images])
    curves, timings = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, name in MODELS:
            steps, config = ic.paper_schedule(ic.preset(name), images, equal=True)
            start = time.perf_counter()
            model = training.train(config, tf.data.Dataset.from_tensor_slices(train_x), steps, seed=0)
            timings[label] = (steps, time.perf_counter() - start)
            path = export.export(model, os.path.join(tmp, name))
            stages = range(config.first_stages, config.stages + 1)
            curves[label] = evaluation.evaluate_progressive("ir2i", stages, val, {"model": path})
    curves["JPEG"] = evaluation.evaluate("jpeg", (2, 4, 6, 8, 12, 20, 30, 45, 60), val)

    def rd(label):
        return [r["bpp"] for r in curves[label]], [r["ms_ssim_db"] for r in curves[label]]

    rows = []
    for label, points in curves.items():
        row = {"codec": label, "training": "{} steps, {:.0f} s".format(*timings[label]) if label in timings else "",
               "bpp": [round(r["bpp"], 3) for r in points],
               "MS-SSIM dB": [round(r["ms_ssim_db"], 2) for r in points],
               "PSNR": [round(r["psnr"], 2) for r in points]}
        for anchor in ("residual encoder", "R2I decoding", "JPEG"):
            if anchor != label and label != "JPEG":
                try:
                    row[f"savings vs {anchor} (%)"] = round(bd_rate.rate_savings(*rd(anchor), *rd(label)), 1)
                except ValueError as e:
                    row[f"savings vs {anchor} (%)"] = f"n/a ({e})"
        if label in PAPER:
            row["paper: savings vs residual encoder on Kodak (%)"] = PAPER[label]
        rows.append(row)
    rd_plot.plot_rate_distortion([{"codec": label, **r} for label, points in curves.items() for r in points], PLOT,
                                 title=f"texture-city validation ({len(val)} images), tiny models, R2I {images} steps")
    return rows
