"""The paper's image size end to end: ``dsr run --config cityscapes_smoke`` (texture-city at
2048x1024 in the Cityscapes layout, every stage of ``cityscapes_paper`` at tiny sizes) at two
dataset sizes, each in a fresh run directory and a fresh process tree.

For every stage kind (ImageExampleGen, Compression, RestorationTrainer, ...) it records the
wall time summed over that kind's components and the peak resident memory while one of them
ran, from the ``[k/N] <id> ...`` / ``done in`` lines ``dsr run`` prints and a sampler of the
process tree's memory every 0.5 s: the sum of the processes' proportional set sizes (PSS, a
page shared by n processes counted 1/n in each: the tree's true resident memory), the sum of
their RSS (which counts a shared page once per process: an upper bound) and the largest RSS.
The peaks in the table are the larger run's. The second size doubles every split, so a stage
whose cost grows linearly in the number of images doubles its time less its fixed part: the
table gives each kind's ratio, its per-image cost ``(t2 - t1) / (n2 - n1)`` and its fixed part
``2 t1 - t2``.
"""
from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from typing import Optional

import yaml

__all__ = ["run", "run_once", "by_kind", "peak", "scaled_config", "stage_spans", "StageSpan", "TreeSampler"]

_START = re.compile(r"^\[(\d+)/(\d+)\] (\S+) \.\.\.$")
_END = re.compile(r"^\[(\d+)/(\d+)\] (\S+): (done in \d+ s|cached)$")
SAMPLE_S = 0.5


@dataclasses.dataclass
class StageSpan:
    """One component's run: its id, start and end (monotonic seconds), whether cached."""
    component: str
    start: float
    end: float
    cached: bool = False

    @property
    def kind(self) -> str:
        return self.component.split(".", 1)[0]


def stage_spans(lines: list[tuple[float, str]]) -> list[StageSpan]:
    """The components' spans from ``dsr run``'s stage lines, each with the time it was read."""
    spans, open_ = [], {}
    for t, line in lines:
        if m := _START.match(line.strip()):
            open_[m.group(3)] = t
        elif (m := _END.match(line.strip())) and m.group(3) in open_:
            spans.append(StageSpan(m.group(3), open_.pop(m.group(3)), t, m.group(4) == "cached"))
    return spans


