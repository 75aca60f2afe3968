"""VVC (H.266) intra through ffmpeg: VVenC encodes one intra picture into a raw Annex-B
``.266`` stream; ffmpeg's own VVC decoder reads it back.

Colour: RGB is converted by ffmpeg's swscale to 4:2:0 YCbCr, BT.601 matrix, limited range,
10 bits (VVenC codes Main 10 only); the matrix is signalled in the stream's VUI and limited
range is the standard's default. VVenC codes even widths and heights of at least 16 pixels
(4:2:0 cannot crop a single luma row); other sizes are refused with a clear error.
"""
from __future__ import annotations

import numpy as np

from image_codecs import external, ffmpeg_picture
from image_codecs.base import BitstreamError, Codec, QualityRange, check_image
from image_codecs.registry import register

__all__ = ["VvcCodec"]

PRESETS = ("faster", "fast", "medium", "slow", "slower")


@register("vvc")
class VvcCodec(Codec):
    """VVC intra at quantiser ``quality`` (0 best .. 63 worst).

    Args:
      quality: VVenC's QP.
      preset: VVenC's speed preset, ``faster`` .. ``slower``; default ``fast`` (VVenC's own
        default is ``medium``; docs/BENCHMARKS.md has both presets' time and BD-rate).
      qpa: VVenC's perceptual QP adaptation (off by default, so that the QP is constant over the
        picture as BPG's is).
    """

    quality_range = QualityRange(0, 63, higher_is_better=False)

    def __init__(self, quality: float = 37, preset: str = "fast", qpa: bool = False):
        super().__init__(quality)
        if preset not in PRESETS:
            raise ValueError(f"vvc: preset must be one of {PRESETS}, got {preset!r}")
        self.preset, self.qpa = preset, bool(qpa)

    def metadata(self) -> dict:
        return {**super().metadata(), "preset": self.preset, "qpa": self.qpa}

    def encode(self, image: np.ndarray) -> bytes:
        image = check_image(image, self.name)
        height, width = image.shape[:2]
        if height % 2 or width % 2 or min(height, width) < 16:
            raise ValueError(f"vvc: VVenC codes 4:2:0 pictures of even width and height of at least 16 "
                             f"pixels, got {width}x{height}")
        args = [external.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin",
                "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", "25", "-i", "pipe:0",
                "-vf", "scale=out_color_matrix=bt601:out_range=tv,format=yuv420p10le",
                "-colorspace", "bt470bg", "-color_range", "tv",
                "-frames:v", "1", "-c:v", "libvvenc", "-preset", self.preset, "-qp", str(self.quality),
                "-qpa", str(int(self.qpa)), "-f", "vvc", "pipe:1"]
        return external.run(args, stdin=image.tobytes(), what="vvc encoder (ffmpeg/VVenC)")

    def decode(self, data: bytes) -> np.ndarray:
        if not (data.startswith(b"\x00\x00\x01") or data.startswith(b"\x00\x00\x00\x01")):
            raise BitstreamError("vvc: data does not start with an Annex-B start code")
        return ffmpeg_picture.decode(data, "vvc", self.name)
