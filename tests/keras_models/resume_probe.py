"""Trains a tiny model of each named family for 3 epochs of 2 steps uninterrupted, then again
from a copy of its first checkpoint, and prints one JSON line per family: the largest difference
between the two final models' weights, both step counters and the resume messages logged.

Run in a fresh process with ``TF_DETERMINISTIC_OPS=1`` (``test_resumable`` does).

    python -m tests.keras_models.resume_probe WORK_DIR FAMILY...
"""
import glob
import json
import logging
import os
import shutil
import sys

import numpy as np
import tensorflow as tf

from keras_models import resumable


def _images(n=6, h=48, w=64):
    rng = np.random.default_rng(0)
    y, x = np.mgrid[:h, :w]
    smooth = (127 + 60 * np.sin(x[None, ..., None] / 5.0 + np.arange(n)[:, None, None, None])
              + 40 * np.cos(y[None, ..., None] / 7.0 + np.arange(3)))
    return np.clip(smooth + rng.normal(0, 8, (n, h, w, 3)), 0, 255).astype(np.uint8)


def _trainer(family: str):
    images = _images()
    if family == "segmentation":
        from keras_models.segmentation import training
        labels = (_images()[..., 0] // 90).astype(np.uint8)
        sources = [tf.data.Dataset.from_tensor_slices((images, labels, np.ones(len(images), np.float32)))]
        config = training.SegmentationTrainingConfig(
            preset="tiny", crop=(16, 32), batch_size=2,
            overrides={"aspp_filters": 8, "decoder_filters": 8, "low_level_filters": 4})
        return lambda d: training.train(config, 3, sources, 6, checkpoint_dir=d, steps_per_epoch=2)
    if family in ("finenet", "rdn"):
        from keras_models.restoration import config as rc, training
        pairs = tf.data.Dataset.from_tensor_slices((images // 16 * 16, images))
        config = (rc.preset("finenet-tiny", crop=16, batch_size=1, generator={"filters": 4, "res_blocks": 1},
                            discriminator={"filters": 4, "scales": [1, 2]}) if family == "finenet" else
                  rc.preset("rdn-tiny", crop=16, batch_size=1, rdn={"blocks": 1, "layers": 2, "growth": 4,
                                                                     "features": 8}))
        return lambda d: training.train(config, pairs, 6, checkpoint_dir=d, steps_per_epoch=2)
    if family == "msh":
        from keras_models.msh import config as mc, training
        config = mc.preset("tiny", crop=32, batch_size=2, num_filters=8, latent_depth=8, hyperprior_depth=8)
        data = tf.data.Dataset.from_tensor_slices(images)
        return lambda d: training.train(config, data, 6, checkpoint_dir=d, steps_per_epoch=2)
    if family == "ir2i":
        from keras_models.ir2i import config as ic, training
        config = ic.preset("ir2i-tiny", stages=2, batch_size=4)
        data = tf.data.Dataset.from_tensor_slices(images)
        return lambda d: training.train(config, data, 6, checkpoint_dir=d, steps_per_epoch=2)
    raise ValueError(f"unknown family {family!r}")


class _Messages(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        if "resuming" in record.getMessage():
            self.messages.append(record.getMessage())


def probe(family: str, work: str) -> dict:
    work = os.path.join(work, family)
    train = _trainer(family)
    # The uninterrupted run keeps every epoch's checkpoint, so that the resumed one can start
    # from its first (a run normally keeps only its newest).
    keep_newest, resumable._KeepNewest.on_epoch_end = resumable._KeepNewest.on_epoch_end, lambda *a, **k: None
    try:
        uninterrupted = train(os.path.join(work, "a"))
    finally:
        resumable._KeepNewest.on_epoch_end = keep_newest
    resumed_dir = os.path.join(work, "b")
    os.makedirs(resumed_dir)
    for f in glob.glob(os.path.join(work, "a", "ckpt-1.*")):
        shutil.copy(f, resumed_dir)
    with open(os.path.join(resumed_dir, "checkpoint"), "w") as f:
        f.write('model_checkpoint_path: "ckpt-1"\n')
    messages = _Messages()
    logging.getLogger().addHandler(messages)
    logging.getLogger().setLevel(logging.INFO)
    resumed = train(resumed_dir)
    logging.getLogger().removeHandler(messages)

    def steps(model):
        opt = getattr(model, "g_optimizer", None) or getattr(model, "optimizer", None)
        return int(opt.iterations) if opt is not None else None

    diff = max(float(np.abs(a.numpy() - b.numpy()).max())
               for a, b in zip(uninterrupted.trainable_weights, resumed.trainable_weights))
    return {"family": family, "max_weight_difference": diff, "steps": [steps(uninterrupted), steps(resumed)],
            "resumed": [m.replace(work, "WORK") for m in messages.messages]}


if __name__ == "__main__":
    for name in sys.argv[2:]:
        print(json.dumps(probe(name, sys.argv[1])), flush=True)
