"""The built-in BPG decoder: parse the container, rebuild VPS/SPS, decode the HEVC planes
with FFmpeg's HEVC decoder in this process (PyAV), then convert to RGB as bpgdec does (full
range, its chroma filter and fixed-point matrix), cropping the padding."""
from __future__ import annotations

import functools

import numpy as np

from image_codecs import threads
from image_datasets import pixel_budget
from image_codecs.bpg import colour, container, hevc
from image_codecs.bpg import BpgFormatError

__all__ = ["decode", "decode_planes", "annexb_stream"]

_PIX_FMT = {0: "gray", 1: "yuv420p", 2: "yuv422p", 3: "yuv444p"}
STRIP_ROWS = 128  # even, so that a strip of 4:2:0 output starts on a chroma row


def annexb_stream(f: container.BpgFile) -> bytes:
    """A standard HEVC Annex-B stream (VPS, SPS, then the colour NAL units) for ``f``."""
    h = f.header
    data = b"\x00\x00\x01" + f.hevc_data
    kept = []
    for nal in hevc.split_nal_units(data):
        if len(nal) < 2:
            raise BpgFormatError("HEVC payload holds an empty NAL unit")
        layer = ((nal[0] & 1) << 5) | (nal[1] >> 3)
        if layer != 0:  # alpha NAL units carry nuh_layer_id 1
            continue
        if hevc.nal_type(nal) in (hevc.NAL_VPS, hevc.NAL_SPS):  # FFmpeg would take its size over the header's
            raise BpgFormatError("HEVC payload holds a VPS or SPS, which a BPG file must not: the picture's size "
                                 "is the header's")
        kept.append(nal)
    if not kept:
        raise BpgFormatError("HEVC payload holds no colour NAL unit")
    vps = hevc.build_vps(h.chroma_format_idc, h.bit_depth)
    sps = hevc.build_sps(f.hevc_header, h.width, h.height, h.chroma_format_idc, h.bit_depth)
    return b"".join(b"\x00\x00\x00\x01" + nal for nal in [vps, sps] + kept)


def decode_planes(data: bytes) -> tuple[container.BpgFile, list[np.ndarray]]:
    """Decodes the HEVC picture of a .bpg file; returns the parsed file and its planes,
    padded to the coded size (uint8 or uint16)."""
    f = container.parse(data)
    h = f.header
    pixel_budget.check(h.width, h.height, "bpg")
    cb = f.hevc_header.cb_size
    cw, ch = -(-h.width // cb) * cb, -(-h.height // cb) * cb
    chroma = h.chroma_format_idc
    pix_fmt = _PIX_FMT[chroma] + ("" if h.bit_depth == 8 else f"{h.bit_depth}le")
    if h.bit_depth != 8 and chroma == 0:
        pix_fmt = f"gray{h.bit_depth}le"
    planes = _hevc_planes(annexb_stream(f), pix_fmt)
    dtype = np.uint8 if h.bit_depth == 8 else np.dtype("<u2")
    sizes = [(ch, cw)]
    if chroma:
        sub_w, sub_h = {1: (2, 2), 2: (2, 1), 3: (1, 1)}[chroma]
        sizes += [(ch // sub_h, cw // sub_w)] * 2
    if [p.shape for p in planes] != sizes or any(p.dtype != dtype for p in planes):
        raise BpgFormatError(f"HEVC payload decoded to planes {[p.shape for p in planes]}, expected {sizes} "
                             f"for {cw}x{ch} {pix_fmt}")
    return f, planes


@functools.lru_cache(maxsize=None)
def _av():
    """PyAV, with FFmpeg's log kept at errors (each decode captures its own: see below)."""
    import av  # pylint: disable=g-import-not-at-top
    import av.logging  # pylint: disable=g-import-not-at-top
    av.logging.set_level(av.logging.ERROR)
    return av


def _hevc_planes(stream: bytes, pix_fmt: str) -> list[np.ndarray]:
    """The planes of the one picture of an HEVC Annex-B ``stream`` (uint8, or uint16 for 10
    and 12 bits), decoded by FFmpeg's HEVC decoder in this process. With ``crccheck+explode``,
    a picture that differs from the decoded-picture hash the stream carries (``bpgenc -hash``,
    x265's ``--hash``) is an error; FFmpeg's own message goes into the error, not the terminal."""
    av = _av()
    with av.logging.Capture(local=True):
        try:
            context = av.CodecContext.create("hevc", "r")
            context.options = {"err_detect": "crccheck+explode"}
            context.thread_type = "SLICE"  # the checks run in this thread, where the capture listens
            context.thread_count = threads.WORKERS
            frames = context.decode(av.Packet(stream)) + context.decode(None)
        except av.error.FFmpegError as e:
            raise BpgFormatError(f"HEVC payload does not decode: {e}") from e
    if len(frames) != 1:
        raise BpgFormatError(f"HEVC payload decoded to {len(frames)} pictures, expected 1")
    frame = frames[0]
    if frame.format.name != pix_fmt:
        raise BpgFormatError(f"HEVC payload decoded to {frame.format.name}, expected {pix_fmt}")
    dtype = np.uint8 if frame.format.components[0].bits <= 8 else np.dtype("<u2")
    planes = []
    for plane in frame.planes:
        rows = np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)
        planes.append(np.ascontiguousarray(rows.view(dtype)[:, :plane.width]))  # the frame's rows are padded
    return planes


def decode(data: bytes) -> np.ndarray:
    """Decodes a .bpg file to uint8[H, W, 3] RGB at its true size, converting ``STRIP_ROWS``
    rows at a time (the integer intermediates of a whole 40-megapixel picture would take
    gigabytes, a strip's take megabytes), the strips on ``threads``' pool.

    Raises:
      BpgFormatError: malformed, truncated or unsupported file.
    """
    f, planes = decode_planes(data)
    h = f.header
    out = np.empty((h.height, h.width, 3), np.uint8)

    def convert(top: int) -> None:
        bottom = min(top + STRIP_ROWS, h.height)
        out[top:bottom] = _rgb_rows(h, planes, top, bottom)

    threads.map_in_order(convert, range(0, h.height, STRIP_ROWS))
    return out


def _rgb_rows(h: container.BpgHeader, planes: list[np.ndarray], top: int, bottom: int) -> np.ndarray:
    """Rows ``[top, bottom)`` of the RGB picture."""
    width = h.width
    y = planes[0][top:bottom, :width]
    if h.chroma_format_idc == 0:
        grey = colour.to_rgb(y, y, y, 1, h.bit_depth, h.limited_range)[..., 0]
        return np.repeat(grey[..., None], 3, axis=2)
    phase = 0 if h.pixel_format in (4, 5) else 1
    if h.chroma_format_idc == 1:
        cb, cr = (colour.upsample_420_rows(p, top, bottom, h.height, width, h.bit_depth, phase) for p in planes[1:])
    elif h.chroma_format_idc == 2:
        cb, cr = (colour.upsample_422(p[top:bottom], width, h.bit_depth, phase) for p in planes[1:])
    else:
        cb, cr = (p[top:bottom, :width] for p in planes[1:])
    return colour.to_rgb(y, cb, cr, h.color_space, h.bit_depth, h.limited_range)
