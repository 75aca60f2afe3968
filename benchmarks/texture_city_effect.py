"""Does texture-city carry the paper's effect? A tiny DeepLabv3+ trained on originals (OO)
and on JPEG-compressed training images (CO), both tested on original validation images.

A quick check of the dataset design, not the pipeline's Trainer: plain Keras fit
on in-memory arrays, cross-entropy with ignore label 255, random horizontal flips.
"""
from __future__ import annotations

import io
import os
import tempfile
import time

import numpy as np
import tensorflow as tf
from PIL import Image

from image_datasets.cityscapes import CityscapesReader
from image_datasets.texture_city import generator
from keras_models.segmentation import config as deeplab_config, deeplab, metrics

__all__ = ["run"]

DATA = os.path.join(tempfile.gettempdir(), "dsr-bench-texture-city")


def _load(split: str, scale: int):
    """Images (box-downscaled by ``scale``) and train-id labels (nearest)."""
    reader = CityscapesReader(DATA)
    records = [reader.load(sample)[0] for sample in reader.list_samples()[split]]
    h, w = records[0].image.shape[0] // scale, records[0].image.shape[1] // scale
    images = [np.asarray(Image.fromarray(r.image).resize((w, h), Image.BOX)) for r in records]
    targets = [np.asarray(Image.fromarray(r.label).resize((w, h), Image.NEAREST)) for r in records]
    return np.stack(images), np.stack(targets)


def _jpeg(images: np.ndarray, quality: int) -> tuple[np.ndarray, float]:
    out, bits = [], 0
    for im in images:
        buffer = io.BytesIO()
        Image.fromarray(im).save(buffer, format="JPEG", quality=quality)
        bits += 8 * len(buffer.getvalue())
        out.append(np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")))
    return np.stack(out), bits / images[..., 0].size


def _loss(y_true, logits):
    y = tf.cast(y_true[..., 0], tf.int32)
    valid = tf.cast(y != 255, tf.float32)
    ce = tf.keras.losses.sparse_categorical_crossentropy(tf.where(y == 255, 0, y), logits, from_logits=True)
    return tf.reduce_sum(ce * valid) / tf.maximum(tf.reduce_sum(valid), 1.0)


def _train_eval(train_x, train_y, val_x, val_y, epochs: int, seed: int) -> float:
    tf.keras.utils.set_random_seed(seed)
    model = deeplab.build_deeplab(deeplab_config.preset("tiny", num_classes=19))
    model.compile(optimizer=tf.keras.optimizers.Adam(tf.keras.optimizers.schedules.PolynomialDecay(
        2e-3, epochs * (len(train_x) // 8), 1e-5, power=0.9)), loss=_loss)
    ds = (tf.data.Dataset.from_tensor_slices((train_x.astype(np.float32), train_y[..., None]))
          .shuffle(len(train_x), seed=seed)
          .map(lambda x, y: tf.cond(tf.random.uniform(()) < 0.5, lambda: (x, y),
                                    lambda: (tf.reverse(x, [1]), tf.reverse(y, [1]))))
          .batch(8))
    model.fit(ds, epochs=epochs, verbose=0)
    pred = np.argmax(model.predict(val_x.astype(np.float32), batch_size=8, verbose=0), -1)
    cm = metrics.confusion_matrix(val_y, pred, 19)
    return metrics.summarize(cm).miou


def run(images: int = 30, seeds: int = 2, scale: int = 2) -> list[dict]:
    """``images`` is the number of epochs; images are 512x256 divided by ``scale``."""
    generator.write_dataset(DATA, generator.DemoSpec(train=200, val=50, width=512, height=256, seed=0))
    train_x, train_y = _load("train", scale)
    val_x, val_y = _load("val", scale)
    jpeg_x, bpp = _jpeg(train_x, 5)
    rows = []
    for name, x in (("OO (train originals)", train_x), (f"CO (train JPEG q5, {bpp:.3f} bpp)", jpeg_x)):
        start = time.perf_counter()
        scores = [_train_eval(x, train_y, val_x, val_y, images, seed) for seed in range(seeds)]
        rows.append({"configuration": name, "size": f"{train_x.shape[2]}x{train_x.shape[1]}", "miou_mean": round(100 * float(np.mean(scores)), 1),
                     "miou_per_seed": [round(100 * s, 1) for s in scores], "epochs": images,
                     "seconds_per_run": round((time.perf_counter() - start) / seeds)})
    return rows
