"""Beam transforms of ImageExampleGen: load samples into tf.Examples, count rejections.

Rejected samples (corrupt image, missing or mis-sized mask, unknown label ids,
unsupported mode, over the pixel budget) are counted per split and reason in Beam counters
named ``<split>/rejected_<reason>`` (examples: ``<split>/examples``) and logged with the file
and the reason; a source split whose rejected share exceeds ``max_bad_fraction`` fails the run
with a message listing them (derived splits, ``ingest.DERIVED_SPLITS``, are reported only: their
files are a source split's, or outside the dataset). Nothing is dropped silently.
"""
from __future__ import annotations

import logging
from typing import Iterable

import apache_beam as beam

import dataconf
from image_datasets import features, ingest
from image_datasets.reader import BadSampleError, Sample

__all__ = ["IngestSplit", "TooManyBadInputsError", "COUNTER_NAMESPACE", "REJECTED"]

COUNTER_NAMESPACE = "ImageExampleGen"
REJECTED = "rejected"


class TooManyBadInputsError(RuntimeError):
    """More than ``max_bad_fraction`` of a split's samples were rejected."""


class _LoadSample(beam.DoFn):
    """Sample -> serialized tf.Example(s); rejected samples go to the REJECTED output."""

    def __init__(self, config_json: str):
        self._config_json = config_json
        self._readers = None

    def setup(self):
        config = dataconf.from_json(ingest.IngestConfig, self._config_json)
        primary = ingest.make_reader(config.dataset, config.root, config)
        auxiliary = None
        if config.auxiliary is not None:
            aux = config.auxiliary
            auxiliary = (ingest.ImagesReader(aux.root, primary.table) if aux.dataset == "images"
                         else ingest.make_reader(aux.dataset, aux.root, config))
        self._dataset = config.dataset
        self._readers = {"primary": primary, "auxiliary": auxiliary}

    def process(self, sample: Sample) -> Iterable:
        reader = self._readers["auxiliary" if sample.split == "auxiliary" else "primary"]
        try:
            records = reader.load(sample)
        except BadSampleError as e:
            beam.metrics.Metrics.counter(COUNTER_NAMESPACE, f"{sample.split}/rejected_{e.code}").inc()
            logging.warning("ImageExampleGen: skipping %s (split %s): %s [%s]", e.path, sample.split,
                            e.reason, e.code)
            yield beam.pvalue.TaggedOutput(REJECTED, (sample.split, e.path, e.code, e.reason))
            return
        dataset = "auxiliary" if sample.split == "auxiliary" else self._dataset
        for record in records:
            beam.metrics.Metrics.counter(COUNTER_NAMESPACE, f"{sample.split}/examples").inc()
            yield features.make_example(record.image, record.label, record.image_id, dataset,
                                        sample.split, sample.privileged, sample.privileged_rank,
                                        sample.privileged_pool).SerializeToString()


def _check_rejections(rejected: list, split: str, total: int, max_fraction: float) -> None:
    if total and len(rejected) / total > max_fraction:
        listed = "\n".join(f"  {path}: {reason} [{code}]" for _, path, code, reason in sorted(rejected)[:20])
        more = f"\n  ... and {len(rejected) - 20} more" if len(rejected) > 20 else ""
        raise TooManyBadInputsError(
            f"split {split!r}: {len(rejected)} of {total} samples rejected "
            f"({100 * len(rejected) / total:.1f}% > max_bad_fraction {100 * max_fraction:.1f}%):\n"
            f"{listed}{more}")


@beam.ptransform_fn
def IngestSplit(pipeline, samples: list[Sample], split: str, config_json: str,  # pylint: disable=invalid-name
                max_bad_fraction: float | None) -> beam.PCollection:
    """Loads one split's samples; returns its serialized examples. ``max_bad_fraction`` None:
    rejections are counted, never fatal."""
    results = (pipeline
               | "Create" >> beam.Create(samples, reshuffle=False)
               | "Reshuffle" >> beam.Reshuffle()
               | "Load" >> beam.ParDo(_LoadSample(config_json)).with_outputs(REJECTED, main="examples"))
    if max_bad_fraction is not None:
        _ = (results[REJECTED]
             | "ListRejected" >> beam.combiners.ToList()
             | "CheckRejected" >> beam.Map(_check_rejections, split=split, total=len(samples),
                                           max_fraction=max_bad_fraction))
    return results["examples"]
