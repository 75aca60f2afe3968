"""``dsr report``: Markdown and HTML with the paper's tables and plots for what was run.

Tables: mIoU per configuration (with small/large-object mIoU and blessing), per-class IoU per
configuration (Table II), each ordering's difference split into per-class contributions, hybrid
training sets (Table III, when run), restoration distortion and naturalness (Table IV) and
Table V per codec spec. Plots: image strips (Figs. 2 and 13), rate-distortion with restored
points (Fig. 6), mIoU vs bpp per configuration (Fig. 7), the per-class contributions to OO − CO
and RO − CO, oO/rO by privileged fraction (Fig. 8, with several runs), mIoU against
data-collection cost as a percentage of OO's (Fig. 9), naturalness histograms (Fig. 10) and
feature alignment (Fig. 11).
"""
from __future__ import annotations

import html
import math
import os
from typing import Optional, Sequence

import numpy as np

from image_codecs import rd_plot
from keras_models.segmentation.configurations import Configuration
from pipelines import class_contributions, rate_accuracy_report, report_figures, seed_statistics as stats
from pipelines.report_data import ReportData, collect, restorer_name

__all__ = ["write_report", "collection_cost", "cost_percent", "table_v", "summary_lines", "restoration_findings", "SUMMARY_FILE"]

SUMMARY_FILE = "summary.txt"


def _fmt(v, digits=2) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return f"{v:.{digits}f}" if isinstance(v, float) else str(v)


def _pct(v) -> str:
    return _fmt(100 * v if v is not None and not math.isnan(v) else None, 2)


def collection_cost(configuration: str, train_bpp: Optional[float], png_bpp: Optional[float],
                    fraction: float) -> Optional[float]:
    """Mean bits per training pixel the server had to collect (paper Fig. 9): privileged
    images at their lossless PNG rate, compressed images at their codec rate, auxiliary
    images free."""
    c, p = train_bpp or 0.0, png_bpp
    if p is None:
        return None
    originals, privileged, compressed, not_privileged = Configuration.parse(configuration).training.cost
    return originals * p + privileged * fraction * p + compressed * c + not_privileged * (1 - fraction) * c


def cost_percent(configuration: str, train_bpp: Optional[float], png_bpp: Optional[float],
                 fraction: float) -> Optional[float]:
    """``collection_cost`` as a percentage of OO's (every training image at its PNG rate), the
    unit of the paper's Fig. 9."""
    cost = collection_cost(configuration, train_bpp, png_bpp, fraction)
    return None if cost is None or not png_bpp else 100.0 * cost / png_bpp


def _ci(interval: stats.Interval) -> str:
    return "–" if interval.n < 2 else f"{interval.low:.2f} to {interval.high:.2f}"


def summary_lines(data: ReportData) -> list[str]:
    """The findings in one sentence each: every ordering's verdict, then the restoration findings."""
    return ([f"{c.better} > {c.worse}: {c.sentence()}" for c in data.comparisons]
            + restoration_findings(data))


def _seed_sections(data: ReportData) -> list[str]:
    """Mean mIoU with 95% intervals per configuration, and the paper's orderings with their
    paired differences and verdicts."""
    groups = data.seed_groups
    if not groups:
        return []
    lines = ["## How sure: mIoU over segmentation seeds", "",
             "Every configuration's models trained with the same seeds, everything upstream shared. The interval "
             "is a 95% Student-t interval of the mean (none with one seed).", ""]
    rows = []
    for key in sorted(groups, key=lambda k: (k[0], k[1], k[2] or "", k[3] or "")):
        values = groups[key]
        interval = stats.mean_interval(list(values.values()))
        rows.append([key[1], key[2] or "–", key[3] or "–", interval.n, f"{interval.mean:.2f}", _ci(interval),
                     ", ".join(f"{values[s]:.2f}" for s in sorted(values))])
    lines += _table(["configuration", "codec spec", "restorer", "seeds", "mean mIoU", "95% CI", "per seed"], rows)
    comparisons = data.comparisons
    if comparisons:
        lines += ["", "## The paper's orderings at this number of seeds", "",
                  "Paired over the seeds both models share: each seed's difference, their mean and 95% interval. "
                  "*holds*: the interval lies above 0; *does not hold*: below 0; *undecided*: it contains 0, or "
                  "there is one seed.", ""]
        lines += _table(["ordering", "the paper's finding", "per seed", "mean", "95% CI", "seeds agreeing", "verdict"],
                        [[f"{c.better} > {c.worse}", c.ordering.claim,
                          ", ".join(f"{d:+.2f}" for d in c.difference.differences),
                          f"{c.difference.interval.mean:+.2f}", _ci(c.difference.interval),
                          f"{c.difference.positive}/{c.difference.interval.n}", c.verdict] for c in comparisons])
        lines += [""] + [f"- **{c.better} > {c.worse}** {c.sentence()}." for c in comparisons]
    return lines + [""]


