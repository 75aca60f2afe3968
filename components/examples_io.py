"""Reading Examples artifacts: the compressed splits' names, and tf.data pipelines over a
split's TFRecords."""
from __future__ import annotations

import os
from typing import Sequence

import tensorflow as tf

from image_datasets import features

__all__ = ["split_name", "split_files", "image_dataset", "pair_dataset", "PRIVILEGED_FEATURES", "is_privileged"]

# The features that say whether an example's image is privileged, at any fraction.
PRIVILEGED_FEATURES = {features.PRIVILEGED: tf.io.FixedLenFeature([], tf.int64, default_value=0),
                       features.PRIVILEGED_RANK: tf.io.FixedLenFeature([], tf.int64, default_value=-1),
                       features.PRIVILEGED_POOL: tf.io.FixedLenFeature([], tf.int64, default_value=0)}


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


def is_privileged(parsed: dict, fraction: float) -> tf.Tensor:
    """Whether an example parsed with ``PRIVILEGED_FEATURES`` is one of the privileged images of
    ``fraction``: ranked below ``image_datasets.ingest.privileged_count(fraction, pool)``, the
    same float64 product rounded half to even. Examples ingested before the ranking was recorded
    (pool 0) keep their ``privileged`` flag, which is the ingestion's own fraction."""
    pool = parsed[features.PRIVILEGED_POOL]
    count = tf.cast(tf.math.round(tf.cast(pool, tf.float64) * float(fraction)), tf.int64)
    return tf.where(pool > 0, parsed[features.PRIVILEGED_RANK] < count, tf.equal(parsed[features.PRIVILEGED], 1))


def image_dataset(files: Sequence[str], feature: str = features.IMAGE) -> tf.data.Dataset:
    """uint8 [H, W, 3] images of ``feature`` (a PNG bytes feature) from gzipped TFRecords."""
    spec = {feature: tf.io.FixedLenFeature([], tf.string)}

    def parse(record):
        return tf.io.decode_png(tf.io.parse_single_example(record, spec)[feature], channels=3)

    return (tf.data.TFRecordDataset(list(files), compression_type="GZIP")
            .map(parse, num_parallel_calls=tf.data.AUTOTUNE))


def pair_dataset(files: Sequence[str], first: str = features.DECODED, second: str = features.IMAGE,
                 privileged_fraction: float | None = None) -> tf.data.Dataset:
    """(uint8 [H, W, 3], uint8 [H, W, 3]) pairs of two PNG features, by default
    (compressed, original) from compressed Examples; with ``privileged_fraction``, only the
    pairs of that fraction's privileged images (``is_privileged``)."""
    spec = {first: tf.io.FixedLenFeature([], tf.string), second: tf.io.FixedLenFeature([], tf.string),
            **PRIVILEGED_FEATURES}
    data = tf.data.TFRecordDataset(list(files), compression_type="GZIP").map(
        lambda record: tf.io.parse_single_example(record, spec))
    if privileged_fraction is not None:
        data = data.filter(lambda parsed: is_privileged(parsed, privileged_fraction))
    return data.map(lambda parsed: (tf.io.decode_png(parsed[first], channels=3),
                                    tf.io.decode_png(parsed[second], channels=3)),
                    num_parallel_calls=tf.data.AUTOTUNE)
