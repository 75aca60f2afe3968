"""What the paper's whole study (``cityscapes_paper``) costs: GPU-hours for the trainers, CPU
node-hours for the Beam steps, storage of the Examples artifacts, and money, per stage kind.

Every component of the real ``cityscapes_paper`` pipeline (``pipelines.pipeline.create_pipeline``)
is priced from its own units: a trainer's steps (the config's), a Beam step's frames (Cityscapes'
split sizes). The per-unit costs are measured on this project's machine kind (2-core AMD EPYC;
``MEASURED`` names each figure's benchmark) and, for trainers, moved to the paper's GPU (Quadro
RTX 6000) by the GPU/CPU speed ratio of the same network family that the paper's Table VI gives
for inference. Where no figure was measured the estimate and its basis are named (``ESTIMATED``),
and prices are public on-demand list prices (``PRICES``). Storage per frame comes from the
``cityscapes_smoke`` run at 2048x1024 (``benchmarks.paper_size``), on texture-city frames.
"""
from __future__ import annotations

import collections
import glob
import json
import os
from typing import Optional

__all__ = ["run", "FRAMES", "MEASURED", "ESTIMATED", "PRICES", "TABLE_VI"]

# Cityscapes: 2975 fine training images, 500 validation, 2000 coarse-set images for the codec and
# restorers ("extra"); the auxiliary set (Ford Multi-AV Seasonal in the paper) is assumed as large.
FRAMES = {"train": 2975, "val": 500, "extra": 2000, "auxiliary": 2000}
PIXELS = 2048 * 1024

# This machine (2 cores), per 2048x1024 frame or per training step, from docs/BENCHMARKS.md.
MEASURED = {
    "msh_codec_s": (2.244 + 2.641, "codecs: MSH paper size, encode + decode"),
    "bpg_codec_s": (0.707 + 0.228, "codecs: BPG q47 (0.087 bpp, the paper's rates), encode + decode"),
    "measures_s": (0.301 + 0.014 + 0.071 + 0.145, "compression: MS-SSIM, PSNR, PNG in and out per example"),
    "finenet_restore_s": (88.76, "restoration_speed: finenet-paper, 512 px tiles"),
    "finenet_step_s": (6.447, "restoration_speed: finenet-paper step, 256x256 crop, batch 1"),
    "rdn_step_s": (18.711, "restoration_speed: rdn-paper step, 256x256 crop, batch 1"),
    "deeplab_infer_s": (7.227, "segmentation_speed: resnet50 inference of a 2048x1024 frame"),
    "deeplab_step_s": (7.13, "segmentation_speed: resnet50 training step, batch 2 of 512x512"),
    "msh_analysis_s": (2.0, "codecs (reading): MSH paper size, the analysis transform of a frame"),
    "ingest_s": (0.39, "paper_size: ImageExampleGen's cost per frame"),
    "statistics_s": (0.2, "paper_size: StatisticsGen's cost per frame"),
}
# Figures nobody measured, with their basis.
ESTIMATED = {
    "rdn_restore_s": "an RDN forward pass is a third of its training step (forward + backward), scaled from a "
                     "256x256 crop to the frame's pixels",
    "msh_step_s": "three times the measured analysis transform of a frame, scaled to the codec preset's batch "
                  "of crops (8 of 256x256)",
    "deeplab_paper_step_s": "the measured step scaled by pixels to the paper's batch of 8 769x769 crops",
}
# The paper's Table VI (inference on a Quadro RTX 6000; BPG on a Xeon E5-1620 v4).
TABLE_VI = {"segment_gpu_s": 0.64, "msh_gpu_s": 0.10 + 0.13}
PRICES = {
    "gpu_hour": (3.06, "AWS p3.2xlarge on-demand (one V100: 15.7 FP32 TFLOPS, the RTX 6000 has 16.3)"),
    "node_hour": (0.085, "AWS c5.large on-demand (2 vCPU, this machine's size)"),
    "gb_month": (0.023, "AWS S3 standard"),
}


