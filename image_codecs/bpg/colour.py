"""Colour conversion and chroma resampling, in the fixed-point arithmetic libbpg uses.

Encoder side (as bpgenc): RGB -> full-range YCbCr BT.601 with 23-bit fixed point, 4:2:0
by a 10-tap decimation filter [2, -4, -8, 17, 57, 57, 17, -8, -4, 2] / 128 (horizontal,
then vertical), edges replicated. Decoder side (as bpgdec): 7-tap interpolation
[-1, 4, -10, 57, 18, -6, 2] / 64 (vertical, then horizontal with an unclamped 14-bit
intermediate), then YCbCr -> RGB with 22-bit fixed point. Matching bpgdec's arithmetic
makes our decoder reproduce bpgdec's pixels exactly.
"""
from __future__ import annotations

import numpy as np

__all__ = ["rgb_to_ycbcr", "decimate_420", "pad_plane", "upsample_420", "upsample_420_rows", "upsample_422", "to_rgb"]

_KR, _KB = 0.299, 0.114
_DECIMATE = np.array([2, -4, -8, 17, 57, 57, 17, -8, -4, 2], np.int64)  # taps at offsets -4..5
_IP1 = (-1, 4, -10, 57, 18, -6, 2)  # IP1C0..IP1C6
_IP0 = (40, -11, 4, -1)  # phase-0 (MPEG-2 chroma position) half-pel taps
_HALO = 4  # chroma rows beyond a strip that the vertical interpolation reads (taps -3..3)


