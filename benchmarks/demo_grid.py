"""The demo's mIoU grid over seeds: runs the demo pipeline (shipped config ``demo``) once per
segmentation seed in one run directory, so ingestion, codec training, compression and
restoration are computed once and reused from the cache, and only the segmentation Trainers
and Evaluators rerun. Reports each configuration's mIoU per seed, mean and spread."""
from __future__ import annotations

import dataclasses
import os
import time

import numpy as np

__all__ = ["run"]


def run(images: int = 0, seeds: int = 2, run_dir: str = "runs/demo") -> list[dict]:
    """``images`` is unused (the demo's sizes come from its config)."""
    del images
    from pipelines import config as config_lib, local_runner  # pylint: disable=g-import-not-at-top
    from pipelines.report_data import collect  # pylint: disable=g-import-not-at-top

    base = config_lib.load_config("demo")
    local_runner.prepare_demo_data(base)
    scores, seconds = {}, []
    for seed in range(seeds):
        config = dataclasses.replace(base, segmentation=dataclasses.replace(base.segmentation, seed=seed))
        start = time.perf_counter()
        local_runner.run(config, run_dir)
        seconds.append(round(time.perf_counter() - start))
        for row in collect([run_dir]).evaluations:
            key = (row.configuration, row.spec or "-", row.restorer or "-", row.train_bpp)
            scores.setdefault(key, []).append(100 * row.miou)
    rows = []
    for (configuration, spec, restorer, bpp), values in sorted(scores.items()):
        rows.append({"configuration": configuration, "codec spec": spec, "restorer": restorer,
                     "train bpp": round(bpp, 3) if bpp else "-",
                     "miou_mean": round(float(np.mean(values)), 1),
                     "miou_spread (max-min)": round(float(np.ptp(values)), 1),
                     "miou_per_seed": [round(v, 1) for v in values]})
    rows.append({"configuration": "pipeline wall time per seed (s)", "miou_per_seed": seconds,
                 "codec spec": f"run dir {os.path.abspath(run_dir)}"})
    return rows
