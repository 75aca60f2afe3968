"""Every image codec on 2048x1024 photographic images: rate (from the files' bytes), PSNR and
MS-SSIM (dB) at four qualities each, BD-rate on PSNR and on MS-SSIM against BPG (HEVC intra)
on the same images, and encode/decode time per image. VVC runs at its default preset (fast)
and at VVenC's own default (medium).

Images: a 2048x1024 mosaic of sixteen 256x512 crops of scikit-image's photographs, and
``images - 1`` texture-city scenes (photographic textures, the project's demo data).
"""
from __future__ import annotations

import os
import time

import numpy as np

from image_codecs import bd_rate, evaluation

__all__ = ["run", "SWEEPS", "photo_mosaic"]

# (label, codec, qualities, options): four rates from about 0.05 to 1 bpp on these images.
SWEEPS = (
    ("bpg (HEVC intra, x265 veryslow)", "bpg", (47, 42, 37, 32), {}),
    ("vvc (VVenC fast)", "vvc", (47, 42, 37, 32), {}),
    ("vvc (VVenC medium)", "vvc", (47, 42, 37, 32), {"preset": "medium"}),
    ("avif (libaom speed 6)", "avif", (10, 30, 50, 65), {}),
    ("webp (method 4)", "webp", (0, 15, 45, 75), {}),
    ("jp2k (OpenJPEG)", "jp2k", (300, 120, 48, 24), {}),
    ("jpeg (libjpeg)", "jpeg", (5, 12, 30, 60), {}),
)
ANCHOR = SWEEPS[0][0]
PLOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "codec_rd.png")


def photo_mosaic() -> np.ndarray:
    """uint8[1024, 2048, 3]: a 4x4 grid of 256x512 crops of scikit-image's colour photographs."""
    from skimage import data  # pylint: disable=g-import-not-at-top
    photos = [data.astronaut(), data.coffee(), data.rocket(), data.hubble_deep_field(), data.retina(),
              data.immunohistochemistry(), data.stereo_motorcycle()[0]]
    rng = np.random.default_rng(3)
    tiles = []
    for i in range(16):
        photo = photos[i % len(photos)]
        y = rng.integers(0, photo.shape[0] - 256 + 1)
        x = rng.integers(0, photo.shape[1] - 512 + 1)
        tiles.append(photo[y:y + 256, x:x + 512, :3])
    return np.ascontiguousarray(np.concatenate([np.concatenate(tiles[r * 4:r * 4 + 4], 1) for r in range(4)], 0))


def _images(count: int) -> list[tuple[str, np.ndarray]]:
    from image_datasets.texture_city import scene  # pylint: disable=g-import-not-at-top
    out = [("photo mosaic", photo_mosaic())]
    for i in range(count - 1):
        out.append((f"texture-city scene {i}", scene.render_scene(2048, 1024, np.random.default_rng(20 + i))[0]))
    return out


def _bd(anchor: dict, curve: dict, field: str):
    try:
        return round(bd_rate.bd_rate(anchor["bpp"], anchor[field], curve["bpp"], curve[field]), 1)
    except ValueError:  # no overlap in quality
        return None


def _plot(curves: dict, path: str) -> None:
    import matplotlib  # pylint: disable=g-import-not-at-top
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=g-import-not-at-top
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), dpi=100)
    for label, c in curves.items():
        for ax, field in zip(axes, ("psnr", "ms_ssim_db")):
            ax.plot(c["bpp"], c[field], "o-", label=label)
    for ax, name in zip(axes, ("PSNR (dB)", "MS-SSIM (dB)")):
        ax.set_xscale("log")
        ax.set_xlabel("bpp (mean over the images)")
        ax.set_ylabel(name)
        ax.grid(alpha=0.3, which="both")
    axes[0].legend(fontsize=7)
    fig.suptitle("Codecs on 2048x1024 photographic images (means over images at each quality)")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def run(images: int = 2) -> list[dict]:
    """``images``: the photo mosaic and ``images - 1`` texture-city scenes, all 2048x1024."""
    test = _images(max(1, images))
    curves, times = {}, {}
    for label, name, qualities, options in SWEEPS:
        points = evaluation.evaluate(name, qualities, [image for _, image in test], options)
        curves[label] = {f: [p[f] for p in points] for f in ("bpp", "psnr", "ms_ssim_db")}
        curves[label]["qualities"] = list(qualities)
        times[label] = {f"{f}_s": float(np.mean([p[f"{f}_ms"] for p in points])) / 1000 for f in ("encode", "decode")}
        print(f"{label}: bpp {np.round(curves[label]['bpp'], 3).tolist()} "
              f"PSNR {np.round(curves[label]['psnr'], 2).tolist()}", flush=True)
    os.makedirs(os.path.dirname(PLOT), exist_ok=True)
    _plot(curves, PLOT)
    anchor = curves[ANCHOR]
    return [{"codec": label, "qualities": ", ".join(f"{q:g}" for q in c["qualities"]),
             "bpp": ", ".join(f"{b:.3f}" for b in c["bpp"]), "psnr": ", ".join(f"{v:.2f}" for v in c["psnr"]),
             "bd_rate_psnr_vs_bpg_%": _bd(anchor, c, "psnr") if label != ANCHOR else 0.0,
             "bd_rate_ms_ssim_vs_bpg_%": _bd(anchor, c, "ms_ssim_db") if label != ANCHOR else 0.0,
             "encode_s": round(times[label]["encode_s"], 2), "decode_s": round(times[label]["decode_s"], 2)}
            for label, c in curves.items()] + [{"codec": f"images: {', '.join(n for n, _ in test)}; "
                                                         f"plot docs/{os.path.basename(PLOT)}"}]
