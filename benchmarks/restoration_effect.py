"""Dataset restoration on texture-city: FineNet (adversarial) vs RDN (distortion) restorers
trained briefly on the privileged quarter of the training set compressed with JPEG q5.

Reports, on the validation images, PSNR and MS-SSIM (dB) against the originals (the paper's
Table V) and the naturalness index (``image_codecs.naturalness``, our offline stand-in for
HOSA's perceptual index in Table IV; fitted on the original training images), then trains the
tiny DeepLabv3+ on the original (OO), compressed (CO) and each restored (RO) training set and
tests on the original validation images.
"""
from __future__ import annotations

import time

import numpy as np
import tensorflow as tf
from PIL import Image

from benchmarks import texture_city_effect as tce
from benchmarks.restoration_recipe import restore_all
from image_codecs import metrics
from image_codecs.naturalness import NaturalnessModel
from image_datasets.texture_city import generator
from keras_models.restoration import config as rc, training

__all__ = ["run"]


def _half(images: np.ndarray, resample=Image.BOX) -> np.ndarray:
    """Images (box filter) or label maps (``Image.NEAREST``) at half size."""
    h, w = images.shape[1] // 2, images.shape[2] // 2
    return np.stack([np.asarray(Image.fromarray(im).resize((w, h), resample)) for im in images])


def run(images: int = 3000, seeds: int = 2, epochs: int = 25) -> list[dict]:
    """``images`` is FineNet's number of training steps (RDN trains for half as many)."""
    generator.write_dataset(tce.DATA, generator.DemoSpec(train=200, val=50, width=512, height=256, seed=0))
    train_x, train_y = tce._load("train", 1)
    val_x, val_y = tce._load("val", 1)
    train_c, bpp = tce._jpeg(train_x, 5)
    val_c, _ = tce._jpeg(val_x, 5)
    privileged = slice(0, len(train_x) // 4)
    pairs = tf.data.Dataset.from_tensor_slices((train_c[privileged], train_x[privileged]))
    sets = {"original": (train_x, val_x), f"JPEG q5 ({bpp:.3f} bpp)": (train_c, val_c)}
    timings = {}
    for name, preset, steps, overrides in (
            ("FineNet", "finenet-tiny", images, {"crop": 128}),
            ("RDN (L1)", "rdn-tiny", images // 2, {})):
        config = rc.preset(preset, **overrides)
        start = time.perf_counter()
        model = training.train(config, pairs, steps, seed=0)
        timings[name] = f"{steps} steps, {time.perf_counter() - start:.0f} s"
        sets[f"restored by {name}"] = (restore_all(model, config, train_c), restore_all(model, config, val_c))
    nat = NaturalnessModel.fit(list(train_x[::4]))
    rows = []
    for name, (train_set, val_set) in sets.items():
        scores = [tce._train_eval(_half(train_set), _half(train_y, Image.NEAREST), _half(val_x),
                                 _half(val_y, Image.NEAREST), epochs, seed)
                  for seed in range(seeds)]
        psnr = np.mean([metrics.psnr(o, r) for o, r in zip(val_x, val_set)])
        msssim = np.mean([metrics.ms_ssim_db(metrics.ms_ssim(o, r)) for o, r in zip(val_x, val_set)])
        rows.append({"training set": name, "restorer training": timings.get(name.replace("restored by ", ""), ""),
                     "val psnr": round(float(psnr), 2) if name != "original" else "inf",
                     "val ms_ssim_db": round(float(msssim), 2) if name != "original" else "inf",
                     "val naturalness (lower = closer to originals)": round(nat.score_set(list(val_set)), 3),
                     "miou_mean (tested on originals)": round(100 * float(np.mean(scores)), 1),
                     "miou_per_seed": [round(100 * s, 1) for s in scores]})
    return rows