def _class_contribution_rows(data: ReportData) -> list[tuple]:
    """``(comparison, per-class points)`` for every ordering whose two groups have per-class
    IoUs (``class_contributions.paired_contributions``)."""
    return [(c, class_contributions.paired_contributions(data.class_groups[c.better_key],
                                                         data.class_groups[c.worse_key]))
            for c in data.comparisons if c.better_key in data.class_groups and c.worse_key in data.class_groups]


def _class_names(data: ReportData) -> list[str]:
    return data.class_names or [str(i) for i in range(len(data.evaluations[0].per_class))]


def _class_sections(data: ReportData, plot: Optional[str] = None) -> list[str]:
    """Each ordering's mean paired difference split into its classes' contributions, with the
    classes that move it most named."""
    rows = _class_contribution_rows(data)
    if not rows:
        return []
    names = _class_names(data)
    columns = sorted({i for _, points in rows for i, v in enumerate(points) if abs(v) >= 0.005})
    lines = ["## Where each difference comes from: per-class contributions", "",
             "Each class's share of the mean paired mIoU difference, in mIoU points (its IoU over the number of "
             "classes the mean covers; the shares add up to the difference). A gap carried by small or thin "
             "classes (poles, signs) is mostly information the codec destroyed, which restoring the training "
             "images cannot bring back; a gap spread over large regions is mostly the change of appearance that "
             "it can undo.", ""]
    lines += _table(["ordering", "difference"] + [names[i] for i in columns],
                    [[f"{c.better} > {c.worse}", f"{c.difference.interval.mean:+.2f}"]
                     + [f"{points[i]:+.2f}" for i in columns] for c, points in rows])
    lines += [""] + [f"- {c.better} − {c.worse} = {c.difference.interval.mean:+.2f}: most from " + ", ".join(
        f"{n} {v:+.2f}" for n, v in class_contributions.largest(points, names)) for c, points in rows]
    if plot:
        lines += ["", f"![per-class contributions]({os.path.basename(plot)})"]
    return lines + [""]


def restoration_findings(data: ReportData) -> list[str]:
    """The paper's restoration findings on each restored split, measured once per restorer:
    naturalness orders originals < adversarially restored < compressed (Table IV), and a
    distortion-trained restorer gains more PSNR than an adversarial one (Table V)."""
    out = []
    by_split: dict = {}
    for r in data.restoration:
        by_split.setdefault(r["split"], {})[restorer_name(r)] = r
    for split, rows in sorted(by_split.items()):
        for name, r in sorted(rows.items()):
            nat = r.get("naturalness") or {}
            if data.restorer_models.get(name) == "finenet" and {"original", "compressed", "restored"} <= set(nat):
                holds = nat["original"] < nat["restored"] < nat["compressed"]
                out.append(f"{split}: naturalness orders originals ({nat['original']:.3f}) < restored by {name} "
                           f"({nat['restored']:.3f}) < compressed ({nat['compressed']:.3f}): "
                           f"{'holds' if holds else 'does not hold'} (Table IV)")
        adversarial = [n for n in rows if data.restorer_models.get(n) == "finenet"]
        distortion = [n for n in rows if data.restorer_models.get(n) not in (None, "finenet")]
        for a in adversarial:
            for d in distortion:
                gain_a = rows[a]["restored_psnr"] - rows[a]["psnr"]
                gain_d = rows[d]["restored_psnr"] - rows[d]["psnr"]
                out.append(f"{split}: {d} changes PSNR by {gain_d:+.2f} dB and {a} by {gain_a:+.2f} dB, so the "
                           f"distortion-trained restorer gains more PSNR: {'holds' if gain_d > gain_a else 'does not hold'}"
                           " (Table V)")
    return out


