"""Compression Transform throughput (BPG q40 on 2048x1024 images): DirectRunner in memory
with 1 worker vs multi-processing with 2, separating start-up from per-image cost."""
from __future__ import annotations

import json
import os
import tempfile
import time

from tfx.dsl.components.base import base_beam_executor
from tfx.types import standard_artifacts

import dataconf
from components.artifacts import RateDistortion
from components.compression import executor as compression
from components.image_example_gen import executor as example_gen
from image_codecs.specs import CodecSpec
from image_datasets import ingest
from image_datasets.texture_city import generator

__all__ = ["run"]

MODES = [("DirectRunner in_memory, 1 worker", ["--direct_running_mode=in_memory", "--direct_num_workers=1"]),
         ("DirectRunner multi_processing, 2 workers", ["--direct_running_mode=multi_processing",
                                                       "--direct_num_workers=2"])]


def _ingest(root: str, n: int, out: str) -> standard_artifacts.Examples:
    examples = standard_artifacts.Examples()
    examples.uri = out
    config = ingest.IngestConfig(dataset="cityscapes", root=root, privileged_fraction=0, max_images_per_split=n)
    ctx = base_beam_executor.BaseBeamExecutor.Context(beam_pipeline_args=MODES[0][1])
    example_gen.Executor(ctx).Do({}, {"examples": [examples]}, {example_gen.INGEST_CONFIG_KEY: dataconf.to_json(config)})
    return examples


def _compress(examples, out: str, args: list[str]) -> float:
    compressed, rd = standard_artifacts.Examples(), RateDistortion()
    compressed.uri, rd.uri = out + "_ex", out + "_rd"
    ctx = base_beam_executor.BaseBeamExecutor.Context(beam_pipeline_args=args)
    start = time.perf_counter()
    compression.Executor(ctx).Do({"examples": [examples]}, {"compressed_examples": [compressed], "rate_distortion": [rd]},
                                 {compression.SPECS_KEY: json.dumps([dataconf.to_dict(CodecSpec("bpg", quality=40))]),
                                  compression.SPLITS_KEY: json.dumps(["train"]), compression.MATCH_SAMPLE_KEY: 4})
    return time.perf_counter() - start


def run(images: int = 16) -> list[dict]:
    data_dir = os.path.join(tempfile.gettempdir(), "dsr-bench-2048")
    generator.write_dataset(data_dir, generator.DemoSpec(train=images, val=0, width=2048, height=1024, seed=5))
    small = max(1, images // 4)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        sets = {n: _ingest(data_dir, n, os.path.join(tmp, f"in{n}")) for n in (small, images)}
        for name, args in MODES:
            t = {n: _compress(sets[n], os.path.join(tmp, f"{len(rows)}_{n}"), args) for n in (small, images)}
            rows.append({"mode": name, f"s_{small}_images": round(t[small], 1), f"s_{images}_images": round(t[images], 1),
                         "images_per_s": round(images / t[images], 3),
                         "marginal_images_per_s": round((images - small) / max(t[images] - t[small], 1e-9), 3)})
    rows[1]["marginal_speedup_2_vs_1"] = round(rows[1]["marginal_images_per_s"] / rows[0]["marginal_images_per_s"], 2)
    return rows
