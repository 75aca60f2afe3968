"""HEVC parameter sets for BPG: the compact ``hevc_header`` and the VPS/SPS it stands for.

BPG files carry no VPS or SPS NAL unit; their ``hevc_header`` keeps only the SPS fields
that an intra picture needs (bpg_spec.txt, section 3). The encoder reads those fields
from x265's SPS; the decoder writes a standard VPS and SPS from them (with the spec's
stated assumptions) so that a stock HEVC decoder can read the stream.
"""
from __future__ import annotations

import dataclasses

from image_codecs.bitio import (BitReader, BitWriter, add_emulation_prevention, read_ue7, remove_emulation_prevention,
                                write_ue7)
from image_codecs.bpg import BpgFormatError

__all__ = ["HevcHeader", "split_nal_units", "nal_type", "compact_from_annexb", "parse_hevc_header",
           "write_hevc_header", "build_vps", "build_sps", "NAL_VPS", "NAL_SPS", "NAL_PPS"]

NAL_VPS, NAL_SPS, NAL_PPS = 32, 33, 34
_START = b"\x00\x00\x01"


@dataclasses.dataclass(frozen=True)
class HevcHeader:
    """The SPS fields a BPG ``hevc_header`` carries (names as in the HEVC SPS)."""

    log2_min_cb_size: int = 3
    log2_diff_max_min_cb_size: int = 3
    log2_min_tb_size: int = 2
    log2_diff_max_min_tb_size: int = 3
    max_transform_hierarchy_depth_intra: int = 0
    sample_adaptive_offset_enabled: bool = True
    pcm: tuple[int, int, int, int, int] | None = None  # luma/chroma depth -1, log2 min -3, diff, loop filter off
    strong_intra_smoothing_enabled: bool = False
    sps_range_extension_flags: int | None = None  # 9 bits when the range extension is present

    @property
    def cb_size(self) -> int:
        return 1 << self.log2_min_cb_size


def nal_type(nal: bytes) -> int:
    return (nal[0] >> 1) & 0x3F


def split_nal_units(stream: bytes) -> list[bytes]:
    """Splits an Annex-B byte stream into NAL units (without start codes)."""
    positions = []
    i = stream.find(_START)
    while i >= 0:
        positions.append(i + 3)
        i = stream.find(_START, i + 3)
    nals = []
    for k, start in enumerate(positions):
        end = positions[k + 1] - 3 if k + 1 < len(positions) else len(stream)
        nal = stream[start:end]
        if k + 1 < len(positions) and nal.endswith(b"\x00"):  # 4-byte start code of the next NAL
            nal = nal[:-1]
        if nal:
            nals.append(nal)
    return nals


def _skip_profile_tier_level(r: BitReader, max_sub_layers_minus1: int) -> None:
    r.u(2 + 1 + 5 + 32 + 4 + 43 + 1 + 8)  # general profile/tier/compat/flags/reserved/level
    present = [(r.u(1), r.u(1)) for _ in range(max_sub_layers_minus1)]
    if max_sub_layers_minus1:
        r.u(2 * (8 - max_sub_layers_minus1))
    for profile_present, level_present in present:
        if profile_present:
            r.u(88)
        if level_present:
            r.u(8)


def _skip_vui(r: BitReader) -> None:
    if r.u(1):  # aspect_ratio_info_present_flag
        if r.u(8) == 255:
            r.u(32)
    if r.u(1):  # overscan_info_present_flag
        r.u(1)
    if r.u(1):  # video_signal_type_present_flag
        r.u(4)
        if r.u(1):
            r.u(24)
    if r.u(1):  # chroma_loc_info_present_flag
        r.ue()
        r.ue()
    r.u(3)  # neutral_chroma, field_seq, frame_field_info
    if r.u(1):  # default_display_window_flag
        for _ in range(4):
            r.ue()
    if r.u(1):  # vui_timing_info_present_flag
        r.u(64)
        if r.u(1):
            r.ue()
        if r.u(1):
            raise BpgFormatError("SPS: VUI HRD parameters are not supported")
    if r.u(1):  # bitstream_restriction_flag
        r.u(3)
        for _ in range(5):
            r.ue()