def table_v(data: ReportData) -> dict[str, tuple[list[str], list[list]]]:
    """The paper's Table V per compression spec: for no restoration (CO) and each restorer
    (RO), the segmenter's mIoU (mean over seeds) and the PSNR, MS-SSIM (dB) and naturalness of
    the restored training images (the images RO trains on; compressed ones for CO).

    Returns ``{spec: (header, rows)}`` for the specs whose training split was restored."""
    by_spec: dict = {}
    for r in data.restoration:
        split, _, spec = r["split"].partition("__")
        if split == "train" and spec:
            by_spec.setdefault(spec, {})[restorer_name(r)] = r

    def miou(configuration, spec, restorer):
        values = [v for (_, c, s, rest), seeds in data.seed_groups.items()
                  if (c, s, rest) == (configuration, spec, restorer) for v in seeds.values()]
        return float(np.mean(values)) if values else None

    out = {}
    for spec, rows in sorted(by_spec.items()):
        names = sorted(rows, key=lambda n: (data.restorer_models.get(n) == "finenet", n))  # adversarial last
        any_row = rows[names[0]]
        columns = [("none (CO)", any_row["psnr"], any_row["ms_ssim_db"],
                    (any_row.get("naturalness") or {}).get("compressed"), miou("CO", spec, None))]
        columns += [(f"{n} (RO)", rows[n]["restored_psnr"], rows[n]["restored_ms_ssim_db"],
                     (rows[n].get("naturalness") or {}).get("restored"), miou("RO", spec, n)) for n in names]
        header = ["measure"] + [c[0] for c in columns]
        table = [["mIoU (%)"] + [_fmt(c[4]) for c in columns], ["PSNR (dB)"] + [_fmt(c[1]) for c in columns],
                 ["MS-SSIM (dB)"] + [_fmt(c[2]) for c in columns],
                 ["naturalness (lower: closer to originals)"] + [_fmt(c[3], 3) for c in columns]]
        out[spec] = (header, table)
    return out


def table_iii(data: ReportData) -> list[str]:
    """The hybrid training sets against CO, rO, RO and oO (the paper's Table III), one column per
    configuration and privileged fraction, mean mIoU over seeds; no lines without a hybrid."""
    order = ("CO", "rO", "RO", "oO", "o+cO", "o+rO")
    hybrids = [r for r in data.evaluations if _letters(r.configuration) in order]
    if not any(_letters(r.configuration).startswith("o+") for r in hybrids):
        return []
    specs = sorted({r.spec for r in hybrids if r.spec})
    cols = sorted({r.configuration for r in hybrids},
                  key=lambda n: (order.index(_letters(n)), Configuration.parse(n).fraction or 1.0))
    means = {(k[1], k[2]): np.mean(list(v.values())) for k, v in data.seed_groups.items()}
    # oO trains on originals alone: the same model beside every spec.
    return (["## Hybrid training sets (Table III)", "",
             "Mean mIoU over seeds; a configuration's privileged fraction follows its name (`@0.125`), "
             "without one it is the ingestion's.", ""]
            + _table(["spec"] + cols, [[s] + [_fmt(means.get((c, s), means.get((c, None))), 2) for c in cols]
                                       for s in specs]) + [""])


def _save_miou_plot(plt, fig, ax, xlabel: str, path: str) -> str:
    ax.set_xlabel(xlabel)
    ax.set_ylabel("mIoU (%)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def _series_colours(rows) -> dict[tuple[str, str], str]:
    """One colour per (configuration, restorer) of ``rows``, the same in Fig. 7 and Fig. 9: OO
    black (Fig. 7 draws it as a dashed line), the others matplotlib's cycle in sorted order."""
    others = sorted({(r.configuration, r.restorer or "") for r in rows if r.configuration != "OO"})
    return {("OO", ""): "k", **{key: f"C{k % 10}" for k, key in enumerate(others)}}


def _plot_miou_vs_bpp(data: ReportData, path: str, x: str = "bpp") -> Optional[str]:
    """mIoU against training-set bpp (Fig. 7) or collection cost (Fig. 9): one line per
    configuration and restorer, each point the mean over seeds with its 95% interval."""
    rows = [r for r in data.evaluations if not math.isnan(r.miou)]
    if not rows:
        return None
    plt = report_figures.pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4.2), dpi=110)
    colours = _series_colours(rows)
    for name in sorted({r.configuration for r in rows}):
        if name == "OO" and x == "bpp":
            ax.axhline(np.mean([100 * r.miou for r in rows if r.configuration == name]), ls="--", color="k",
                       label="OO (originals)")
            continue
        for restorer in sorted({r.restorer or "" for r in rows if r.configuration == name}):
            by_x: dict = {}
            for r in rows:
                if r.configuration != name or (r.restorer or "") != restorer:
                    continue
                xv = (r.train_bpp if x == "bpp" else
                      cost_percent(r.configuration, r.train_bpp, data.png_bpp, r.privileged_fraction))
                if xv is not None:
                    by_x.setdefault(xv, []).append(100 * r.miou)
            if not by_x:
                continue
            xs = sorted(by_x)
            intervals = [stats.mean_interval(by_x[v]) for v in xs]
            errors = [0.0 if i.n < 2 else i.high - i.mean for i in intervals]
            ax.errorbar(xs, [i.mean for i in intervals], yerr=errors, marker="o", capsize=3,
                        color=colours[(name, restorer)], label=f"{name} ({restorer})" if restorer else name)
    return _save_miou_plot(plt, fig, ax, "training-set bits per pixel" if x == "bpp"
                           else "data-collection cost (% of OO's: every training image lossless)", path)