def rgb_to_ycbcr(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """uint8[H, W, 3] -> three int64 planes of full-range BT.601 YCbCr (8 bit)."""
    shift = 31 - 8
    mult = float(1 << shift)  # (255 * 2**shift) / 255
    m = [_KR, 1 - _KR - _KB, _KB,
         -0.5 * _KR / (1 - _KB), -0.5 * (1 - _KR - _KB) / (1 - _KB), 0.5,
         0.5, -0.5 * (1 - _KR - _KB) / (1 - _KR), -0.5 * _KB / (1 - _KR)]
    c = [int(np.rint(v * mult)) for v in m]
    r, g, b = (rgb[..., i].astype(np.int64) for i in range(3))
    rnd = 1 << (shift - 1)
    y = np.clip((c[0] * r + c[1] * g + c[2] * b + rnd) >> shift, 0, 255)
    cb = np.clip(((c[3] * r + c[4] * g + c[5] * b + rnd) >> shift) + 128, 0, 255)
    cr = np.clip(((c[6] * r + c[7] * g + c[8] * b + rnd) >> shift) + 128, 0, 255)
    return y, cb, cr


def _replicate(plane: np.ndarray, axis: int, before: int, after: int) -> np.ndarray:
    pad = [(0, 0)] * plane.ndim
    pad[axis] = (before, after)
    return np.pad(plane, pad, mode="edge")


def _decimate_axis(plane: np.ndarray, axis: int) -> np.ndarray:
    """Sum of the 10 taps around each pair (2i, 2i+1), without normalisation."""
    n = plane.shape[axis]
    n2 = (n + 1) // 2
    padded = _replicate(plane, axis, 5, 5 + (n % 2))
    out = 0
    for k, tap in enumerate(_DECIMATE):
        offset = k - 4 + 5  # tap k sits at source offset (k - 4) relative to 2i
        idx = [slice(None)] * plane.ndim
        idx[axis] = slice(offset, offset + 2 * n2, 2)
        out = out + tap * padded[tuple(idx)]
    return out


def decimate_420(plane: np.ndarray) -> np.ndarray:
    """Full-resolution chroma -> half resolution in both directions (bpgenc's filter)."""
    h = (_decimate_axis(plane, 1) + 1) >> 1  # 8-bit: shift = bit_depth - 7 = 1
    v = _decimate_axis(h, 0)
    return np.clip((v + (1 << 12)) >> 13, 0, 255)  # shift = 21 - bit_depth


def pad_plane(plane: np.ndarray, height: int, width: int) -> np.ndarray:
    """Replicates the last row/column up to ``height x width``."""
    return np.pad(plane, ((0, height - plane.shape[0]), (0, width - plane.shape[1])), mode="edge")


def _interp_p1(src: np.ndarray, axis: int, n_out: int) -> tuple[np.ndarray, np.ndarray]:
    """Even and odd outputs of the 7-tap phase-0.5 interpolator along ``axis``."""
    n2 = src.shape[axis]
    padded = _replicate(src, axis, 3, 4)
    taps = []
    for k in range(7):
        idx = [slice(None)] * src.ndim
        idx[axis] = slice(k, k + n2)
        taps.append(padded[tuple(idx)])
    even = sum(t * _IP1[6 - k] for k, t in enumerate(taps))
    odd = sum(t * _IP1[k] for k, t in enumerate(taps))
    return even, odd


def _interleave(even: np.ndarray, odd: np.ndarray, axis: int, n_out: int) -> np.ndarray:
    shape = list(even.shape)
    shape[axis] = 2 * even.shape[axis]
    out = np.empty(shape, even.dtype)
    idx_e = [slice(None)] * even.ndim
    idx_o = [slice(None)] * even.ndim
    idx_e[axis], idx_o[axis] = slice(0, None, 2), slice(1, None, 2)
    out[tuple(idx_e)], out[tuple(idx_o)] = even, odd
    keep = [slice(None)] * even.ndim
    keep[axis] = slice(0, n_out)
    return out[tuple(keep)]


def _interp_h16(tmp: np.ndarray, width: int, bit_depth: int, phase: int) -> np.ndarray:
    """Horizontal upsampling of the 14-bit vertical intermediate (interp2p*_simple16)."""
    pixel_max = (1 << bit_depth) - 1
    shift1 = 20 - bit_depth
    if phase == 1:
        even, odd = _interp_p1(tmp, 1, width)
        out = _interleave(even, odd, 1, width)
        return np.clip((out + (1 << (shift1 - 1))) >> shift1, 0, pixel_max)
    shift0 = 14 - bit_depth
    padded = _replicate(tmp, 1, 3, 4)
    n2 = tmp.shape[1]
    s = [padded[:, k:k + n2] for k in range(8)]  # offsets -3..4
    even = (s[3] + ((1 << shift0) >> 1)) >> shift0
    odd = ((s[0] + s[7]) * _IP0[3] + (s[1] + s[6]) * _IP0[2] + (s[2] + s[5]) * _IP0[1]
           + (s[3] + s[4]) * _IP0[0] + (1 << (shift1 - 1))) >> shift1
    return np.clip(_interleave(even, odd, 1, width), 0, pixel_max)


def upsample_420(plane: np.ndarray, height: int, width: int, bit_depth: int = 8, phase: int = 1) -> np.ndarray:
    """Half-resolution chroma ``[ceil(H/2), ceil(W/2)]`` -> ``[H, W]`` as bpgdec does."""
    plane = plane[: (height + 1) // 2, : (width + 1) // 2].astype(np.int32)  # 14-bit x taps: far below 2**31
    even, odd = _interp_p1(plane, 0, height)
    shift = bit_depth - 8
    vertical = _interleave(even, odd, 0, height)
    vertical = (vertical + ((1 << shift) >> 1)) >> shift
    return _interp_h16(vertical, width, bit_depth, phase)


def upsample_420_rows(plane: np.ndarray, top: int, bottom: int, height: int, width: int, bit_depth: int = 8,
                      phase: int = 1) -> np.ndarray:
    """Output rows ``[top, bottom)`` (``top`` even) of ``upsample_420(plane, height, width, ...)``,
    computed from the chroma rows they read only, so that memory follows the strip, not the picture."""
    if top % 2:
        raise ValueError(f"a 4:2:0 strip starts on an even row, not {top}")
    rows = (height + 1) // 2
    first, last = max(top // 2 - _HALO, 0), min((bottom + 1) // 2 + _HALO, rows)
    part = upsample_420(plane[first:last], min(2 * last, height) - 2 * first, width, bit_depth, phase)
    return part[top - 2 * first:bottom - 2 * first]


def upsample_422(plane: np.ndarray, width: int, bit_depth: int = 8, phase: int = 1) -> np.ndarray:
    """Half-width chroma -> full width (bpgdec's interp2_h, on pixel values)."""
    plane = plane[:, : (width + 1) // 2].astype(np.int32)
    return _interp_h16(plane << (14 - bit_depth), width, bit_depth, phase)


def to_rgb(y: np.ndarray, cb: np.ndarray, cr: np.ndarray, color_space: int, bit_depth: int,
           limited_range: bool, dtype=None) -> np.ndarray:
    """Full-resolution planes -> uint8[H, W, 3] with bpgdec's fixed-point conversion, in
    ``dtype`` (default: the narrowest integer type that holds every intermediate exactly)."""
    c_shift = 30 - 8
    in_max = (1 << bit_depth) - 1
    mult = 255.0 * (1 << c_shift) / in_max
    mult_y = 255.0 * (1 << c_shift) / (219 << (bit_depth - 8)) if limited_range else mult
    mult_c = 255.0 * (1 << c_shift) / (224 << (bit_depth - 8)) if limited_range else mult
    rnd = 1 << (c_shift - 1)
    y_one = int(np.rint(mult_y))
    y_offset = (-(16 << (bit_depth - 8)) * y_one + rnd) if limited_range else rnd
    center = 1 << (bit_depth - 1)
    kr, kb = {0: (0.299, 0.114), 3: (0.2126, 0.0722), 4: (0.2627, 0.0593)}.get(color_space, (0.299, 0.114))
    c_r_cr = int(np.rint(2 * (1 - kr) * mult_c))
    c_g_cb = int(np.rint(2 * kb * (1 - kb) / (1 - kb - kr) * mult_c))
    c_g_cr = int(np.rint(2 * kr * (1 - kr) / (1 - kb - kr) * mult_c))
    c_b_cb = int(np.rint(2 * (1 - kb) * mult_c))
    # The largest intermediate magnitude decides the integer type: int32 where it is exact
    # (8-bit; half the memory traffic of int64), int64 otherwise.
    chroma = {1: 0, 2: 2 * center * y_one}.get(color_space, max(c_r_cr, c_g_cb + c_g_cr, c_b_cb) * center)
    bound = in_max * y_one + chroma + abs(y_offset)
    dtype = dtype or (np.int32 if bound < 2 ** 31 else np.int64)
    y, cb, cr = (p.astype(dtype) for p in (y, cb, cr))
    if color_space == 1:  # RGB stored as G, B, R
        planes = [cr, y, cb]
        out = [(p * y_one + y_offset) >> c_shift for p in planes]
    elif color_space == 2:  # YCgCo
        cg, co = cb - center, cr - center
        out = [((y - cg + co) * y_one + y_offset) >> c_shift, ((y + cg) * y_one + y_offset) >> c_shift,
               ((y - cg - co) * y_one + y_offset) >> c_shift]
    else:
        if color_space not in (0, 3, 4):
            raise ValueError(f"unsupported BPG colour space {color_space}")
        yv = y * y_one
        cbv, crv = cb - center, cr - center
        out = [(yv + c_r_cr * crv + y_offset) >> c_shift, (yv - c_g_cb * cbv - c_g_cr * crv + y_offset) >> c_shift,
               (yv + c_b_cb * cbv + y_offset) >> c_shift]
    return np.clip(np.stack(out, axis=-1), 0, 255).astype(np.uint8)
