"""Reading Examples artifacts: the compressed splits' names, and tf.data pipelines over a
split's TFRecords."""
from __future__ import annotations

import os
from typing import Sequence

import tensorflow as tf

from image_datasets import features

__all__ = ["split_name", "split_files", "image_dataset", "pair_dataset"]


def split_name(split: str, spec_key: str) -> str:
    """The Compression output split holding ``split`` compressed with the spec named
    ``spec_key`` (DatasetRestoration keeps the name for the restored images)."""
    return f"{split}__{spec_key}"


def split_files(split_uris: Sequence[str]) -> list[str]:
    """All TFRecord files under Examples split folders (or file patterns)."""
    files = []
    for uri in split_uris:
        pattern = uri if any(c in uri for c in "*?") else os.path.join(uri, "*")
        files += tf.io.gfile.glob(pattern)
    if not files:
        raise FileNotFoundError(f"no TFRecord files under {list(split_uris)}")
    return sorted(files)


def image_dataset(files: Sequence[str], feature: str = features.IMAGE) -> tf.data.Dataset:
    """uint8 [H, W, 3] images of ``feature`` (a PNG bytes feature) from gzipped TFRecords."""
    spec = {feature: tf.io.FixedLenFeature([], tf.string)}

    def parse(record):
        return tf.io.decode_png(tf.io.parse_single_example(record, spec)[feature], channels=3)

    return (tf.data.TFRecordDataset(list(files), compression_type="GZIP")
            .map(parse, num_parallel_calls=tf.data.AUTOTUNE))


def pair_dataset(files: Sequence[str], first: str = features.DECODED,
                 second: str = features.IMAGE) -> tf.data.Dataset:
    """(uint8 [H, W, 3], uint8 [H, W, 3]) pairs of two PNG features, by default
    (compressed, original) from compressed Examples."""
    spec = {first: tf.io.FixedLenFeature([], tf.string), second: tf.io.FixedLenFeature([], tf.string)}

    def parse(record):
        parsed = tf.io.parse_single_example(record, spec)
        return tf.io.decode_png(parsed[first], channels=3), tf.io.decode_png(parsed[second], channels=3)

    return (tf.data.TFRecordDataset(list(files), compression_type="GZIP")
            .map(parse, num_parallel_calls=tf.data.AUTOTUNE))
