"""Memory of the paper-size run, component by component: one ``dsr run --config
cityscapes_smoke`` at the config's own size (12 train + 4 val + 8 auxiliary frames of 2048x1024),
sampled as ``paper_size`` samples it (the process tree's PSS and RSS sums and its largest
process every 0.5 s), with what ``pipelines.heap_release`` gave back to the system as each
component ended (its log lines, shown on the run's output).

For every stage kind: its wall time, its peaks, and the memory returned after its components;
then the whole run, and the largest process's resident size between components (the runner
alone: no Beam worker is alive then), first and last. A plot of the samples over time, with the
stage kinds as bands, goes to ``docs/paper_size_memory.png``.
"""
from __future__ import annotations

import os
import re
import sys
from typing import Optional

import yaml

from benchmarks import paper_size

__all__ = ["run", "released"]

PLOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "paper_size_memory.png")
# dsr with pipelines.heap_release's INFO lines on stdout.
_DSR = ("import logging, sys; from dsr.main import main; handler = logging.StreamHandler(sys.stdout); "
        "logger = logging.getLogger('pipelines.heap_release'); logger.setLevel(logging.INFO); "
        "logger.addHandler(handler); logger.propagate = False; sys.exit(main(sys.argv[1:]))")
_RELEASED = re.compile(r"^after (\S+): (-?\d+) MiB returned to the system in ([\d.]+) s$")


def released(lines: list[tuple[float, str]]) -> dict[str, tuple[int, float]]:
    """Each component's ``(MiB returned, seconds)`` from heap_release's lines."""
    return {m.group(1): (int(m.group(2)), float(m.group(3)))
            for _, line in lines if (m := _RELEASED.match(line.strip()))}


def _between_components(result: dict) -> list[int]:
    """The largest process's RSS in the samples taken between two components (the runner alone)."""
    spans = result["spans"]
    if not spans:
        return []
    inside = lambda t: any(s.start <= t <= s.end for s in spans)  # noqa: E731
    return [sample[2] for sample in result["samples"]
            if spans[0].start < sample[0] < spans[-1].end and not inside(sample[0])]


def _plot(result: dict, path: str) -> None:
    import matplotlib  # pylint: disable=g-import-not-at-top
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=g-import-not-at-top
    t0 = result["start"]
    times = [(s[0] - t0) / 60 for s in result["samples"]]
    fig, ax = plt.subplots(figsize=(12, 4.5), dpi=100)
    colours, kinds = plt.get_cmap("tab10"), []
    for span in result["spans"]:
        first = span.kind not in kinds
        if first:
            kinds.append(span.kind)
        ax.axvspan((span.start - t0) / 60, (span.end - t0) / 60, color=colours(kinds.index(span.kind) % 10),
                   alpha=0.15, label=span.kind if first else None)
    for column, label, style in ((3, "process tree, PSS sum", "-"), (1, "process tree, RSS sum", ":"),
                                 (2, "largest process (between components: the runner)", "--")):
        ax.plot(times, [s[column] / 2**30 for s in result["samples"]], style, color="black" if column == 3 else None,
                label=label, linewidth=1)
    ax.axhline(8e9 / 2**30, color="red", linewidth=0.8, label="8 GB target (8e9 bytes)")
    ax.set_xlabel("minutes into the run (before the first component: generating the data)")
    ax.set_ylabel("resident memory (GiB)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2, loc="upper left")
    ax.set_title("dsr run --config cityscapes_smoke (2048x1024, 24 frames), each component's memory returned as it ends")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def run(images: Optional[int] = None, run_root: str = "runs/paper-size-memory") -> list[dict]:
    """``images``: the training frames (default: the config's 12; the other splits scale with
    them, as in ``paper_size``)."""
    from pipelines import config as config_lib  # pylint: disable=g-import-not-at-top
    with open(os.path.join(config_lib.CONFIG_DIR, "cityscapes_smoke.yaml")) as f:
        base = yaml.safe_load(f)
    factor = (images or base["demo_data"]["train"]) / base["demo_data"]["train"]
    config = paper_size.scaled_config(base, factor, f"data/texture-city-2048-x{factor:g}")
    run_dir = os.path.join(run_root, "train{}".format(config["demo_data"]["train"]))
    if os.path.exists(run_dir):
        raise FileExistsError(f"{run_dir} exists: a cached run would measure nothing; remove it first")
    os.makedirs(run_root, exist_ok=True)
    print(f"paper_size_memory: -> {run_dir} (log {run_dir}.log)", file=sys.stderr, flush=True)
    result = paper_size.run_once(config, run_dir, run_dir + ".log", command=[sys.executable, "-c", _DSR])
    return rows(result)


def rows(result: dict, plot: str = PLOT) -> list[dict]:
    """The table (and the plot at ``plot``) from one ``paper_size.run_once`` result."""
    freed = released(result["lines"])
    table = []
    for kind, k in paper_size.by_kind(result).items():
        mine = [freed[s.component] for s in result["spans"] if s.kind == kind and s.component in freed]
        table.append({"stage": kind, "components": k["components"], "wall_s": round(k["wall_s"], 1),
                      "peak_tree_pss_mib": round(k["pss"] / 2**20), "peak_tree_rss_mib": round(k["tree"] / 2**20),
                      "peak_process_rss_mib": round(k["largest"] / 2**20),
                      "returned_mib": sum(m for m, _ in mine), "release_s": round(sum(s for _, s in mine), 1)})
    tree, largest, pss = paper_size.peak(result["samples"])
    runner = _between_components(result)
    table.append({"stage": f"whole run ({len(result['spans'])} components)", "components": len(result["spans"]),
                  "wall_s": round(result["wall_s"], 1), "peak_tree_pss_mib": round(pss / 2**20),
                  "peak_tree_rss_mib": round(tree / 2**20), "peak_process_rss_mib": round(largest / 2**20),
                  "returned_mib": sum(m for m, _ in freed.values()),
                  "release_s": round(sum(s for _, s in freed.values()), 1)})
    if runner:
        table.append({"stage": "the runner between components: first, last, largest (MiB)",
                      "peak_process_rss_mib": f"{runner[0] / 2**20:.0f}, {runner[-1] / 2**20:.0f}, "
                                              f"{max(runner) / 2**20:.0f}"})
    if plot:
        os.makedirs(os.path.dirname(plot), exist_ok=True)
        _plot(result, plot)
    return table
