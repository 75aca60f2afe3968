"""Rate-distortion plots (the paper's Fig. 6): PSNR and MS-SSIM (dB) against bpp, one curve
per codec."""
from __future__ import annotations

from typing import Sequence

__all__ = ["plot_rate_distortion"]


def plot_rate_distortion(points: Sequence[dict], path: str, title: str = "") -> str:
    """Writes a PNG with two panels.

    Args:
      points: dicts with ``codec``, ``bpp``, ``psnr``, ``ms_ssim_db`` (one per rate point).
      path: output PNG path.
    """
    import matplotlib  # pylint: disable=g-import-not-at-top

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=g-import-not-at-top

    fig, axes = plt.subplots(1, 2, figsize=(10, 4), dpi=110)
    for codec in sorted({p["codec"] for p in points}):
        curve = sorted((p for p in points if p["codec"] == codec), key=lambda p: p["bpp"])
        bpp = [p["bpp"] for p in curve]
        for ax, key in zip(axes, ("psnr", "ms_ssim_db")):
            ax.plot(bpp, [p[key] for p in curve], marker="o", label=codec)
    for ax, label in zip(axes, ("PSNR (dB)", "MS-SSIM (dB)")):
        ax.set_xlabel("bits per pixel")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