class TreeSampler(threading.Thread):
    """Samples the memory of a process and all its descendants every 0.5 s: the sum of their
    RSS, the largest RSS, and the sum of their PSS (proportional set size: a page shared by n
    processes counts 1/n in each, so the sum is the tree's true resident memory)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        import psutil  # pylint: disable=g-import-not-at-top
        self.root = psutil.Process(pid)
        self.samples: list[tuple[float, int, int, int]] = []  # (time, RSS sum, largest RSS, PSS sum), bytes
        self.stop = threading.Event()

    def run(self):
        import psutil  # pylint: disable=g-import-not-at-top
        while not self.stop.is_set():
            total = largest = pss = 0
            try:
                procs = [self.root] + self.root.children(recursive=True)
            except psutil.Error:
                break
            for p in procs:
                try:
                    info = p.memory_full_info()
                except psutil.Error:
                    continue
                total += info.rss
                largest = max(largest, info.rss)
                pss += info.pss
            self.samples.append((time.monotonic(), total, largest, pss))
            self.stop.wait(SAMPLE_S)


def scaled_config(base: dict, factor: float, root: str) -> dict:
    config = yaml.safe_load(yaml.safe_dump(base))
    for split in ("train", "val", "auxiliary"):
        config["demo_data"][split] = max(1, round(config["demo_data"][split] * factor))
    config["ingest"]["root"] = root
    config["ingest"]["auxiliary"]["root"] = os.path.join(root, "auxiliary")
    return config


def run_once(config: dict, run_dir: str, log_path: str, command: Optional[list[str]] = None) -> dict:
    """``dsr run`` of ``config`` in a fresh process (``command``: another program taking
    ``dsr``'s arguments); its printed lines, spans, samples, wall time."""
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        yaml.safe_dump(config, f)
    dsr = os.path.join(os.path.dirname(sys.executable), "dsr")
    lines = []
    start = time.monotonic()
    with open(log_path, "a") as log:
        proc = subprocess.Popen((command or [dsr]) + ["run", "--config", f.name, "--run-dir", run_dir], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, bufsize=1)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        for line in proc.stdout:
            lines.append((time.monotonic(), line.rstrip("\n")))
            log.write(line)
            log.flush()
        code = proc.wait()
        sampler.stop.set()
        sampler.join()
    os.unlink(f.name)
    if code != 0:
        raise RuntimeError(f"dsr run exited with {code}; see {log_path}")
    return {"lines": lines, "spans": stage_spans(lines), "samples": sampler.samples,
            "wall_s": time.monotonic() - start, "start": start}


def peak(samples, start: float = float("-inf"), end: float = float("inf")) -> tuple[int, int, int]:
    """The peaks of RSS sum, largest RSS and PSS sum while ``start``..``end`` (default: all)."""
    inside = [sample[1:] for sample in samples if start <= sample[0] <= end + SAMPLE_S]
    return tuple(max(column) for column in zip(*inside)) if inside else (0, 0, 0)


def by_kind(result: dict) -> dict[str, dict]:
    kinds: dict[str, dict] = {}
    for span in result["spans"]:
        k = kinds.setdefault(span.kind, {"components": 0, "wall_s": 0.0, "tree": 0, "largest": 0, "pss": 0})
        k["components"] += 1
        k["wall_s"] += span.end - span.start
        tree, largest, pss = peak(result["samples"], span.start, span.end)
        k["tree"], k["largest"], k["pss"] = max(k["tree"], tree), max(k["largest"], largest), max(k["pss"], pss)
    return kinds


def run(images: Optional[int] = None, run_root: str = "runs/paper-size") -> list[dict]:
    """``images``: the training frames of the larger run (default: the config's 12); the
    smaller run has half of every split."""
    from pipelines import config as config_lib  # pylint: disable=g-import-not-at-top
    with open(os.path.join(config_lib.CONFIG_DIR, "cityscapes_smoke.yaml")) as f:
        base = yaml.safe_load(f)
    full = images or base["demo_data"]["train"]
    sizes = []
    for factor in (full / base["demo_data"]["train"] / 2, full / base["demo_data"]["train"]):
        config = scaled_config(base, factor, f"data/texture-city-2048-x{factor:g}")
        name = f"train{config['demo_data']['train']}"
        os.makedirs(run_root, exist_ok=True)
        run_dir = os.path.join(run_root, name)
        if os.path.exists(run_dir):
            raise FileExistsError(f"{run_dir} exists: a cached run would time nothing; remove it first")
        print(f"paper_size: {name} -> {run_dir} (log {run_dir}.log)", file=sys.stderr, flush=True)
        result = run_once(config, run_dir, run_dir + ".log")
        sizes.append((config["demo_data"], result))
    rows = []
    (d1, r1), (d2, r2) = sizes
    n1, n2 = d1["train"] + d1["val"] + d1["auxiliary"], d2["train"] + d2["val"] + d2["auxiliary"]
    k1, k2 = by_kind(r1), by_kind(r2)
    for kind in k2:
        a, b = k1.get(kind), k2[kind]
        row = {"stage": kind, "components": b["components"],
               f"wall_s ({n1} frames)": round(a["wall_s"], 1) if a else "",
               f"wall_s ({n2} frames)": round(b["wall_s"], 1),
               "ratio": round(b["wall_s"] / a["wall_s"], 2) if a and a["wall_s"] else "",
               "per_frame_s": round((b["wall_s"] - a["wall_s"]) / (n2 - n1), 2) if a else "",
               "fixed_s": round(2 * a["wall_s"] - b["wall_s"], 1) if a else "",
               "peak_tree_pss_mib": round(b["pss"] / 2**20), "peak_tree_rss_mib": round(b["tree"] / 2**20),
               "peak_process_rss_mib": round(b["largest"] / 2**20)}
        rows.append(row)
    for (d, r), n in (((d1, r1), n1), ((d2, r2), n2)):
        tree, largest, pss = peak(r["samples"])
        rows.append({"stage": f"whole run: {d['train']} train + {d['val']} val + {d['auxiliary']} auxiliary frames",
                     "components": len(r["spans"]), f"wall_s ({n} frames)": round(r["wall_s"], 1),
                     "peak_tree_pss_mib": round(pss / 2**20), "peak_tree_rss_mib": round(tree / 2**20),
                     "peak_process_rss_mib": round(largest / 2**20)})
    return rows
