"""What BPG's check of bytes from outside costs beside its decode, on a 2048x1024 photograph.

``BpgCodec.check`` parses the HEVC slice data with CABAC (``image_codecs.bpg.slice_data``) to
refuse a header whose size the payload does not code; ``dsr codec decode`` and
``guarded.decode_untrusted`` run it before the decode. Per quality, the built-in encoder's file
is checked and decoded ``images`` times, alternating; times are medians of wall time in this
process. A forged copy of the q40 file (its header claiming 4096x4096) is checked too: the
time to its refusal.
"""
from __future__ import annotations

import dataclasses
import statistics
import time

__all__ = ["run"]

QUALITIES = (29, 40, 47)


def run(images: int = 5) -> list[dict]:
    from benchmarks.codec_bd_rate import photo_mosaic  # pylint: disable=g-import-not-at-top
    from image_codecs.bpg import (BpgFormatError, container, decoder, encoder,  # pylint: disable=g-import-not-at-top
                                  slice_data)

    image = photo_mosaic()
    rows = []
    for qp in QUALITIES:
        data = encoder.encode(image, encoder.EncoderSettings(qp=qp))
        checks, decodes = [], []
        for _ in range(images):
            start = time.perf_counter()
            slice_data.check(container.parse(data))
            checks.append(time.perf_counter() - start)
            start = time.perf_counter()
            decoder.decode(data)
            decodes.append(time.perf_counter() - start)
        check_s, decode_s = statistics.median(checks), statistics.median(decodes)
        rows.append({"case": f"genuine, q{qp}", "kib": round(len(data) / 1024, 1), "check_s": round(check_s, 3),
                     "decode_s": round(decode_s, 3), "check_per_decode": round(check_s / decode_s, 2),
                     "check_kib_per_s": round(len(data) / 1024 / check_s)})
        if qp == 40:
            f = container.parse(data)
            forged = container.serialize(dataclasses.replace(f.header, width=4096, height=4096), f.hevc_header,
                                         f.hevc_data)
            start = time.perf_counter()
            try:
                slice_data.check(container.parse(forged))
                outcome = "accepted"
            except BpgFormatError as e:
                outcome = f"refused: {str(e)[:70]}"
            rows.append({"case": "q40 with its header claiming 4096x4096", "kib": round(len(forged) / 1024, 1),
                         "check_s": round(time.perf_counter() - start, 3), "outcome": outcome})
    return rows