def parse_sps(nal: bytes) -> tuple[HevcHeader, dict]:
    """Reads an SPS NAL unit; returns the compact fields and the picture properties."""
    r = BitReader(remove_emulation_prevention(nal), "HEVC SPS", BpgFormatError)
    r.u(16)  # NAL header
    if r.u(4) != 0:
        raise BpgFormatError("SPS: VPS id 0 expected")
    max_sub_layers_minus1 = r.u(3)
    r.u(1)
    _skip_profile_tier_level(r, max_sub_layers_minus1)
    if r.ue() != 0:
        raise BpgFormatError("SPS: SPS id 0 expected")
    info = {"chroma_format_idc": r.ue()}
    if info["chroma_format_idc"] == 3:
        r.u(1)
    info["width"], info["height"] = r.ue(), r.ue()
    if r.u(1):  # conformance window
        for _ in range(4):
            r.ue()
    info["bit_depth"] = r.ue() + 8
    r.ue()  # chroma bit depth
    r.ue()  # log2_max_pic_order_cnt_lsb_minus4
    ordering = r.u(1)
    for _ in range((max_sub_layers_minus1 + 1) if ordering else 1):
        r.ue()
        r.ue()
        r.ue()
    fields = dict(log2_min_cb_size=r.ue() + 3, log2_diff_max_min_cb_size=r.ue(), log2_min_tb_size=r.ue() + 2,
                  log2_diff_max_min_tb_size=r.ue())
    r.ue()  # max_transform_hierarchy_depth_inter
    fields["max_transform_hierarchy_depth_intra"] = r.ue()
    if r.u(1):
        raise BpgFormatError("SPS: scaling lists are not allowed in BPG")
    r.u(1)  # amp_enabled_flag
    fields["sample_adaptive_offset_enabled"] = bool(r.u(1))
    if r.u(1):
        fields["pcm"] = (r.u(4), r.u(4), r.ue(), r.ue(), r.u(1))
    if r.ue() != 0:
        raise BpgFormatError("SPS: short-term reference picture sets must be absent (intra only)")
    if r.u(1):
        raise BpgFormatError("SPS: long-term reference pictures must be absent")
    r.u(1)  # sps_temporal_mvp_enabled_flag
    fields["strong_intra_smoothing_enabled"] = bool(r.u(1))
    if r.u(1):
        _skip_vui(r)
    if r.u(1):  # sps_extension_present_flag
        range_flag = r.u(1)
        if r.u(7):
            raise BpgFormatError("SPS: only the range extension is allowed")
        if range_flag:
            fields["sps_range_extension_flags"] = r.u(9)
    return HevcHeader(**fields), info


def write_hevc_header(h: HevcHeader) -> bytes:
    """The ``hevc_header()`` of bpg_spec.txt: ue7 length, then the fields, byte aligned."""
    w = BitWriter()
    w.ue(h.log2_min_cb_size - 3).ue(h.log2_diff_max_min_cb_size).ue(h.log2_min_tb_size - 2)
    w.ue(h.log2_diff_max_min_tb_size).ue(h.max_transform_hierarchy_depth_intra)
    w.flag(h.sample_adaptive_offset_enabled).flag(h.pcm is not None)
    if h.pcm is not None:
        w.u(4, h.pcm[0]).u(4, h.pcm[1]).ue(h.pcm[2]).ue(h.pcm[3]).u(1, h.pcm[4])
    w.flag(h.strong_intra_smoothing_enabled)
    w.flag(h.sps_range_extension_flags is not None)
    if h.sps_range_extension_flags is not None:
        w.u(1, 1).u(7, 0).u(9, h.sps_range_extension_flags)
    body = w.align_zero()
    return write_ue7(len(body)) + body


def parse_hevc_header(data: bytes, pos: int) -> tuple[HevcHeader, int]:
    """Reads an ``hevc_header()`` at ``pos``; returns it and the position after it."""
    length, pos = read_ue7(data, pos, "hevc_header_length", error=BpgFormatError)
    if pos + length > len(data):
        raise BpgFormatError(f"truncated file: hevc_header of {length} bytes runs past the end")
    r = BitReader(data[pos:pos + length], "hevc_header", BpgFormatError)
    fields = dict(log2_min_cb_size=r.ue() + 3, log2_diff_max_min_cb_size=r.ue(), log2_min_tb_size=r.ue() + 2,
                  log2_diff_max_min_tb_size=r.ue(), max_transform_hierarchy_depth_intra=r.ue(),
                  sample_adaptive_offset_enabled=bool(r.u(1)))
    if r.u(1):
        fields["pcm"] = (r.u(4), r.u(4), r.ue(), r.ue(), r.u(1))
    fields["strong_intra_smoothing_enabled"] = bool(r.u(1))
    if r.u(1):
        range_flag = r.u(1)
        if r.u(7):
            raise BpgFormatError("hevc_header: sps_extension_7bits must be 0")
        if range_flag:
            fields["sps_range_extension_flags"] = r.u(9)
    header = HevcHeader(**fields)
    if not 3 <= header.log2_min_cb_size <= 6 or header.log2_min_cb_size + header.log2_diff_max_min_cb_size > 6:
        raise BpgFormatError(f"hevc_header: coding block sizes out of range ({header})")
    if not 2 <= header.log2_min_tb_size <= 5 or header.log2_min_tb_size + header.log2_diff_max_min_tb_size > 5:
        raise BpgFormatError(f"hevc_header: transform block sizes out of range ({header})")
    return header, pos + length


