"""ImageExampleGen executor: plans the samples, runs the ingest Beam pipeline, writes
one Examples split per non-empty split, and records a summary of counts and rejections."""
from __future__ import annotations

import json
import logging
import os
from typing import Any

import apache_beam as beam
import tensorflow as tf
from tfx import types
from tfx.dsl.components.base import base_beam_executor
from tfx.types import artifact_utils
from tfx.utils import io_utils

import dataconf
from components import examples_beam, examples_io
from components.image_example_gen import ingest_transform
from image_datasets import ingest

__all__ = ["Executor", "INGEST_CONFIG_KEY", "SUMMARY_FILE"]

INGEST_CONFIG_KEY = "ingest_config"
SUMMARY_FILE = "ingest_summary.json"


def _summary(splits: dict, counters, examples: types.Artifact) -> dict:
    """Per split: samples planned, examples written, rejections by reason (counters are named
    ``<split>/<name>``; a counter reported by several steps is summed). ``counters`` None: the
    runner collects no Beam counters (Dask); the examples are counted in the written files and
    the rejections are not known (``null``)."""
    summary = {"samples": {k: len(v) for k, v in sorted(splits.items())},
               "examples": {k: 0 for k in sorted(splits)}, "rejected": {k: {} for k in sorted(splits)}}
    if counters is None:
        for split in splits:
            files = examples_io.split_files([artifact_utils.get_split_uri([examples], split)])
            summary["examples"][split] = sum(1 for _ in tf.data.TFRecordDataset(files, compression_type="GZIP"))
        summary["rejected"] = None
        return summary
    for counter in counters:
        split, _, name = counter.key.metric.name.partition("/")
        if name == "examples":
            summary["examples"][split] += counter.committed
        elif name.startswith("rejected_"):
            reason = name[len("rejected_"):]
            summary["rejected"][split][reason] = summary["rejected"][split].get(reason, 0) + counter.committed
    summary["rejected"] = {k: dict(sorted(v.items())) for k, v in summary["rejected"].items()}
    return summary


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
            judged = None if split in ingest.DERIVED_SPLITS else config.max_bad_fraction
            _ = (pipeline
                 | f"Ingest[{split}]" >> ingest_transform.IngestSplit(samples, split, config_json, judged)
                 | f"Write[{split}]" >> examples_beam.write(examples, split))
        result = pipeline.run()
        result.wait_until_finish()
        try:
            counters = result.metrics().query(
                beam.metrics.MetricsFilter().with_namespace(ingest_transform.COUNTER_NAMESPACE))["counters"]
        except NotImplementedError:  # Dask (components.dask_runner) collects no counters
            logging.warning("ImageExampleGen: this Beam runner collects no counters; examples are counted in the "
                            "written files and rejections are not known")
            counters = None
        summary = _summary(splits, counters, examples)
        io_utils.write_string_file(os.path.join(examples.uri, SUMMARY_FILE), json.dumps(summary, indent=2))
        examples_beam.describe(examples)
        logging.info("ImageExampleGen summary: %s", summary)