def _letters(configuration: str) -> str:
    """A configuration's paper name without its privileged fraction (``rO@0.125`` -> ``rO``)."""
    return Configuration.parse(configuration).letters


def _plot_privileged_sweep(data: ReportData, path: str) -> Optional[str]:
    """mIoU of rO and RO against the training set's bits per pixel, one line per configuration
    and privileged fraction, with oO (no compressed images, so no rate) as a horizontal line per
    fraction: the paper's Fig. 8; means over seeds."""
    rows = [r for r in data.evaluations
            if _letters(r.configuration) in ("oO", "rO", "RO") and r.privileged_fraction > 0]
    fractions = sorted({r.privileged_fraction for r in rows})
    if len(fractions) < 2:
        return None
    plt = report_figures.pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4.2), dpi=110)
    for name in ("oO", "rO", "RO"):
        for k, frac in enumerate(fractions):  # one colour per fraction
            by_bpp: dict = {}
            for r in rows:
                if _letters(r.configuration) == name and r.privileged_fraction == frac:
                    by_bpp.setdefault(r.train_bpp or 0.0, []).append(100 * r.miou)
            if by_bpp and name == "oO":
                ax.axhline(np.mean([v for vs in by_bpp.values() for v in vs]), ls="--", color=f"C{k}",
                           label=f"{name} - {100 * frac:g}%")
            elif by_bpp:
                xs = sorted(by_bpp)
                ax.plot(xs, [np.mean(by_bpp[x]) for x in xs], marker="o", color=f"C{k}",
                        label=f"{name} - {100 * frac:g}%")
    return _save_miou_plot(plt, fig, ax, "bits per pixel", path)


def _plot_alignment(alignment: dict, path: str) -> Optional[tuple[str, dict]]:
    means = alignment.get("means")
    if not means:
        return None
    plt = report_figures.pyplot()
    original = np.asarray(means["original"])
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.2), dpi=110)
    correlations = {}
    for ax, name in zip(axes, ("compressed", "restored")):
        other = np.asarray(means[name])
        corr = float(np.corrcoef(original, other)[0, 1]) if original.std() > 0 and other.std() > 0 else float("nan")
        correlations[name] = corr
        ax.scatter(original, other, s=12)
        lim = [min(original.min(), other.min()), max(original.max(), other.max())]
        ax.plot(lim, lim, "k--", lw=1)
        ax.set_xlabel("mean activation on original images")
        ax.set_ylabel(f"mean activation on {name} images")
        ax.set_title(f"{name}: correlation {corr:.3f}")
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path, correlations