def compact_from_annexb(stream: bytes) -> tuple[HevcHeader, dict, bytes]:
    """Turns x265's Annex-B output into BPG's (hevc_header, hevc_data).

    Drops the VPS and SPS (and prefix SEI and access unit delimiters, which carry nothing
    for a still picture); keeps suffix SEI, where x265 puts the decoded-picture MD5 when
    asked (bpgenc ``-hash``). Returns the compact header, the SPS picture properties and
    the NAL units with start codes between them but not before the first, as
    bpg_spec.txt requires.
    """
    header, info, kept = None, None, []
    for nal in split_nal_units(stream):
        t = nal_type(nal)
        if t == NAL_SPS:
            header, info = parse_sps(nal)
        elif t in (NAL_VPS, 39, 35):  # VPS, prefix SEI, access unit delimiter
            continue
        else:
            kept.append(nal)
    if header is None or not kept:
        raise BpgFormatError("HEVC stream has no SPS or no picture data")
    return header, info, (b"\x00\x00\x01").join(kept)


def _profile_tier_level(w: BitWriter, profile_idc: int) -> None:
    w.u(2, 0).u(1, 0).u(5, profile_idc)
    for j in range(32):
        w.u(1, int(j == profile_idc))
    w.u(1, 1).u(1, 0).u(1, 0).u(1, 1)  # progressive, not interlaced, packed, frame only
    w.u(32, 0).u(11, 0).u(1, 0)  # 43 reserved bits + inbld flag
    w.u(8, 186)  # level 6.2: no limit matters for a single still picture


def _profile(chroma_format_idc: int, bit_depth: int) -> int:
    if chroma_format_idc == 1 and bit_depth == 8:
        return 1  # Main
    if chroma_format_idc == 1 and bit_depth == 10:
        return 2  # Main 10
    return 4  # Format range extensions


def build_vps(chroma_format_idc: int, bit_depth: int) -> bytes:
    w = BitWriter()
    w.u(16, (NAL_VPS << 9) | 1)
    w.u(4, 0).u(1, 1).u(1, 1).u(6, 0).u(3, 0).u(1, 1).u(16, 0xFFFF)
    _profile_tier_level(w, _profile(chroma_format_idc, bit_depth))
    w.u(1, 1).ue(0).ue(0).ue(0)  # sub-layer ordering info
    w.u(6, 0).ue(0)  # vps_max_layer_id, vps_num_layer_sets_minus1
    w.u(1, 0).u(1, 0)  # no timing info, no extension
    return add_emulation_prevention(w.rbsp_trailing())


def build_sps(h: HevcHeader, width: int, height: int, chroma_format_idc: int, bit_depth: int) -> bytes:
    """A standard SPS from the compact header and the assumptions of bpg_spec.txt 3.2."""
    w = BitWriter()
    w.u(16, (NAL_SPS << 9) | 1)
    w.u(4, 0).u(3, 0).u(1, 1)
    _profile_tier_level(w, _profile(chroma_format_idc, bit_depth))
    w.ue(0).ue(chroma_format_idc)
    if chroma_format_idc == 3:
        w.u(1, 0)
    cb = h.cb_size
    w.ue(-(-width // cb) * cb).ue(-(-height // cb) * cb)
    w.u(1, 0)  # no conformance window: the decoder crops
    w.ue(bit_depth - 8).ue(bit_depth - 8)
    w.ue(4)  # log2_max_pic_order_cnt_lsb_minus4
    w.u(1, 1).ue(0).ue(0).ue(0)
    w.ue(h.log2_min_cb_size - 3).ue(h.log2_diff_max_min_cb_size).ue(h.log2_min_tb_size - 2)
    w.ue(h.log2_diff_max_min_tb_size)
    w.ue(h.max_transform_hierarchy_depth_intra).ue(h.max_transform_hierarchy_depth_intra)
    w.u(1, 0).u(1, 1)  # no scaling lists; amp_enabled_flag = 1
    w.flag(h.sample_adaptive_offset_enabled).flag(h.pcm is not None)
    if h.pcm is not None:
        w.u(4, h.pcm[0]).u(4, h.pcm[1]).ue(h.pcm[2]).ue(h.pcm[3]).u(1, h.pcm[4])
    w.ue(0).u(1, 0).u(1, 1)  # no st/lt reference picture sets; sps_temporal_mvp_enabled_flag = 1
    w.flag(h.strong_intra_smoothing_enabled)
    w.u(1, 0)  # no VUI
    if h.sps_range_extension_flags is not None:
        w.u(1, 1).u(1, 1).u(7, 0).u(9, h.sps_range_extension_flags)
    else:
        w.u(1, 0)
    return add_emulation_prevention(w.rbsp_trailing())
