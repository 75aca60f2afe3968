"""Rate-accuracy analysis, as MPEG's Video Coding for Machines work reports it: per codec, the
curve of task accuracy (mIoU) against bits per pixel for a model trained once on original
images and tested at every rate (``OC``), and the Bjontegaard delta rate at equal mIoU
(BD-rate) and delta mIoU at equal rate (BD-mIoU) of each codec against an anchor codec; the
same BD-rates on PSNR and MS-SSIM (dB) from the compression statistics.

A row is one (run, configuration, codec spec, quality, seed) test: its bpp, PSNR and MS-SSIM
(dB) on the test split and its mIoU and per-class IoU; ``export`` writes them as CSV and JSON
(docs/ARCHITECTURE.md gives the schema). Curves average the seeds at each rate."""
from __future__ import annotations

import csv
import dataclasses
import json
import math
from typing import Optional, Sequence

import numpy as np

from image_codecs import bd_rate

__all__ = ["RateRow", "Curve", "curves", "bd_table", "default_anchor", "export", "FIELDS"]

FIELDS = ("run", "configuration", "spec", "codec", "quality", "seed", "bpp", "psnr", "ms_ssim_db", "miou")


@dataclasses.dataclass
class RateRow:
    run: str
    configuration: str
    spec: str
    codec: str
    quality: float
    seed: int
    bpp: float
    psnr: float
    ms_ssim_db: float
    miou: float
    per_class: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Curve:
    """One codec's points for one configuration, sorted by bpp; each measure is the seed mean."""

    configuration: str
    codec: str
    quality: list
    bpp: list
    psnr: list
    ms_ssim_db: list
    miou: list
    seeds: int


def curves(rows: Sequence[RateRow]) -> list[Curve]:
    """One curve per (configuration, codec) over every rate tested (sweeps and single specs)."""
    groups: dict = {}
    for r in rows:
        if not any(math.isnan(v) for v in (r.bpp, r.miou)):
            groups.setdefault((r.configuration, r.codec), {}).setdefault(r.quality, []).append(r)
    out = []
    for (configuration, codec), by_quality in sorted(groups.items()):
        points = sorted(((float(np.mean([r.bpp for r in rs])), q, rs) for q, rs in by_quality.items()))
        out.append(Curve(configuration, codec, [q for _, q, _ in points], [b for b, _, _ in points],
                         [float(np.mean([r.psnr for r in rs])) for _, _, rs in points],
                         [float(np.mean([r.ms_ssim_db for r in rs])) for _, _, rs in points],
                         [float(np.mean([r.miou for r in rs])) for _, _, rs in points],
                         min(len(rs) for _, _, rs in points)))
    return out


def _rising(values: Sequence[float]) -> bool:
    return all(b > a for a, b in zip(values, values[1:]))


def _safe(fn, a_rate, a_value, t_rate, t_value) -> Optional[float]:
    """``fn`` on two curves (sorted by rate), or None when either curve does not rise strictly
    with rate (a fitted polynomial through a dip extrapolates to nonsense: +10^14 % was seen),
    has fewer than two points, or the two do not overlap."""
    if not (_rising(a_value) and _rising(t_value)):
        return None
    try:
        return fn(a_rate, a_value, t_rate, t_value)
    except ValueError:
        return None


def default_anchor(codecs: Sequence[str]) -> Optional[str]:
    """BPG (the paper's conventional codec) when it was tested, else the first codec by name."""
    codecs = sorted(set(codecs))
    return "bpg" if "bpg" in codecs else (codecs[0] if codecs else None)


def bd_table(all_curves: Sequence[Curve], anchor: str) -> list[dict]:
    """Per configuration and codec (anchor excluded): BD-rate (%) at equal mIoU, BD-mIoU (points)
    at equal rate, and BD-rate (%) at equal PSNR and at equal MS-SSIM (dB); None where a curve
    does not rise with rate, has fewer than two points, or the two do not overlap."""
    rows = []
    anchors = {c.configuration: c for c in all_curves if c.codec == anchor}
    for c in all_curves:
        a = anchors.get(c.configuration)
        if a is None or c.codec == anchor:
            continue
        rows.append({"configuration": c.configuration, "codec": c.codec, "anchor": anchor, "points": len(c.bpp),
                     "bd_rate_miou": _safe(bd_rate.bd_rate, a.bpp, a.miou, c.bpp, c.miou),
                     "bd_miou": _safe(bd_rate.bd_quality, a.bpp, a.miou, c.bpp, c.miou),
                     "bd_rate_psnr": _safe(bd_rate.bd_rate, a.bpp, a.psnr, c.bpp, c.psnr),
                     "bd_rate_ms_ssim": _safe(bd_rate.bd_rate, a.bpp, a.ms_ssim_db, c.bpp, c.ms_ssim_db)})
    return rows


def export(rows: Sequence[RateRow], class_names: Sequence[str], csv_path: str, json_path: str) -> None:
    """Every row, with per-class IoU (``iou_<class>`` columns in the CSV, a list in the JSON)."""
    names = list(class_names) or [str(i) for i in range(max((len(r.per_class) for r in rows), default=0))]
    with open(csv_path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(list(FIELDS) + [f"iou_{n}" for n in names])
        for r in rows:
            writer.writerow([getattr(r, k) for k in FIELDS] + list(r.per_class))
    with open(json_path, "w") as f:
        json.dump({"class_names": names, "rows": [dataclasses.asdict(r) for r in rows]}, f, indent=1)
