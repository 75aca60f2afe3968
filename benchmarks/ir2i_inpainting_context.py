"""Does joint inpainting beat R2I at low rates, and which context should it learn from?

Trains R2I with decoding connections, joint IR2I with the inpainting network learning from
original context pixels (the paper) and joint IR2I learning from the coded context (the
coder's own stage-2 reconstructions of the neighbours, what the codec gives it) over several
seeds (these short CPU trainings differ by a few tenths of a dB between seeds; TensorFlow's
op determinism is on, so a seed replays exactly). ``schedule='paper'`` trains each model on
the paper's schedule scaled to ``images`` R2I steps (joint IR2I 110/60 as long, with the
paper's learning-rate drops, Section 2.3); ``'equal'`` (the default) trains every model for
``images`` steps with the R2I drops (at 1/2 and 3/4), like for like. Codes held-out
texture-city images through the real ``ir2i`` bitstreams at every stage (each image encoded
once; every rate decodes a prefix of the progressive stream) and reports, per model, the
seed means at each rate, the low-rate gains over R2I and the Bjøntegaard rate savings on
MS-SSIM (dB) over R2I. Writes the seed-mean rate-distortion curves to
docs/ir2i_context_rd.png.
"""
from __future__ import annotations

import os
import tempfile
import time

import numpy as np
import tensorflow as tf

from benchmarks import texture_city_effect as tce
from image_codecs import bd_rate, evaluation, rd_plot
from image_datasets.texture_city import generator
from keras_models.ir2i import config as ic, export, training

__all__ = ["run"]

# key (for ``models``): (label, preset, config overrides). R2I decoding is the anchor and always runs.
MODELS = {"r2i": ("R2I decoding", "r2i-decoding-tiny", {}),
          "original": ("IR2I joint, original context (paper)", "ir2i-tiny", {}),
          "coded": ("IR2I joint, coded context", "ir2i-tiny", {"inpaint_context": "coded"})}


def _mean_curve(curves: list[list[dict]], key: str) -> list[float]:
    return [float(np.mean([c[i][key] for c in curves])) for i in range(len(curves[0]))]


SCHEDULES = ("paper", "equal")
PLOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "ir2i_context_rd.png")


def plot(rows: list[dict], title: str, path: str = PLOT) -> str:
    """The seed-mean curves of ``run``'s rows (PSNR and MS-SSIM dB against bpp) as a PNG."""
    return rd_plot.plot_rate_distortion(
        [{"codec": r["model"], "bpp": b, "psnr": p, "ms_ssim_db": q}
         for r in rows for b, p, q in zip(r["bpp"], r["PSNR (seed mean)"], r["MS-SSIM dB (seed mean)"])], path, title)


def run(images: int = 5500, seeds: int = 2, val_images: int = 12,
        models: tuple[str, ...] = ("original", "coded"), first_seed: int = 0, schedule: str = "equal") -> list[dict]:
    """``images`` is the number of training steps of R2I (batches of 16 patches), and of every
    model with the ``equal`` schedule; ``models``
    picks the joint models (keys of ``MODELS``) compared with R2I decoding; the seeds are
    ``first_seed`` .. ``first_seed + seeds - 1``."""
    unknown = sorted(set(models) - set(MODELS))
    if unknown:
        raise ValueError(f"ir2i_context: unknown models {unknown}; choose from {sorted(MODELS)}")
    if schedule not in SCHEDULES:
        raise ValueError(f"ir2i_context: schedule must be one of {SCHEDULES}, got {schedule!r}")
    chosen = [MODELS["r2i"]] + [MODELS[k] for k in dict.fromkeys(models) if k != "r2i"]
    # A seed then replays exactly (bit-identical weights across runs), so reruns and added
    # seeds compare like with like; it stays on for the rest of this process.
    tf.config.experimental.enable_op_determinism()
    generator.write_dataset(tce.DATA, generator.DemoSpec(train=200, val=50, width=512, height=256, seed=0))
    train_x, _ = tce._load("train", 1)
    val_x, _ = tce._load("val", 1)
    val = list(val_x[:val_images])
    curves: dict[str, list[list[dict]]] = {}
    timings: dict[str, list[float]] = {}
    steps: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(first_seed, first_seed + seeds):
            for label, name, overrides in chosen:
                config = ic.preset(name, **overrides)
                steps[label], config = ic.paper_schedule(config, images, equal=schedule == "equal")
                start = time.perf_counter()
                model = training.train(config, tf.data.Dataset.from_tensor_slices(train_x), steps[label], seed=seed)
                timings.setdefault(label, []).append(time.perf_counter() - start)
                path = export.export(model, os.path.join(tmp, f"{len(timings[label])}-{label}"))
                # Rates from the first code on, so that every model has the same points.
                points = evaluation.evaluate_progressive("ir2i", range(2, config.stages + 1), val, {"model": path})
                curves.setdefault(label, []).append(points)
                print(f"{label} seed {seed}: MS-SSIM dB {[round(p['ms_ssim_db'], 2) for p in points]}", flush=True)

    anchor = "R2I decoding"
    rows = []
    for label, runs in curves.items():
        bpp, msssim, psnr = (_mean_curve(runs, k) for k in ("bpp", "ms_ssim_db", "psnr"))
        row = {"model": label, "training": (f"{steps[label]} steps x seeds {first_seed}..{first_seed + seeds - 1}, "
                                            f"{np.mean(timings[label]):.0f} s each"),
               "bpp": [round(b, 3) for b in bpp], "MS-SSIM dB (seed mean)": [round(q, 2) for q in msssim],
               "PSNR (seed mean)": [round(q, 2) for q in psnr]}
        if label != anchor:
            ref = curves[anchor]
            gains = np.array([[r["ms_ssim_db"] - a["ms_ssim_db"] for r, a in zip(run_, ref_)]
                              for run_, ref_ in zip(runs, ref)])  # [seed, rate]
            row["MS-SSIM dB over R2I at 0.25 / 0.375 bpp, per seed"] = [
                [round(float(d), 2) for d in gains[:, 0]], [round(float(d), 2) for d in gains[:, 1]]]
            first = gains[:, 0]
            spread = float(first.std(ddof=1) / np.sqrt(len(first))) if len(first) > 1 else float("nan")
            row["at 0.25 bpp: mean +- s.e., seeds ahead"] = (
                f"{first.mean():+.2f} +- {spread:.2f} dB, {int((first > 0).sum())}/{len(first)}")
            row["PSNR over R2I at 0.25 bpp (mean)"] = round(psnr[0] - _mean_curve(ref, "psnr")[0], 2)
            savings = [bd_rate.rate_savings([p["bpp"] for p in a], [p["ms_ssim_db"] for p in a],
                                            [p["bpp"] for p in r], [p["ms_ssim_db"] for p in r])
                       for r, a in zip(runs, ref)]
            row["savings vs R2I decoding (%), per seed"] = [round(s, 1) for s in savings]
        rows.append(row)
    plot(rows, f"texture-city validation ({len(val)} images), seed means of {seeds} seeds, R2I {images} steps, "
               f"{schedule} schedule")
    return rows
