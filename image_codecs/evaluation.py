"""Rate-distortion evaluation of a codec on image files: mean bpp, PSNR, MS-SSIM (and dB)
and encode/decode time per quality. Used by ``dsr codec eval`` and the benchmarks.
``evaluate_progressive`` encodes each image once and decodes prefixes of the stream, for
codecs whose lower qualities are prefixes of the higher ones (``ir2i``)."""
from __future__ import annotations

import dataclasses
import time
from typing import Callable, Iterable, Sequence

import numpy as np

from image_codecs import metrics, registry

__all__ = ["Scores", "Measurement", "scores", "measure", "evaluate", "evaluate_progressive"]


@dataclasses.dataclass(frozen=True)
class Scores:
    """Rate and distortion of one image against its original: bits per pixel of the stream
    it was decoded from, PSNR (dB), MS-SSIM and MS-SSIM in dB."""

    bpp: float
    psnr: float
    ms_ssim: float
    ms_ssim_db: float


@dataclasses.dataclass(frozen=True)
class Measurement(Scores):
    """One image coded: its ``Scores``, the encode and decode times (ms), the stream and the
    decoded pixels."""

    encode_ms: float
    decode_ms: float
    bitstream: bytes = dataclasses.field(repr=False)
    decoded: np.ndarray = dataclasses.field(repr=False, compare=False)

    def numbers(self) -> dict[str, float]:
        """The scores and times by field name (what ``evaluate`` averages)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if f.name not in ("bitstream", "decoded")}


def scores(original: np.ndarray, decoded: np.ndarray, nbytes: int, who: str = "decoded image") -> Scores:
    """The ``Scores`` of ``decoded`` against ``original`` for a stream of ``nbytes`` bytes."""
    if decoded.shape != original.shape:
        raise RuntimeError(f"{who}: decoded shape {decoded.shape} differs from {original.shape}")
    ms_ssim = metrics.ms_ssim(original, decoded)
    return Scores(bpp=metrics.bpp(nbytes, *original.shape[:2]), psnr=metrics.psnr(original, decoded),
                  ms_ssim=ms_ssim, ms_ssim_db=metrics.ms_ssim_db(ms_ssim))


def measure(codec, image: np.ndarray) -> Measurement:
    """Encodes and decodes one image; returns its rate, distortion and timings."""
    start = time.perf_counter()
    data = codec.encode(image)
    encoded = time.perf_counter()
    decoded = codec.decode(data)
    end = time.perf_counter()
    return Measurement(**dataclasses.asdict(scores(image, decoded, len(data), codec.name)),
                       encode_ms=1000 * (encoded - start), decode_ms=1000 * (end - encoded), bitstream=data,
                       decoded=decoded)


def evaluate(codec_name: str, qualities: Sequence[float], images: Iterable[np.ndarray], options: dict | None = None,
             progress: Callable[[int], None] | None = None) -> list[dict]:
    """Per quality, the mean of every measure over ``images`` (a re-iterable collection)."""
    images = list(images)
    results = []
    for quality in qualities:
        codec = registry.make_codec(codec_name, quality, **(options or {}))
        rows = []
        for image in images:
            rows.append(measure(codec, image).numbers())
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
            rows[quality].append({**dataclasses.asdict(scores(image, decoded, len(cut), codec.name)),
                                  "encode_ms_top": encode_ms, "decode_ms": decode_ms})
        if progress:
            progress(1)
    return [{"quality": q, "images": len(r), **{k: float(np.mean([x[k] for x in r])) for k in r[0]}}
            for q, r in rows.items() if r]
