"""ImageExampleGen throughput on 2048x1024 images: DirectRunner with 1 vs 2 workers, and
a plain single-process loop doing the same work (read, convert, PNG-encode, write
TFRecord) as the peer."""
from __future__ import annotations

import os
import tempfile
import time

import tensorflow as tf
from tfx.dsl.components.base import base_beam_executor
from tfx.types import standard_artifacts

import dataconf
from components.image_example_gen import executor
from image_datasets import features, ingest
from image_datasets.texture_city import generator
from pipelines import beam_args, config as config_lib

__all__ = ["run"]


def _plain_loop(config: ingest.IngestConfig, out: str) -> int:
    splits, reader, _ = ingest.plan_samples(config)
    n = 0
    with tf.io.TFRecordWriter(out, options="GZIP") as writer:
        for split, samples in splits.items():
            for sample in samples:
                for record in reader.load(sample):
                    writer.write(features.make_example(record.image, record.label, record.image_id, "cityscapes",
                                                       split).SerializeToString())
                    n += 1
    return n


def _executor(config: ingest.IngestConfig, out: str, args: list[str]) -> None:
    examples = standard_artifacts.Examples()
    examples.uri = out
    ex = executor.Executor(base_beam_executor.BaseBeamExecutor.Context(beam_pipeline_args=beam_args.complete(args)))
    ex.Do({}, {"examples": [examples]}, {executor.INGEST_CONFIG_KEY: dataconf.to_json(config)})


def _time(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(images: int = 32, data_dir: str | None = None) -> list[dict]:
    """Times each mode on ``images // 4`` and on ``images`` 2048x1024 images.

    Returns one record per mode with both wall times and the marginal throughput
    (extra images / extra seconds), which separates per-image cost from the fixed
    start-up (worker processes, TFX's ephemeral package for Beam).
    """
    data_dir = data_dir or os.path.join(tempfile.gettempdir(), "dsr-bench-2048")
    generator.write_dataset(data_dir, generator.DemoSpec(train=images, val=0, width=2048, height=1024, seed=5))
    small = max(1, images // 4)
    modes = [
        ("plain loop (peer)", None),
        ("DirectRunner in_memory, 1 worker", list(beam_args.IN_PROCESS)),
        ("DirectRunner multi_processing, 2 workers", list(config_lib.DEFAULT_BEAM_ARGS)),
    ]
    records = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, args in modes:
            seconds = {}
            for n in (small, images):
                config = ingest.IngestConfig(dataset="cityscapes", root=data_dir, privileged_fraction=0,
                                             max_images_per_split=n)
                out = os.path.join(tmp, f"{len(records)}_{n}")
                if args is None:
                    seconds[n] = _time(lambda: _plain_loop(config, out + ".gz"))  # pylint: disable=cell-var-from-loop
                else:
                    seconds[n] = _time(lambda: _executor(config, out, args))  # pylint: disable=cell-var-from-loop
            marginal = (images - small) / max(seconds[images] - seconds[small], 1e-9)
            records.append({"mode": name, f"s_{small}_images": round(seconds[small], 1),
                            f"s_{images}_images": round(seconds[images], 1),
                            "images_per_s": round(images / seconds[images], 2),
                            "marginal_images_per_s": round(marginal, 2)})
    peer = records[0]["marginal_images_per_s"]
    for r in records[1:]:
        r["marginal_ratio_to_peer"] = round(r["marginal_images_per_s"] / peer, 2)
    return records
