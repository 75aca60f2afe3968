"""The report's rate-accuracy section: per configuration, mIoU, PSNR and MS-SSIM against bpp
for every codec (one plot each), the BD-rate table against the anchor codec, and the CSV and
JSON export of every tested (configuration, codec, quality, seed)."""
from __future__ import annotations

import os
from typing import Optional, Sequence

from pipelines import rate_accuracy

__all__ = ["section", "CSV_FILE", "JSON_FILE"]

CSV_FILE, JSON_FILE = "rate_accuracy.csv", "rate_accuracy.json"
_MEASURES = (("miou", "mIoU (%)", 100.0), ("psnr", "PSNR (dB)", 1.0), ("ms_ssim_db", "MS-SSIM (dB)", 1.0))


def _plot(all_curves: Sequence[rate_accuracy.Curve], configuration: str, path: str) -> str:
    import matplotlib  # pylint: disable=g-import-not-at-top
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=g-import-not-at-top
    fig, axes = plt.subplots(1, 3, figsize=(13, 4), dpi=100)
    for ax, (field, label, scale) in zip(axes, _MEASURES):
        for c in all_curves:
            if c.configuration == configuration:
                ax.plot(c.bpp, [scale * v for v in getattr(c, field)], "o-", label=c.codec)
        ax.set_xscale("log")
        ax.set_xlabel("bpp (test split)")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3, which="both")
    axes[0].set_title(f"{configuration}: one model, every rate")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def _pct(v: Optional[float]) -> str:
    return "–" if v is None else f"{v:+.1f}%"


def _points(v: Optional[float]) -> str:
    """An mIoU difference (0..1) in percentage points."""
    return "–" if v is None else f"{100 * v:+.2f}"


def section(rows: Sequence[rate_accuracy.RateRow], class_names: Sequence[str], out_dir: str,
            anchor: Optional[str] = None) -> list[str]:
    """Writes the plots and the export to ``out_dir``; returns the section's Markdown lines
    (none without rate rows). ``anchor`` defaults to ``rate_accuracy.default_anchor``."""
    if not rows:
        return []
    all_curves = rate_accuracy.curves(rows)
    anchor = anchor or rate_accuracy.default_anchor([c.codec for c in all_curves])
    rate_accuracy.export(rows, class_names, os.path.join(out_dir, CSV_FILE), os.path.join(out_dir, JSON_FILE))
    lines = ["## Rate-accuracy: one model tested at every rate (VCM-style)", "",
             "Each codec's curve is the model trained on original images tested on the compressed test "
             "split at each rate (mean over seeds). BD-rate: the codec's bit-rate change against the anchor "
             f"**{anchor}** at equal mIoU / PSNR / MS-SSIM (negative = fewer bits); BD-mIoU: its mIoU change "
             "at equal rate, in points. – where a curve does not rise with rate (the fit assumes it does; a "
             "model that is not better at higher rates has no meaningful BD-rate), has fewer than two points, "
             "or the two do not overlap. "
             f"Every point: [{CSV_FILE}]({CSV_FILE}), [{JSON_FILE}]({JSON_FILE}).", ""]
    for configuration in sorted({c.configuration for c in all_curves}):
        path = _plot(all_curves, configuration, os.path.join(out_dir, f"rate_accuracy_{configuration}.png"))
        lines += [f"![rate-accuracy {configuration}]({os.path.basename(path)})", ""]
    lines += ["| configuration | codec | qualities | bpp | mIoU (%) | seeds |", "|---|---|---|---|---|---|"]
    for c in all_curves:
        lines.append(f"| {c.configuration} | {c.codec} | {', '.join(f'{q:g}' for q in c.quality)} | "
                     f"{', '.join(f'{b:.3f}' for b in c.bpp)} | {', '.join(f'{100 * m:.1f}' for m in c.miou)} | "
                     f"{c.seeds} |")
    table = rate_accuracy.bd_table(all_curves, anchor)
    if table:
        lines += ["", "| configuration | codec | anchor | BD-rate (mIoU) | BD-mIoU (points) | BD-rate (PSNR) | "
                      "BD-rate (MS-SSIM) |", "|---|---|---|---|---|---|---|"]
        lines += [f"| {r['configuration']} | {r['codec']} | {r['anchor']} | {_pct(r['bd_rate_miou'])} | "
                  f"{_points(r['bd_miou'])} | {_pct(r['bd_rate_psnr'])} | {_pct(r['bd_rate_ms_ssim'])} |"
                  for r in table]
    return lines + [""]