def _steps_and_units(config) -> dict:
    """Per stage kind: components, and their units (steps or frames) from the real pipeline."""
    from image_datasets import ingest  # pylint: disable=g-import-not-at-top
    from keras_models.segmentation.configurations import parse_restoration_id  # pylint: disable=g-import-not-at-top
    from pipelines import pipeline  # pylint: disable=g-import-not-at-top
    components = pipeline.create_pipeline(config, "/nonexistent").components
    restorers = {r.name: r for r in config.restoration.restorers}
    units = collections.defaultdict(collections.Counter)
    for c in components:
        kind = c.id.split(".", 1)[0]
        units[kind]["components"] += 1
        if kind in ("RestorationTrainer", "DatasetRestoration"):
            _, name, spec_key, _ = parse_restoration_id(c.id)
            family = "rdn" if restorers[name].preset.startswith("rdn") else "finenet"
            if kind == "RestorationTrainer":
                units[kind][f"{family}_steps"] += restorers[name].steps
            else:
                frames = sum(FRAMES[s] for s in config.restoration.splits)
                units[kind][f"{family}_frames"] += frames
                units[kind][f"{_family(spec_key)}_restored_frames"] += frames
        elif kind == "SegmentationTrainer":
            units[kind]["steps"] += config.segmentation.steps
        elif kind == "Evaluator":
            units[kind]["frames"] += FRAMES[config.segmentation.test_split]
    ingested = FRAMES["train"] + FRAMES["val"] + FRAMES["extra"] + FRAMES["auxiliary"]
    units["ImageExampleGen"]["frames"] = ingested
    units["StatisticsGen"]["frames"] = ingested
    privileged = ingest.privileged_count(config.ingest.privileged_fraction, FRAMES["train"])
    split_frames = {**FRAMES, "privileged": privileged}
    for spec in config.compression.specs:
        frames = sum(split_frames[s] for s in config.compression.splits)
        units["Compression"][f"{_family(spec.codec)}_frames"] += frames
    units["CodecTrainer"]["msh_steps"] = config.codec_training.steps * len(config.codec_training.lambdas)
    return units


def _family(key: str) -> str:
    """``msh`` or ``bpg``: the two codecs of ``cityscapes_paper``."""
    return "msh" if key.startswith("msh") else "bpg"


def _bytes_per_frame(run_dir: str) -> dict:
    """Bytes per example of each Examples kind in a cityscapes_smoke run."""
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    sums = collections.defaultdict(lambda: [0, 0])
    root = os.path.join(run_dir, "pipeline_root")
    patterns = {"ingested": "ImageExampleGen/examples/*/Split-*", "msh_compressed": "Compression/*/*/Split-*__msh_*",
                "bpg_compressed": "Compression/*/*/Split-*__bpg_*",
                "msh_restored": "DatasetRestoration.*/restored_examples/*/Split-*__msh_*",
                "bpg_restored": "DatasetRestoration.*/restored_examples/*/Split-*__bpg_*"}
    for kind, pattern in patterns.items():
        for split in glob.glob(os.path.join(root, pattern)):
            files = glob.glob(os.path.join(split, "*.gz"))
            sums[kind][0] += sum(os.path.getsize(f) for f in files)
            sums[kind][1] += sum(1 for _ in tf.data.TFRecordDataset(files, compression_type="GZIP"))
    if not sums:
        raise FileNotFoundError(f"{run_dir}: no cityscapes_smoke run there (python -m benchmarks.run paper_size)")
    return {k: b / n for k, (b, n) in sums.items() if n}


