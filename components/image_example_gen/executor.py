"""ImageExampleGen executor: plans the samples, runs the ingest Beam pipeline, writes
one Examples split per non-empty split, and records a summary of counts and rejections."""
from __future__ import annotations

import json
import logging
import os
from typing import Any

import apache_beam as beam
from tfx import types
from tfx.components.example_gen import write_split
from tfx.dsl.components.base import base_beam_executor
from tfx.proto import example_gen_pb2
from tfx.types import artifact_utils
from tfx.utils import io_utils

import dataconf
from components.image_example_gen import ingest_transform
from image_datasets import ingest

__all__ = ["Executor", "INGEST_CONFIG_KEY", "SUMMARY_FILE"]

INGEST_CONFIG_KEY = "ingest_config"
SUMMARY_FILE = "ingest_summary.json"


class Executor(base_beam_executor.BaseBeamExecutor):
    """Reads a dataset layout into TFRecords of tf.Examples (see image_datasets.features)."""

    def Do(self, input_dict: dict[str, list[types.Artifact]], output_dict: dict[str, list[types.Artifact]],
           exec_properties: dict[str, Any]) -> None:
        config_json = exec_properties[INGEST_CONFIG_KEY]
        config = dataconf.from_json(ingest.IngestConfig, config_json, "ingest_config")
        splits, _, _ = ingest.plan_samples(config)
        if not splits:
            raise ValueError(f"{config.root}: no images found for dataset layout {config.dataset!r}")
        examples = artifact_utils.get_single_instance(output_dict["examples"])
        examples.split_names = artifact_utils.encode_split_names(sorted(splits))
        logging.info("ImageExampleGen: %s", {k: len(v) for k, v in sorted(splits.items())})

        pipeline = self._make_beam_pipeline()
        for split, samples in sorted(splits.items()):
            _ = (pipeline
                 | f"Ingest[{split}]" >> ingest_transform.IngestSplit(samples, split, config_json,
                                                                      config.max_bad_fraction)
                 | f"Write[{split}]" >> write_split.WriteSplit(
                     artifact_utils.get_split_uri([examples], split),
                     example_gen_pb2.FORMAT_TFRECORDS_GZIP))
        result = pipeline.run()
        result.wait_until_finish()
        counters = {r.key.metric.name: r.committed for r in result.metrics().query(
            beam.metrics.MetricsFilter().with_namespace(ingest_transform.COUNTER_NAMESPACE))["counters"]}
        summary = {"samples": {k: len(v) for k, v in sorted(splits.items())}, "counters": counters}
        io_utils.write_string_file(os.path.join(examples.uri, SUMMARY_FILE), json.dumps(summary, indent=2))
        examples.set_string_custom_property("payload_format", "FORMAT_TF_EXAMPLE")
        examples.set_string_custom_property("file_format", "tfrecords_gzip")
        logging.info("ImageExampleGen summary: %s", summary)
