"""The Examples schema shared by every component: feature names and (de)serialisation.

Ingestion writes ``image`` (PNG, RGB uint8), ``label`` (PNG, uint8 train ids, 255 =
ignore; absent for unlabeled splits), ``image_id``, ``dataset``, ``split``, ``height``,
``width``. Compression adds the codec features, restoration the restored image; their
names live here too so that every module imports them from one place.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
import tensorflow as tf

from image_datasets import image_files

__all__ = [
    "IMAGE", "LABEL", "IMAGE_ID", "DATASET", "SPLIT", "HEIGHT", "WIDTH", "PRIVILEGED", "PRIVILEGED_RANK",
    "PRIVILEGED_POOL",
    "BITSTREAM", "DECODED", "CODEC", "QUALITY", "BPP", "PSNR", "MS_SSIM", "MS_SSIM_DB",
    "ENCODE_MS", "DECODE_MS", "RESTORED", "RESTORER", "RESTORED_PSNR", "RESTORED_MS_SSIM_DB",
    "make_example", "parse_example",
]

IMAGE = "image"
LABEL = "label"
IMAGE_ID = "image_id"
DATASET = "dataset"
SPLIT = "split"
HEIGHT = "height"
WIDTH = "width"
# 1 on the train examples of the images ingestion chose as privileged at its own fraction (the
# ``privileged`` split holds their originals), else 0; every later artifact copies it (tiles of
# one source image share it).
PRIVILEGED = "privileged"
# The train examples' place in ingestion's seeded ranking of the train images and the number of
# images ranked (``image_datasets.ingest.privileged_count``): the privileged images of any smaller
# fraction, so that one run trains at several fractions (the paper's Fig. 8). -1 and 0 elsewhere.
PRIVILEGED_RANK = "privileged_rank"
PRIVILEGED_POOL = "privileged_pool"
# Added by the compression Transform.
BITSTREAM = "bitstream"
DECODED = "decoded"
CODEC = "codec"
QUALITY = "quality"
BPP = "bpp"
PSNR = "psnr"
MS_SSIM = "ms_ssim"
MS_SSIM_DB = "ms_ssim_db"
ENCODE_MS = "encode_ms"
DECODE_MS = "decode_ms"
# Added by dataset restoration.
RESTORED = "restored"
RESTORER = "restorer"
RESTORED_PSNR = "restored_psnr"
RESTORED_MS_SSIM_DB = "restored_ms_ssim_db"


def _bytes(value: bytes) -> tf.train.Feature:
    return tf.train.Feature(bytes_list=tf.train.BytesList(value=[value]))


def _int(value: int) -> tf.train.Feature:
    return tf.train.Feature(int64_list=tf.train.Int64List(value=[int(value)]))


def make_example(image: np.ndarray, label: Optional[np.ndarray], image_id: str, dataset: str,
                 split: str, privileged: bool = False, privileged_rank: int = -1,
                 privileged_pool: int = 0) -> tf.train.Example:
    """Builds the ingestion example for ``uint8[H, W, 3]`` image and ``uint8[H, W]`` label."""
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"{image_id}: image must be uint8[H, W, 3], got {image.dtype}{list(image.shape)}")
    features = {
        IMAGE: _bytes(image_files.encode_png(image)),
        IMAGE_ID: _bytes(image_id.encode()),
        DATASET: _bytes(dataset.encode()),
        SPLIT: _bytes(split.encode()),
        HEIGHT: _int(image.shape[0]),
        WIDTH: _int(image.shape[1]),
        PRIVILEGED: _int(privileged),
        PRIVILEGED_RANK: _int(privileged_rank),
        PRIVILEGED_POOL: _int(privileged_pool),
    }
    if label is not None:
        if label.shape != image.shape[:2] or label.dtype != np.uint8:
            raise ValueError(f"{image_id}: label must be uint8{list(image.shape[:2])}, "
                             f"got {label.dtype}{list(label.shape)}")
        features[LABEL] = _bytes(image_files.encode_png(label))
    return tf.train.Example(features=tf.train.Features(feature=features))


def parse_example(serialized: bytes) -> dict:
    """Decodes a serialized example to numpy: images as arrays, strings as str."""
    example = tf.train.Example.FromString(serialized)
    out = {}
    for name, feature in example.features.feature.items():
        kind = feature.WhichOneof("kind")
        values = list(getattr(feature, kind).value)
        value = values[0] if len(values) == 1 else values
        if name in (IMAGE, LABEL, DECODED, RESTORED):
            value = image_files.decode_png(value)
        elif isinstance(value, bytes) and name != BITSTREAM:
            value = value.decode()
        out[name] = value
    return out