def run(images: Optional[int] = None, measured: Optional[dict] = None,
        smoke_run: str = "runs/paper-size/train12") -> list[dict]:
    """``images`` is unused; ``measured`` overrides ``MEASURED``'s values (seconds)."""
    del images
    from keras_models.msh import config as msh_config  # pylint: disable=g-import-not-at-top
    from pipelines import config as config_lib  # pylint: disable=g-import-not-at-top
    m = {k: v for k, (v, _) in MEASURED.items()}
    m.update(measured or {})
    missing = [k for k, v in m.items() if v is None]
    if missing:
        raise ValueError(f"measure {missing} first (python -m benchmarks.run segmentation_speed) and pass them")
    config = config_lib.load_config("cityscapes_paper")
    units = _steps_and_units(config)
    per_frame = _bytes_per_frame(smoke_run)

    conv_speedup = m["msh_codec_s"] / TABLE_VI["msh_gpu_s"]
    seg_speedup = m["deeplab_infer_s"] / TABLE_VI["segment_gpu_s"]
    batch, crop = config.segmentation.training.batch_size, config.segmentation.training.crop
    deeplab_step_cpu = m["deeplab_step_s"] * batch * crop[0] * crop[1] / (2 * 512 * 512)
    msh = msh_config.preset(config.codec_training.preset, **config.codec_training.overrides)
    msh_step_cpu = 3 * m["msh_analysis_s"] * msh.batch_size * msh.crop * msh.crop / PIXELS
    rdn_restore = m["rdn_step_s"] / 3 * PIXELS / (256 * 256)

    gpu_s = {
        "CodecTrainer": units["CodecTrainer"]["msh_steps"] * msh_step_cpu / conv_speedup,
        "RestorationTrainer": (units["RestorationTrainer"]["finenet_steps"] * m["finenet_step_s"]
                               + units["RestorationTrainer"]["rdn_steps"] * m["rdn_step_s"]) / conv_speedup,
        "SegmentationTrainer": units["SegmentationTrainer"]["steps"] * deeplab_step_cpu / seg_speedup,
    }
    cpu_s = {
        "ImageExampleGen": units["ImageExampleGen"]["frames"] * m["ingest_s"],
        "StatisticsGen": units["StatisticsGen"]["frames"] * m["statistics_s"],
        "Compression": (units["Compression"]["msh_frames"] * (m["msh_codec_s"] + m["measures_s"])
                        + units["Compression"]["bpg_frames"] * (m["bpg_codec_s"] + m["measures_s"])),
        "DatasetRestoration": (units["DatasetRestoration"]["finenet_frames"] * m["finenet_restore_s"]
                               + units["DatasetRestoration"]["rdn_frames"] * rdn_restore),
        "Evaluator": units["Evaluator"]["frames"] * m["deeplab_infer_s"],
    }
    stored = {
        "ImageExampleGen": units["ImageExampleGen"]["frames"] * per_frame.get("ingested", 0),
        "Compression": sum(units["Compression"][f"{f}_frames"] * per_frame.get(f"{f}_compressed", 0)
                           for f in ("msh", "bpg")),
        "DatasetRestoration": sum(units["DatasetRestoration"][f"{f}_restored_frames"]
                                  * per_frame.get(f"{f}_restored", 0) for f in ("msh", "bpg")),
    }
    gpu_price, node_price, gb_price = (PRICES[k][0] for k in ("gpu_hour", "node_hour", "gb_month"))
    rows, totals = [], collections.Counter()
    for kind in sorted(units, key=lambda k: -(gpu_s.get(k, 0) * gpu_price + cpu_s.get(k, 0) * node_price)):
        gpu_h, node_h, gb = gpu_s.get(kind, 0) / 3600, cpu_s.get(kind, 0) / 3600, stored.get(kind, 0) / 1e9
        dollars = gpu_h * gpu_price + node_h * node_price + gb * gb_price
        totals.update(gpu_h=gpu_h, node_h=node_h, gb=gb, dollars=dollars)
        rows.append({"stage": kind, "components": units[kind]["components"],
                     "units": ", ".join(f"{k} {v:,}" for k, v in sorted(units[kind].items()) if k != "components"),
                     "gpu_hours": round(gpu_h, 1), "cpu_node_hours": round(node_h, 1), "storage_gb": round(gb, 1),
                     "usd": round(dollars)})
    rows.append({"stage": "total", "gpu_hours": round(totals["gpu_h"], 1), "cpu_node_hours": round(totals["node_h"], 1),
                 "storage_gb": round(totals["gb"], 1), "usd": round(totals["dollars"])})
    extra_seeds = 2 * (gpu_s["SegmentationTrainer"] / 3600 * gpu_price + cpu_s["Evaluator"] / 3600 * node_price)
    rows.append({"stage": "seeds: 3 adds (two more SegmentationTrainers and Evaluators each)",
                 "gpu_hours": round(2 * gpu_s["SegmentationTrainer"] / 3600, 1),
                 "cpu_node_hours": round(2 * cpu_s["Evaluator"] / 3600, 1), "usd": round(extra_seeds)})
    rows.append({"stage": "inputs", "units": json.dumps({
        "gpu_speedup_conv (Table VI MSH)": round(conv_speedup, 1),
        "gpu_speedup_deeplab (Table VI)": round(seg_speedup, 1),
        "deeplab_step_cpu_s (batch 8, 769x769)": round(deeplab_step_cpu, 1), "msh_step_cpu_s (estimated)":
        round(msh_step_cpu, 2), "rdn_restore_cpu_s (estimated)": round(rdn_restore), "bytes_per_frame":
        {k: round(v / 1e6, 2) for k, v in per_frame.items()}})})
    return rows
