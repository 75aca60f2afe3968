"""HEVC residual_coding() (ITU-T H.265, 7.3.8.11) for ``slice_data``: the syntax of one
transform block's coefficients, parsed for its bins only (no level is kept)."""
from __future__ import annotations

import dataclasses

from image_codecs.bpg import BpgFormatError
from image_codecs.bpg.cabac import CONTEXT, ArithmeticDecoder

__all__ = ["Tools", "parse"]


@dataclasses.dataclass(frozen=True)
class Tools:
    """The SPS and PPS choices that shape residual_coding()."""

    chroma: int  # ChromaArrayType
    transform_skip_max: int  # Log2MaxTransformSkipSize, 0 when transform skip is off
    sign_hiding: bool
    transform_skip_context: bool
    implicit_rdpcm: bool
    persistent_rice: bool


_CTX_IDX_MAP_4x4 = (0, 1, 4, 5, 2, 3, 4, 5, 6, 6, 8, 8, 7, 7, 8, 8)  # sig_coeff_flag, 4x4 blocks


def _diagonal(size: int) -> list[tuple[int, int]]:
    """The up-right diagonal scan of a ``size``x``size`` block (6.5.3), as (x, y)."""
    order = []
    for d in range(2 * size - 1):
        for y in range(min(d, size - 1), -1, -1):
            if d - y < size:
                order.append((d - y, y))
    return order


def _scans(size: int) -> tuple[list[tuple[int, int]], ...]:
    """Scan orders indexed by scanIdx: diagonal, horizontal, vertical."""
    return (_diagonal(size), [(x, y) for y in range(size) for x in range(size)],
            [(x, y) for x in range(size) for y in range(size)])


_SUBBLOCK_SCANS = {log2: _scans(1 << log2) for log2 in range(4)}  # of 4x4 sub-blocks in a TB of 4 << log2
_COEFF_SCANS = _scans(4)


def _sig_ctx_tables() -> dict:
    """sig_coeff_flag's sigCtx within a 4x4 sub-block for each prevCsbf (9.3.4.2.5), by scan
    position n; the 4x4-block table by position too."""
    tables = {}
    for scan_idx, scan in enumerate(_COEFF_SCANS):
        for prev in range(4):
            ctx = []
            for x, y in scan:
                if prev == 0:
                    ctx.append(2 if x + y == 0 else 1 if x + y < 3 else 0)
                elif prev == 1:
                    ctx.append(2 if y == 0 else 1 if y == 1 else 0)
                elif prev == 2:
                    ctx.append(2 if x == 0 else 1 if x == 1 else 0)
                else:
                    ctx.append(2)
            tables[scan_idx, prev] = tuple(ctx)
        tables[scan_idx, "4x4"] = tuple(_CTX_IDX_MAP_4x4[(y << 2) + x] for x, y in scan)
    return tables


_SIG_CTX = _sig_ctx_tables()


