"""The report's image figures: strips of one crop as captured, as each codec spec left it and
as each restorer returned it, with bpp and PSNR under each (the paper's Figs. 2 and 13), the
distribution of the naturalness index over original, compressed and restored images
(Fig. 10), and the per-class contributions to the central mIoU differences."""
from __future__ import annotations

import glob
import os
from typing import Optional

import numpy as np

from image_datasets import features
from pipelines.report_data import latest_artifact, restorer_name

__all__ = ["read_strips", "plot_strips", "plot_naturalness", "plot_class_contributions", "CONTRIBUTION_ORDERINGS",
           "pyplot"]

CROP = 256  # the side of the crop shown, or the image's own size when smaller
# The differences whose per-class contributions are plotted: what compression costs and what
# dataset restoration gives back.
CONTRIBUTION_ORDERINGS = (("OO", "CO"), ("RO", "CO"))


def _first_example(split_dir: str) -> Optional[dict]:
    """The example with the smallest image id in an Examples split folder, parsed (only that
    one's images are decoded)."""
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    files = sorted(glob.glob(os.path.join(split_dir, "*.gz")))
    if not files:
        return None

    def image_id(record: bytes) -> str:
        return tf.train.Example.FromString(record).features.feature[features.IMAGE_ID].bytes_list.value[0].decode()

    records = (r.numpy() for r in tf.data.TFRecordDataset(files, compression_type="GZIP"))
    first = min(records, key=image_id, default=None)
    return None if first is None else features.parse_example(first)


def _crop(image: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    ch, cw = min(CROP, h), min(CROP, w)
    y, x = (h - ch) // 2, (w - cw) // 2
    return image[y:y + ch, x:x + cw]


def read_strips(root: str, split: str = "val") -> list[dict]:
    """Per codec spec: ``{"spec", "image_id", "panels": [(title, crop, caption)]}`` for the
    first ``split`` image (smallest id): the original, the compressed image and each
    restorer's output of that spec. Empty when the run compressed no such split."""
    compressed_dir = latest_artifact(root, "Compression", "compressed_examples")
    if not compressed_dir:
        return []
    restorers = sorted(c for c in os.listdir(root) if c.startswith("DatasetRestoration."))
    out = []
    for split_dir in sorted(glob.glob(os.path.join(compressed_dir, f"Split-{split}__*"))):
        spec = os.path.basename(split_dir).split("__", 1)[1]
        example = _first_example(split_dir)
        if example is None or features.DECODED not in example:
            continue
        panels = [("original", _crop(example[features.IMAGE]), ""),
                  (spec, _crop(example[features.DECODED]),
                   f"{example[features.BPP]:.3f} bpp, {example[features.PSNR]:.2f} dB")]
        for component in restorers:
            if not component.endswith(f".{spec}"):
                continue
            restored_dir = latest_artifact(root, component, "restored_examples")
            restored = _first_example(os.path.join(restored_dir or "", f"Split-{split}__{spec}"))
            if restored is not None and restored[features.IMAGE_ID] == example[features.IMAGE_ID]:
                panels.append((f"restored ({component.split('.')[1]})", _crop(restored[features.RESTORED]),
                               f"{restored[features.BPP]:.3f} bpp, {restored[features.RESTORED_PSNR]:.2f} dB"))
        out.append({"spec": spec, "image_id": example[features.IMAGE_ID], "panels": panels})
    return out


def pyplot():
    """matplotlib's pyplot on the file-only Agg backend (imported when a plot is drawn)."""
    import matplotlib  # pylint: disable=g-import-not-at-top
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=g-import-not-at-top
    return plt


def plot_strips(strips: list[dict], path: str) -> Optional[str]:
    """One row per codec spec, one panel per image; the caption under each panel."""
    if not strips:
        return None
    plt = pyplot()
    cols = max(len(s["panels"]) for s in strips)
    fig, axes = plt.subplots(len(strips), cols, figsize=(2.6 * cols, 2.9 * len(strips)), dpi=110, squeeze=False)
    for row, strip in zip(axes, strips):
        for ax in row:
            ax.axis("off")
        for ax, (title, image, caption) in zip(row, strip["panels"]):
            ax.imshow(image)
            ax.set_title(title, fontsize=9)
            ax.text(0.5, -0.06, caption, transform=ax.transAxes, ha="center", va="top", fontsize=8)
    fig.suptitle(f"The same crop of {strips[0]['image_id']}: captured, compressed, restored", fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def plot_naturalness(restoration_rows: list[dict], path: str) -> Optional[str]:
    """Histograms of the naturalness index of each scored image, original vs compressed vs
    restored, one panel per restored split and restorer (Fig. 10)."""
    rows = [r for r in restoration_rows if r.get("naturalness_images")]
    if not rows:
        return None
    plt = pyplot()
    fig, axes = plt.subplots(1, len(rows), figsize=(4.2 * len(rows), 3.2), dpi=110, squeeze=False)
    for ax, r in zip(axes[0], rows):
        values = r["naturalness_images"]
        everything = np.concatenate([values[k] for k in ("original", "compressed", "restored")])
        bins = np.linspace(everything.min(), everything.max(), 16)
        for kind, colour in (("original", "tab:green"), ("compressed", "tab:red"), ("restored", "tab:blue")):
            ax.hist(values[kind], bins=bins, alpha=0.5, color=colour, label=kind)
        ax.set_title(f"{r['split']} ({restorer_name(r)})", fontsize=9)
        ax.set_xlabel("naturalness index (lower: closer to originals)", fontsize=8)
    axes[0][0].set_ylabel("images")
    axes[0][0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def plot_class_contributions(rows: list[tuple[str, np.ndarray]], names: list[str], path: str) -> Optional[str]:
    """Horizontal bars: each class's contribution (mIoU points) to each labelled difference,
    classes that contribute nothing left out."""
    if not rows:
        return None
    shown = [i for i in range(len(names)) if any(abs(points[i]) >= 0.005 for _, points in rows)]
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 0.22 * len(shown) * (len(rows) + 1) + 1.4), dpi=110)
    height = 0.8 / len(rows)
    for k, (label, points) in enumerate(rows):
        ax.barh([i + k * height for i in range(len(shown))], [points[i] for i in shown], height,
                label=f"{label} = {float(np.sum(points)):+.2f}")
    ax.set_yticks([i + height * (len(rows) - 1) / 2 for i in range(len(shown))], [names[i] for i in shown])
    ax.invert_yaxis()
    ax.axvline(0, color="k", lw=0.8)
    ax.set_xlabel("contribution to the mIoU difference (points, mean over paired seeds)")
    ax.set_title("Where the differences come from, class by class", fontsize=10)
    ax.legend(fontsize=7)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
