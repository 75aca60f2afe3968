"""The built-in BPG encoder: bpgenc's colour pipeline, x265 intra coding through ffmpeg,
and the BPG container with its compact hevc_header.

x265 is set up as bpgenc 0.9.8 sets it: the preset indexed by the compression level
(``-m 8`` = veryslow), tune ssim, constant QP equal to ``-q``, one intra frame, AMP and
rectangular partitions on, no info SEI; the image is padded to a multiple of 8 by
replicating edges and the true size is stored in the header.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from image_codecs import external
from image_codecs.bpg import colour, container, hevc

__all__ = ["EncoderSettings", "encode", "X265_PRESETS"]

X265_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow",
                "placebo")
CB_SIZE = 8


@dataclasses.dataclass(frozen=True)
class EncoderSettings:
    """bpgenc's options: ``-q`` (0-51), ``-f`` (420/444), ``-m`` (1-9), ``-lossless`` and
    ``-hash`` (an MD5 of x265's reconstruction in a suffix SEI, checked when decoding)."""

    qp: int = 29
    chroma: str = "420"
    level: int = 8
    lossless: bool = False
    picture_hash: bool = False

    def __post_init__(self):
        if not 0 <= self.qp <= 51:
            raise ValueError(f"bpg: qp must be in 0..51, got {self.qp}")
        if self.chroma not in ("420", "444"):
            raise ValueError(f"bpg: chroma must be '420' or '444', got {self.chroma!r}")
        if not 1 <= self.level <= 9:
            raise ValueError(f"bpg: level must be in 1..9, got {self.level}")


def _planes(image: np.ndarray, settings: EncoderSettings) -> tuple[list[np.ndarray], int, int, str]:
    """Returns the padded planes, pixel_format, color_space and ffmpeg pixel format."""
    h, w = image.shape[:2]
    ph, pw = -(-h // CB_SIZE) * CB_SIZE, -(-w // CB_SIZE) * CB_SIZE
    if settings.lossless:  # bpgenc -lossless: RGB colour space (G, B, R planes), 4:4:4
        planes = [image[..., 1], image[..., 2], image[..., 0]]
        return [colour.pad_plane(p, ph, pw) for p in planes], 3, 1, "yuv444p"
    y, cb, cr = colour.rgb_to_ycbcr(image)
    if settings.chroma == "444":
        return [colour.pad_plane(p, ph, pw) for p in (y, cb, cr)], 3, 0, "yuv444p"
    cb2, cr2 = colour.decimate_420(cb), colour.decimate_420(cr)
    return ([colour.pad_plane(y, ph, pw), colour.pad_plane(cb2, ph // 2, pw // 2),
             colour.pad_plane(cr2, ph // 2, pw // 2)], 1, 0, "yuv420p")


def _x265(planes: list[np.ndarray], pix_fmt: str, settings: EncoderSettings) -> bytes:
    height, width = planes[0].shape
    raw = b"".join(p.astype(np.uint8).tobytes() for p in planes)
    params = ["keyint=1", "min-keyint=1", "info=0", "rect=1", "amp=1", "log-level=error", "annexb=1",
              "repeat-headers=1"]
    params += ["lossless=1"] if settings.lossless else [f"qp={settings.qp}"]
    params += ["hash=1"] if settings.picture_hash else []
    args = [external.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin",
            "-f", "rawvideo", "-pix_fmt", pix_fmt, "-s", f"{width}x{height}", "-r", "25", "-i", "pipe:0",
            "-frames:v", "1", "-c:v", "libx265", "-preset", X265_PRESETS[settings.level], "-tune", "ssim",
            "-x265-params", ":".join(params), "-f", "hevc", "pipe:1"]
    return external.run(args, stdin=raw, what="bpg encoder (ffmpeg/x265)")


def encode(image: np.ndarray, settings: EncoderSettings = EncoderSettings()) -> bytes:
    """Encodes ``uint8[H, W, 3]`` into the bytes of a .bpg file."""
    planes, pixel_format, color_space, pix_fmt = _planes(image, settings)
    stream = _x265(planes, pix_fmt, settings)
    hevc_header, info, hevc_data = hevc.compact_from_annexb(stream)
    if info["width"] != planes[0].shape[1] or info["height"] != planes[0].shape[0]:
        raise RuntimeError(f"x265 coded {info['width']}x{info['height']}, expected {planes[0].shape[::-1]}")
    header = container.BpgHeader(pixel_format=pixel_format, bit_depth=8, color_space=color_space,
                                 width=image.shape[1], height=image.shape[0])
    return container.serialize(header, hevc_header, hevc_data)