def parse(dec: ArithmeticDecoder, states: list[int], stat_coeff: list[int], tools: Tools, log2: int, c: int,
          mode: int, bypass_cu: int) -> None:
    """Parses residual_coding() of a ``1 << log2`` transform block of component ``c`` predicted
    with intra mode ``mode``, in a CU with cu_transquant_bypass_flag ``bypass_cu``; updates the
    context ``states`` and the Rice statistics ``stat_coeff`` in place."""
    decision, bypass = dec.decision, dec.bypass
    skip = 0
    if tools.transform_skip_max and not bypass_cu and log2 <= tools.transform_skip_max:
        skip = decision(states, CONTEXT["transform_skip_flag"] + (1 if c else 0))
    # last_sig_coeff_x/y_prefix and suffix
    if c == 0:
        offset, shift = 3 * (log2 - 2) + ((log2 - 1) >> 2), (log2 + 1) >> 2
    else:
        offset, shift = 15, log2 - 2
    largest = (log2 << 1) - 1
    last = []
    for name in ("last_x_prefix", "last_y_prefix"):
        base = CONTEXT[name] + offset
        prefix = 0
        while prefix < largest and decision(states, base + (prefix >> shift)):
            prefix += 1
        last.append(prefix)
    for k in range(2):
        prefix = last[k]
        if prefix > 3:
            suffix_bits = (prefix >> 1) - 1
            last[k] = (1 << suffix_bits) * (2 + (prefix & 1)) + dec.bypass_bits(suffix_bits)
    last_x, last_y = last
    scan_idx = 0
    if log2 == 2 or (log2 == 3 and (c == 0 or tools.chroma == 3)):
        scan_idx = 2 if 6 <= mode <= 14 else 1 if 22 <= mode <= 30 else 0
    if scan_idx == 2:
        last_x, last_y = last_y, last_x
    log2_sb = log2 - 2
    sb_scan = _SUBBLOCK_SCANS[log2_sb][scan_idx]
    coeff_scan = _COEFF_SCANS[scan_idx]
    last_sb = sb_scan.index((last_x >> 2, last_y >> 2))
    last_pos = coeff_scan.index((last_x & 3, last_y & 3))
    sb_count = 1 << log2_sb
    coded = bytearray(sb_count * sb_count)
    ts_ctx = tools.transform_skip_context and (skip or bypass_cu)
    sig_base = CONTEXT["sig_coeff_flag"] + (27 if c else 0)
    csbf_base = CONTEXT["coded_sub_block_flag"] + (2 if c else 0)
    g1_base = CONTEXT["greater1_flag"] + (16 if c else 0)
    g2_base = CONTEXT["greater2_flag"] + (4 if c else 0)
    no_hiding = bypass_cu or not tools.sign_hiding or (tools.implicit_rdpcm and skip and mode in (10, 26))
    sb_type = (2 if c == 0 else 0) + (1 if (skip or bypass_cu) else 0)
    greater1_ctx = 1
    for i in range(last_sb, -1, -1):
        xs, ys = sb_scan[i]
        infer_dc = False
        if 0 < i < last_sb:
            right = coded[ys * sb_count + xs + 1] if xs + 1 < sb_count else 0
            below = coded[(ys + 1) * sb_count + xs] if ys + 1 < sb_count else 0
            flag = decision(states, csbf_base + (1 if right or below else 0))
            infer_dc = True
        else:
            flag = 1
        coded[ys * sb_count + xs] = flag
        if not flag:
            continue
        sig = [last_pos] if i == last_sb else []
        start = last_pos - 1 if i == last_sb else 15
        if ts_ctx:
            ctx_of = None
            fixed = sig_base + (42 if c == 0 else 16)
        elif log2 == 2:
            ctx_of = _SIG_CTX[scan_idx, "4x4"]
            extra = 0
        else:
            right = coded[ys * sb_count + xs + 1] if xs + 1 < sb_count else 0
            below = coded[(ys + 1) * sb_count + xs] if ys + 1 < sb_count else 0
            ctx_of = _SIG_CTX[scan_idx, right + 2 * below]
            if c == 0:
                extra = (3 if i > 0 else 0) + ((9 if scan_idx == 0 else 15) if log2 == 3 else 21)
            else:
                extra = 9 if log2 == 3 else 12
        for n in range(start, -1, -1):
            if n == 0 and infer_dc:
                sig.append(0)
                break
            if ctx_of is None:
                ctx = fixed
            elif log2 == 2:
                ctx = sig_base + ctx_of[n]
            elif n == 0 and i == 0:
                ctx = sig_base
            else:
                ctx = sig_base + ctx_of[n] + extra
            if decision(states, ctx):
                sig.append(n)
                infer_dc = False
        if not sig:
            continue
        # greater1 / greater2 flags
        ctx_set = 2 if (i > 0 and c == 0) else 0
        if i != last_sb and greater1_ctx == 0:
            ctx_set += 1
        greater1_ctx = 1
        first_g1 = -1
        g1 = []
        for m in range(min(8, len(sig))):
            flag = decision(states, g1_base + (ctx_set << 2) + greater1_ctx)
            g1.append(flag)
            if flag:
                greater1_ctx = 0
                if first_g1 < 0:
                    first_g1 = m
            elif 0 < greater1_ctx < 3:
                greater1_ctx += 1
        g2 = decision(states, g2_base + ctx_set) if first_g1 >= 0 else 0
        hidden = not no_hiding and sig[0] - sig[-1] >= 4
        dec.bypass_bits(len(sig) - (1 if hidden else 0))  # coeff_sign_flag
        # coeff_abs_level_remaining
        rice = stat_coeff[sb_type] >> 2 if tools.persistent_rice else 0
        rice_updated = False
        for m in range(len(sig)):
            if m < 8:
                base = 1 + g1[m] + (g2 if m == first_g1 else 0)
                if base != (3 if m == first_g1 else 2):
                    continue
            else:
                base = 1
            prefix = 0
            while bypass():
                prefix += 1
                if prefix >= 32:
                    raise BpgFormatError("HEVC: coeff_abs_level_remaining prefix over 32 bins")
            if prefix < 3:
                remaining = (prefix << rice) + dec.bypass_bits(rice)
            else:
                extra_bits = prefix - 3 + rice
                if extra_bits > 22:
                    raise BpgFormatError("HEVC: coeff_abs_level_remaining is out of range")
                remaining = (((1 << (prefix - 3)) + 2) << rice) + dec.bypass_bits(extra_bits)
            if base + remaining > (3 << rice):
                rice = rice + 1 if tools.persistent_rice else min(rice + 1, 4)
            if tools.persistent_rice and not rice_updated:
                init = stat_coeff[sb_type] >> 2
                if remaining >= (3 << init):
                    stat_coeff[sb_type] += 1
                elif 2 * remaining < (1 << init) and stat_coeff[sb_type] > 0:
                    stat_coeff[sb_type] -= 1
                rice_updated = True
