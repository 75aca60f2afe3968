"""Compression Transform throughput (BPG q40 on 2048x1024 images): DirectRunner in memory
with 1 worker vs multi-processing with 2, separating start-up from per-image cost, against the
bare codec (encode + decode in a loop, nothing else) as a ratio, the bare codec timed right
before and right after each mode (this machine's speed drifts over minutes); and a profile of
one example: what the Transform does besides coding (PNG decoding of the input, PSNR and
MS-SSIM, PNG encoding of the decoded image, gzipping the written TFRecords) in wall and CPU
seconds."""
from __future__ import annotations

import glob
import json
import os
import tempfile
import time
import zlib

from tfx.dsl.components.base import base_beam_executor
from tfx.types import standard_artifacts

import dataconf
from benchmarks.isolated import cpu_s
from components.artifacts import RateDistortion
from components.compression import executor as compression
from components.image_example_gen import executor as example_gen
from image_codecs.specs import CodecSpec
from image_datasets import ingest
from image_datasets.texture_city import generator
from pipelines import beam_args, config as config_lib

__all__ = ["run"]

MODES = [("DirectRunner in_memory, 1 worker", list(beam_args.IN_PROCESS)),
         ("DirectRunner multi_processing, 2 workers", list(config_lib.DEFAULT_BEAM_ARGS))]


def _ingest(root: str, n: int, out: str) -> standard_artifacts.Examples:
    examples = standard_artifacts.Examples()
    examples.uri = out
    config = ingest.IngestConfig(dataset="cityscapes", root=root, privileged_fraction=0, max_images_per_split=n)
    ctx = base_beam_executor.BaseBeamExecutor.Context(beam_pipeline_args=beam_args.complete(MODES[0][1]))
    example_gen.Executor(ctx).Do({}, {"examples": [examples]}, {example_gen.INGEST_CONFIG_KEY: dataconf.to_json(config)})
    return examples


def _compress(examples, out: str, args: list[str]) -> float:
    compressed, rd = standard_artifacts.Examples(), RateDistortion()
    compressed.uri, rd.uri = out + "_ex", out + "_rd"
    ctx = base_beam_executor.BaseBeamExecutor.Context(beam_pipeline_args=beam_args.complete(args))
    start = time.perf_counter()
    compression.Executor(ctx).Do({"examples": [examples]}, {"compressed_examples": [compressed], "rate_distortion": [rd]},
                                 {compression.SPECS_KEY: json.dumps([dataconf.to_dict(CodecSpec("bpg", quality=40))]),
                                  compression.SPLITS_KEY: json.dumps(["train"]), compression.MATCH_SAMPLE_KEY: 4})
    return time.perf_counter() - start


def _stages(png: bytes) -> tuple[dict, dict]:
    """Wall and CPU seconds of each step the Transform takes for one example
    (``CompressExample.process``), and of gzipping the two PNGs the written example carries
    (the input's and the decoded image's) as Beam's TFRecord sink does."""
    from image_codecs import metrics, registry  # pylint: disable=g-import-not-at-top
    from image_datasets import image_files  # pylint: disable=g-import-not-at-top

    codec = registry.make_codec("bpg", 40)
    wall, cpu = {}, {}

    def timed(name, fn, *args):
        start, start_cpu = time.perf_counter(), cpu_s()
        out = fn(*args)
        wall[name], cpu[name] = round(time.perf_counter() - start, 3), round(cpu_s() - start_cpu, 3)
        return out

    def gzip(data: bytes) -> bytes:  # apache_beam.io.filesystem.CompressedFile's compressor
        compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        return compressor.compress(data) + compressor.flush()

    image = timed("png_decode_s", image_files.decode_png, png)
    data = timed("encode_s", codec.encode, image)
    decoded = timed("decode_s", codec.decode, data)
    timed("psnr_s", metrics.psnr, image, decoded)
    timed("ms_ssim_s", metrics.ms_ssim, image, decoded)
    decoded_png = timed("png_encode_s", image_files.encode_png, decoded)
    timed("gzip_written_pngs_s", gzip, png + decoded_png)
    return wall, cpu


def _bare_codec(pngs: list[bytes]) -> tuple[float, float]:
    """Images per second of BPG q40 encode + decode alone, and CPU seconds per image."""
    from image_codecs import registry  # pylint: disable=g-import-not-at-top
    from image_datasets import image_files  # pylint: disable=g-import-not-at-top

    codec = registry.make_codec("bpg", 40)
    images = [image_files.decode_png(p) for p in pngs]
    start, start_cpu = time.perf_counter(), cpu_s()
    for image in images:
        codec.decode(codec.encode(image))
    return len(images) / (time.perf_counter() - start), (cpu_s() - start_cpu) / len(images)


def run(images: int = 16) -> list[dict]:
    data_dir = os.path.join(tempfile.gettempdir(), "dsr-bench-2048")
    generator.write_dataset(data_dir, generator.DemoSpec(train=images, val=0, width=2048, height=1024, seed=5))
    small = max(1, images // 4)
    pngs = []
    for path in sorted(glob.glob(os.path.join(data_dir, "leftImg8bit", "train", "*", "*.png")))[:images]:
        with open(path, "rb") as f:
            pngs.append(f.read())
    rows, bare = [], [_bare_codec(pngs)]
    with tempfile.TemporaryDirectory() as tmp:
        sets = {n: _ingest(data_dir, n, os.path.join(tmp, f"in{n}")) for n in (small, images)}
        for name, args in MODES:
            t = {n: _compress(sets[n], os.path.join(tmp, f"{len(rows)}_{n}"), args) for n in (small, images)}
            bare.append(_bare_codec(pngs))
            around = (bare[-2][0] + bare[-1][0]) / 2
            marginal = (images - small) / max(t[images] - t[small], 1e-9)
            rows.append({"mode": name, f"s_{small}_images": round(t[small], 1), f"s_{images}_images": round(t[images], 1),
                         "images_per_s": round(images / t[images], 3), "marginal_images_per_s": round(marginal, 3),
                         "bare_codec_images_per_s_around": round(around, 3), "vs_bare_codec": round(marginal / around, 2)})
    rows[1]["marginal_speedup_2_vs_1"] = round(rows[1]["marginal_images_per_s"] / rows[0]["marginal_images_per_s"], 2)
    for i, (per_s, cpu) in enumerate(bare):
        rows.append({"mode": f"bare codec: BPG q40 encode + decode, in a loop (run {i + 1} of {len(bare)})",
                     "images_per_s": round(per_s, 3), "cpu_s_per_image": round(cpu, 3)})
    wall, cpu = _stages(pngs[0])
    rows.append({"mode": "one example, step by step (seconds)", **wall})
    rows.append({"mode": "one example, step by step (CPU seconds, with the codec's processes)", **cpu})
    return rows
