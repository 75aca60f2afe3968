"""Rate-distortion evaluation of a codec on image files: mean bpp, PSNR, MS-SSIM (and dB)
and encode/decode time per quality. Used by ``dsr codec eval`` and the benchmarks.
``evaluate_progressive`` encodes each image once and decodes prefixes of the stream, for
codecs whose lower qualities are prefixes of the higher ones (``ir2i``)."""
from __future__ import annotations

import time
from typing import Callable, Iterable, Sequence

import numpy as np

from image_codecs import metrics, registry

__all__ = ["measure", "evaluate", "evaluate_progressive"]


def _scores(codec, image: np.ndarray, data: bytes, decoded: np.ndarray) -> dict:
    """Rate and distortion of one decoded image."""
    if decoded.shape != image.shape:
        raise RuntimeError(f"{codec.name}: decoded shape {decoded.shape} differs from {image.shape}")
    ms_ssim = metrics.ms_ssim(image, decoded)
    return {"bpp": metrics.bpp(len(data), *image.shape[:2]), "psnr": metrics.psnr(image, decoded),
            "ms_ssim": ms_ssim, "ms_ssim_db": metrics.ms_ssim_db(ms_ssim)}


def measure(codec, image: np.ndarray) -> dict:
    """Encodes and decodes one image; returns its rate, distortion and timings."""
    start = time.perf_counter()
    data = codec.encode(image)
    encoded = time.perf_counter()
    decoded = codec.decode(data)
    end = time.perf_counter()
    return {**_scores(codec, image, data, decoded), "encode_ms": 1000 * (encoded - start),
            "decode_ms": 1000 * (end - encoded), "bitstream": data, "decoded": decoded}


def evaluate(codec_name: str, qualities: Sequence[float], images: Iterable[np.ndarray], options: dict | None = None,
             progress: Callable[[int], None] | None = None) -> list[dict]:
    """Per quality, the mean of every measure over ``images`` (a re-iterable collection)."""
    images = list(images)
    results = []
    for quality in qualities:
        codec = registry.make_codec(codec_name, quality, **(options or {}))
        rows = []
        for image in images:
            m = measure(codec, image)
            rows.append({k: v for k, v in m.items() if k not in ("bitstream", "decoded")})
            if progress:
                progress(1)
        mean = {k: float(np.mean([r[k] for r in rows])) for k in rows[0]} if rows else {}
        results.append({"quality": quality, "images": len(rows), **mean})
    return results


def evaluate_progressive(codec_name: str, qualities: Sequence[float], images: Iterable[np.ndarray],
                         options: dict | None = None, progress: Callable[[int], None] | None = None) -> list[dict]:
    """``evaluate`` for a progressive codec (one with ``prefix(data, quality)``): each image is
    encoded once at the highest quality and every quality decodes its prefix of that stream,
    which the codec guarantees is what encoding at that quality writes. The rows hold the same
    measures as ``evaluate``'s except ``encode_ms``, which is reported once per image as
    ``encode_ms_top`` (the encoding at the highest quality)."""
    images = list(images)
    codec = registry.make_codec(codec_name, max(qualities), **(options or {}))
    if not callable(getattr(codec, "prefix", None)):
        raise ValueError(f"{codec_name}: not a progressive codec (no prefix()); use evaluate()")
    rows: dict[float, list[dict]] = {q: [] for q in qualities}
    for image in images:
        start = time.perf_counter()
        data = codec.encode(image)
        encode_ms = 1000 * (time.perf_counter() - start)
        for quality in qualities:
            cut = codec.prefix(data, quality)
            start = time.perf_counter()
            decoded = codec.decode(cut)
            decode_ms = 1000 * (time.perf_counter() - start)
            rows[quality].append({**_scores(codec, image, cut, decoded), "encode_ms_top": encode_ms,
                                  "decode_ms": decode_ms})
        if progress:
            progress(1)
    return [{"quality": q, "images": len(r), **{k: float(np.mean([x[k] for x in r])) for k in r[0]}}
            for q, r in rows.items() if r]