def _table(header: Sequence[str], rows: Sequence[Sequence]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + [
        "| " + " | ".join(str(c) for c in row) + " |" for row in rows]


def _markdown(data: ReportData, plots: dict, correlations: dict) -> str:
    lines = ["# Dataset restoration report", "", f"Runs: {', '.join(data.runs)}", ""]
    if data.evaluations:
        lines += ["## Segmentation per configuration (Fig. 7)", ""]
        rows = sorted(data.evaluations, key=lambda r: (r.configuration, r.spec or "", r.restorer or "", r.seed))
        lines += _table(["configuration", "codec spec", "restorer", "seed", "train bpp", "collection cost (% of OO)",
                         "mIoU", "small-object mIoU", "large-object mIoU", "pixel accuracy", "test images", "blessed"],
                        [[r.configuration, r.spec or "–", r.restorer or "–", r.seed, _fmt(r.train_bpp, 4),
                          _fmt(cost_percent(r.configuration, r.train_bpp, data.png_bpp, r.privileged_fraction), 1),
                          _pct(r.miou), _pct(r.small_miou), _pct(r.large_miou), _pct(r.pixel_accuracy), r.examples,
                          {True: "yes", False: "no", None: "–"}[r.blessed]] for r in rows])
        lines += [""]
        if plots.get("miou_vs_bpp"):
            lines += ["![mIoU vs bpp](miou_vs_bpp.png)", ""]
        lines += _seed_sections(data)
        lines += _class_sections(data, plots.get("classes"))
        names = _class_names(data)
        lines += ["## Per-class IoU (Table II)", ""]
        lines += _table(["configuration", "spec", "restorer", "seed"] + list(names) + ["mIoU"],
                        [[r.configuration, r.spec or "–", r.restorer or "–", r.seed] + [_pct(v) for v in r.per_class]
                         + [_pct(r.miou)] for r in rows])
        lines += [""]
        lines += table_iii(data)
        if plots.get("cost"):
            lines += ["## Segmentation against data-collection cost (Fig. 9)", "",
                      "The bits the server collects for a training set, as a percentage of OO's (every training image "
                      f"at its lossless PNG rate, {_fmt(data.png_bpp, 2)} bpp): privileged images count at that rate, "
                      "compressed ones at their codec rate, auxiliary images as free.", "",
                      "![mIoU vs cost](miou_vs_cost.png)", ""]
        if plots.get("privileged"):
            lines += ["## Amount of privileged data (Fig. 8)", "", "![privileged sweep](privileged_sweep.png)", ""]
    if data.rate_distortion:
        lines += ["## Rate-distortion (Fig. 6)", ""]
        lines += _table(["spec", "split", "codec", "quality", "bpp", "PSNR (dB)", "MS-SSIM (dB)", "images"],
                        [[r["spec"], r["split"], r["codec"], r["quality"], _fmt(r["bpp"], 4), _fmt(r["psnr"]),
                          _fmt(r["ms_ssim_db"]), r["images"]] for r in data.rate_distortion])
        lines += ["", "![rate-distortion](rate_distortion.png)", ""]
    if data.restoration:
        lines += ["## Restoration: distortion and naturalness (Tables IV and V)", "",
                  "Naturalness is NIQE's statistics measured against original images "
                  "(`image_codecs/naturalness.py`; the paper's HOSA is not available offline): in each split, half of "
                  "a sample's originals are the reference and the other half are scored as original, compressed and "
                  "restored images. Lower is closer to the originals.", ""]
        lines += _table(["restorer", "split", "bpp", "PSNR compressed", "PSNR restored", "MS-SSIM dB compressed",
                         "MS-SSIM dB restored", "naturalness original", "naturalness compressed",
                         "naturalness restored"],
                        [[r["restorer"], r["split"], _fmt(r["bpp"], 4), _fmt(r["psnr"]), _fmt(r["restored_psnr"]),
                          _fmt(r["ms_ssim_db"]), _fmt(r["restored_ms_ssim_db"]),
                          _fmt(r.get("naturalness", {}).get("original"), 3),
                          _fmt(r.get("naturalness", {}).get("compressed"), 3),
                          _fmt(r.get("naturalness", {}).get("restored"), 3)] for r in data.restoration])
        for spec, (header, rows) in table_v(data).items():
            lines += ["", f"Table V on {spec}: each restorer's restored training set against the compressed one, and "
                          "the segmenter trained on it (RO) against the one trained on compressed images (CO)", ""]
            lines += _table(header, rows)
        findings = restoration_findings(data)
        if findings:
            lines += [""] + [f"- {f}" for f in findings]
        ro = {k: v for k, v in data.seed_groups.items() if k[1] == "RO"}
        if ro:
            lines += ["", "mIoU of RO per restorer (mean over seeds): " + ", ".join(
                f"{k[3]} on {k[2]}: {np.mean(list(v.values())):.2f}" for k, v in sorted(ro.items()))]
        lines += [""]
    if plots.get("strips"):
        lines += ["## Captured, compressed and restored (Figs. 2 and 13)", "",
                  "The same crop of the first validation image as captured, as each codec spec left it and as each "
                  "restorer returned it; under each, the bits per pixel and PSNR of the whole image.", "",
                  "![image strips](image_strips.png)", ""]
    if plots.get("naturalness"):
        lines += ["## Naturalness of each image (Fig. 10)", "",
                  "The naturalness index of each scored image (the half of each sample not used as reference): "
                  "restoration that makes images look captured moves the restored histogram toward the originals'.",
                  "", "![naturalness](naturalness.png)", ""]
    if plots.get("alignment"):
        a = data.alignment
        lines += ["## Feature alignment (Fig. 11)", "",
                  f"Mean activation of each channel of the OO model's stride-4 features on validation images "
                  f"({a['split']}, restorer {a['restorer']}): correlation with the originals "
                  f"{_fmt(correlations.get('compressed'), 3)} (compressed) and "
                  f"{_fmt(correlations.get('restored'), 3)} (restored).", "",
                  "![feature alignment](feature_alignment.png)", ""]
    return "\n".join(lines) + "\n"


def _html(markdown_text: str) -> str:
    try:
        import markdown  # pylint: disable=g-import-not-at-top
        body = markdown.markdown(markdown_text, extensions=["tables"])
    except ImportError:
        body = f"<pre>{html.escape(markdown_text)}</pre>"
    style = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse;"
             "font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px}img{max-width:100%}")
    return f"<!doctype html><html><head><meta charset='utf-8'><title>Report</title><style>{style}</style></head>" \
           f"<body>{body}</body></html>"


