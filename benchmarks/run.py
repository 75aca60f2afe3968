"""Runs a benchmark, prints its records as JSON, and with --record writes them into
docs/BENCHMARKS.md (replacing that benchmark's previous section).

    .venv/bin/python -m benchmarks.run ingest --images 32 --record
"""
from __future__ import annotations

import argparse
import importlib
import inspect
import json
import os
import re
import sys

from benchmarks import machine

BENCHMARKS = {
    "ingest": ("benchmarks.ingest_throughput", "Ingestion throughput (ImageExampleGen, 2048x1024)"),
    "codecs": ("benchmarks.codec_speed", "Codec speed per 2048x1024 image (and MSH vs CompressAI)"),
    "codecs_bd": ("benchmarks.codec_bd_rate",
                  "Image codecs on 2048x1024 photographs: BD-rate against BPG, encode and decode time"),
    "compression": ("benchmarks.compression_throughput", "Compression Transform throughput (BPG q40, 2048x1024)"),
    "msh_vs_jpeg": ("benchmarks.msh_vs_jpeg", "MSH trained briefly on texture-city vs JPEG at matched bpp"),
    "texture_city_effect": ("benchmarks.texture_city_effect", "texture-city: tiny DeepLabv3+ trained on originals vs JPEG q5"),
    "restoration_speed": ("benchmarks.restoration_speed",
                          "Restorer training step and restoration throughput on CPU (tiny and paper presets)"),
    "serving": ("benchmarks.serving_latency", "Served segmentation on loopback (1024x512 PNG, tiny DeepLabv3+)"),
    "segmentation_speed": ("benchmarks.segmentation_speed",
                           "DeepLabv3+ training step, inference per 2048x1024 image, inference cost (Table VI)"),
    "demo_grid": ("benchmarks.demo_grid", "The demo pipeline's mIoU grid over segmentation seeds"),
    "restoration_effect": ("benchmarks.restoration_effect",
                           "Dataset restoration on texture-city: FineNet vs RDN (JPEG q5, privileged quarter)"),
    "ir2i": ("benchmarks.ir2i_rate_savings",
             "IR2I vs R2I vs the residual encoder on texture-city (BD-rate on MS-SSIM, Table 2 / Fig. 5)"),
    "bpg_vs_libbpg": ("benchmarks.bpg_vs_libbpg",
                      "BPG against libbpg 0.9.8 (bpgdec / bpgenc) on a 2048x1024 photograph, same run"),
    "cli_startup": ("benchmarks.cli_startup", "The dsr command's start-up (help, tiny encode and decode)"),
    "export": ("benchmarks.export_speed",
               "SavedModel export and load of the segmenter and the restorer: shipped layout vs Keras-tracked"),
    "ir2i_speed": ("benchmarks.ir2i_speed",
                   "IR2I speed: dsr codec train / encode / decode from the command line, in-process throughput"),
    "fuzz": ("benchmarks.fuzz", "Fuzzing the decoders: mutated containers and full decodes"),
    "bpg_check": ("benchmarks.bpg_check_cost",
                  "BPG's check of untrusted files (a CABAC parse of the HEVC slices) beside its decode, 2048x1024"),
    "hostile": ("benchmarks.hostile_inputs",
                "Hostile inputs: memory and time of every decoder on forged sizes, and of the server under abuse"),
    "paper_size": ("benchmarks.paper_size",
                   "The paper's image size end to end (cityscapes_smoke, 2048x1024): time and memory per stage"),
    "paper_size_memory": ("benchmarks.paper_size_memory",
                          "The paper-size run's memory, component by component, with each component's freed memory returned"),
    "cost_model": ("benchmarks.cost_model",
                   "What the paper's whole study costs (cityscapes_paper): GPU-hours, CPU node-hours, storage, money"),
    "step_overhead": ("benchmarks.step_overhead",
                      "The fixed cost around every pipeline step: executor, Beam runner, garbage collection"),
    "ir2i_context": ("benchmarks.ir2i_inpainting_context",
                     "IR2I at low rates: inpainting learnt from original vs coded context, over seeds"),
}
DOC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "BENCHMARKS.md")


def _table(records: list[dict]) -> str:
    keys = list(dict.fromkeys(k for r in records for k in r))
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(str(r.get(k, "")) for k in keys) + " |" for r in records]
    return "\n".join(lines)


def record(name: str, command: str, records: list[dict], info: dict) -> None:
    title = BENCHMARKS[name][1]
    section = (f"<!-- bench:{name} -->\n## {title}\n\n`{command}`\n\n"
               f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB; "
               f"Python {info['python']}; {info['date']}.\n\n{_table(records)}\n<!-- /bench:{name} -->")
    text = open(DOC).read() if os.path.exists(DOC) else "# Benchmarks\n\nRecorded by `python -m benchmarks.run NAME --record`.\n"
    pattern = re.compile(rf"<!-- bench:{name} -->.*?<!-- /bench:{name} -->", re.S)
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
    os.makedirs(os.path.dirname(DOC), exist_ok=True)
    with open(DOC, "w") as f:
        f.write(text)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("name", choices=sorted(BENCHMARKS))
    parser.add_argument("--images", type=int, default=None,
                        help="images (or timed repetitions for codecs); default per benchmark")
    parser.add_argument("--seeds", type=int, default=None, help="texture_city_effect, ir2i_context: training seeds")
    parser.add_argument("--models", default=None,
                        help="ir2i_context: joint models compared with R2I, comma-separated (original,coded)")
    parser.add_argument("--first-seed", type=int, default=None, help="ir2i_context: the first training seed")
    parser.add_argument("--schedule", default=None,
                        help="ir2i_context: 'equal' steps and drops for every model (default) or the 'paper' schedules")
    parser.add_argument("--record", action="store_true", help="write the results into docs/BENCHMARKS.md")
    args = parser.parse_args(argv)
    module = importlib.import_module(BENCHMARKS[args.name][0])
    models = tuple(m.strip() for m in args.models.split(",") if m.strip()) if args.models is not None else None
    options = (("images", args.images), ("seeds", args.seeds), ("models", models), ("first_seed", args.first_seed),
               ("schedule", args.schedule))
    kwargs = {k: v for k, v in options if v is not None}
    accepted = inspect.signature(module.run).parameters
    for option in kwargs:
        if option not in accepted:
            parser.error(f"--{option.replace('_', '-')} does not apply to the {args.name} benchmark")
    records = module.run(**kwargs)
    info = machine.describe()
    print(json.dumps({"benchmark": args.name, "machine": info, "results": records}, indent=2))
    if args.record:
        record(args.name, "python -m benchmarks.run " + " ".join(argv or sys.argv[1:]), records, info)
    return 0


if __name__ == "__main__":
    sys.exit(main())
