"""Writing Examples artifacts: every executor that writes one (ImageExampleGen, Compression,
DatasetRestoration) writes gzipped TFRecords of tf.Example and says so on the artifact, as
TFX's own ExampleGen does; TFX components downstream read those properties (and warn, once
per read, when ``payload_format`` is missing)."""
from __future__ import annotations

import apache_beam as beam
from tfx import types
from tfx.components.example_gen import write_split
from tfx.components.util import examples_utils
from tfx.proto import example_gen_pb2
from tfx.types import artifact_utils

__all__ = ["FILE_FORMAT", "write", "describe"]

FILE_FORMAT = example_gen_pb2.FORMAT_TFRECORDS_GZIP


def write(artifact: types.Artifact, split: str) -> beam.PTransform:
    """The Beam sink of ``split`` of ``artifact``: serialized tf.Examples in, gzipped TFRecords out."""
    return write_split.WriteSplit(artifact_utils.get_split_uri([artifact], split), FILE_FORMAT)


def describe(artifact: types.Artifact) -> None:
    """Records the payload (tf.Example) and file format on ``artifact``."""
    examples_utils.set_payload_format(artifact, example_gen_pb2.FORMAT_TF_EXAMPLE)
    examples_utils.set_file_format(artifact, write_split.to_file_format_str(FILE_FORMAT))