def write_report(run_dirs: Sequence[str], out_dir: str, anchor: Optional[str] = None) -> tuple[str, str]:
    """Writes ``report.md``, ``report.html``, the PNG plots, ``summary.txt`` (the findings, one
    per line) and, for rate-accuracy tests, their CSV/JSON export to ``out_dir``. ``anchor``: the
    codec the BD-rates compare against (default: BPG when tested)."""
    data = collect(list(run_dirs))
    if not (data.evaluations or data.rate_distortion or data.restoration):
        raise FileNotFoundError(f"{list(run_dirs)}: no compression, restoration or evaluation results to report")
    os.makedirs(out_dir, exist_ok=True)
    plots, correlations = {}, {}
    plots["miou_vs_bpp"] = _plot_miou_vs_bpp(data, os.path.join(out_dir, "miou_vs_bpp.png"))
    if data.png_bpp is not None:
        plots["cost"] = _plot_miou_vs_bpp(data, os.path.join(out_dir, "miou_vs_cost.png"), x="cost")
    if data.evaluations:
        plots["classes"] = report_figures.plot_class_contributions(
            [(f"{c.better} − {c.worse}", points) for c, points in _class_contribution_rows(data)
             if (c.ordering.better, c.ordering.worse) in report_figures.CONTRIBUTION_ORDERINGS],
            _class_names(data), os.path.join(out_dir, "class_contributions.png"))
    plots["privileged"] = _plot_privileged_sweep(data, os.path.join(out_dir, "privileged_sweep.png"))
    if data.rate_distortion:
        points = [r for r in data.rate_distortion if r["split"] == "train" and r["images"]] or data.rate_distortion
        points = list(points) + [
            {"codec": f"{r['split'].split('__')[-1]} restored ({r['restorer'].split(':')[0]})", "bpp": r["bpp"],
             "psnr": r["restored_psnr"], "ms_ssim_db": r["restored_ms_ssim_db"]}
            for r in data.restoration if r["split"].startswith("train__")]
        plots["rd"] = rd_plot.plot_rate_distortion(points, os.path.join(out_dir, "rate_distortion.png"),
                                                   title="Rate-distortion (train split); restored points marked")
    from pipelines.pipeline import RunPaths  # pylint: disable=g-import-not-at-top
    plots["strips"] = report_figures.plot_strips(report_figures.read_strips(RunPaths(run_dirs[0]).pipeline_root),
                                                 os.path.join(out_dir, "image_strips.png"))
    plots["naturalness"] = report_figures.plot_naturalness(data.restoration, os.path.join(out_dir, "naturalness.png"))
    aligned = _plot_alignment(data.alignment, os.path.join(out_dir, "feature_alignment.png"))
    if aligned:
        plots["alignment"], correlations = aligned
    text = _markdown(data, plots, correlations) + "\n".join(
        rate_accuracy_report.section(data.rate_rows, data.class_names, out_dir, anchor))
    md_path, html_path = os.path.join(out_dir, "report.md"), os.path.join(out_dir, "report.html")
    with open(md_path, "w") as f:
        f.write(text)
    with open(html_path, "w") as f:
        f.write(_html(text))
    with open(os.path.join(out_dir, SUMMARY_FILE), "w") as f:
        f.write("".join(line + "\n" for line in summary_lines(data)))
    return md_path, html_path
