"""HEVC picture parameter sets and slice segment headers (ITU-T H.265, 7.3.2.3 and 7.3.6), as
far as the parse of an intra slice's data needs them.

The SPS is the one ``hevc.build_sps`` writes from the BPG header, so its fixed choices are
assumed here: one short-term picture order count of 8 bits, no reference picture sets,
temporal MVP on, no separate colour planes.
"""
from __future__ import annotations

import bisect
import dataclasses

from image_codecs.bitio import BitReader
from image_codecs.bpg import BpgFormatError

__all__ = ["Pps", "SliceHeader", "parse_pps", "parse_slice_header", "nal_index"]

_LOG2_MAX_POC_LSB = 8  # hevc.build_sps: log2_max_pic_order_cnt_lsb_minus4 = 4
SLICE_I = 2


@dataclasses.dataclass(frozen=True)
class Pps:
    """The PPS fields that shape an intra slice's syntax."""

    pps_id: int
    dependent_slice_segments_enabled: bool
    output_flag_present: bool
    num_extra_slice_header_bits: int
    sign_data_hiding: bool
    init_qp: int
    transform_skip_enabled: bool
    cu_qp_delta_enabled: bool
    diff_cu_qp_delta_depth: int
    slice_chroma_qp_offsets_present: bool
    transquant_bypass_enabled: bool
    tiles_enabled: bool
    entropy_coding_sync: bool
    tile_columns: tuple[int, ...] | None  # widths in CTBs; None: uniform spacing (with tile_rows)
    tile_rows: tuple[int, ...] | None
    num_tile_columns: int
    num_tile_rows: int
    loop_filter_across_slices: bool
    deblocking_override_enabled: bool
    deblocking_disabled: bool
    slice_header_extension_present: bool
    log2_max_transform_skip_size: int = 2
    cross_component_prediction: bool = False
    chroma_qp_offset_list_enabled: bool = False
    diff_cu_chroma_qp_offset_depth: int = 0
    chroma_qp_offset_list_len: int = 0


@dataclasses.dataclass(frozen=True)
class SliceHeader:
    """A slice segment header; a dependent segment's copies its slice's fields."""

    nal_type: int
    first_in_picture: bool
    pps_id: int
    dependent: bool
    segment_address: int  # of its first CTB, in raster scan
    slice_qp: int = 26
    sao_luma: bool = False
    sao_chroma: bool = False
    cu_chroma_qp_offset_enabled: bool = False
    entry_point_offsets: tuple[int, ...] = ()
    data_start: int = 0  # the RBSP byte where the slice segment data begins


def nal_index(removed: list[int], rbsp_pos: int) -> int:
    """Where RBSP byte ``rbsp_pos`` sits in the NAL unit (emulation prevention bytes counted;
    ``removed`` from ``bitio.rbsp_and_removals``)."""
    return rbsp_pos + bisect.bisect_right(removed, rbsp_pos)


def _skip_scaling_list_data(r: BitReader) -> None:
    for size_id in range(4):
        for _ in range(0, 6, 3 if size_id == 3 else 1):
            if not r.u(1):  # scaling_list_pred_mode_flag
                r.ue()
                continue
            if size_id > 1:
                r.se()
            for _ in range(min(64, 1 << (4 + (size_id << 1)))):
                r.se()


def parse_pps(rbsp: bytes) -> Pps:
    r = BitReader(rbsp, "HEVC PPS", BpgFormatError)
    r.u(16)
    f = dict(pps_id=r.ue())
    if f["pps_id"] > 63:
        raise BpgFormatError(f"PPS: pps_pic_parameter_set_id {f['pps_id']} is over 63")
    if r.ue() != 0:
        raise BpgFormatError("PPS: it refers to an SPS other than 0")
    f.update(dependent_slice_segments_enabled=bool(r.u(1)), output_flag_present=bool(r.u(1)),
             num_extra_slice_header_bits=r.u(3), sign_data_hiding=bool(r.u(1)))
    r.u(1)  # cabac_init_present_flag: inter slices only
    r.ue(), r.ue()  # default reference index counts
    f["init_qp"] = 26 + r.se()
    r.u(1)  # constrained_intra_pred_flag
    f["transform_skip_enabled"] = bool(r.u(1))
    f["cu_qp_delta_enabled"] = bool(r.u(1))
    f["diff_cu_qp_delta_depth"] = r.ue() if f["cu_qp_delta_enabled"] else 0
    r.se(), r.se()  # pps_cb_qp_offset, pps_cr_qp_offset
    f["slice_chroma_qp_offsets_present"] = bool(r.u(1))
    r.u(2)  # weighted prediction flags
    f.update(transquant_bypass_enabled=bool(r.u(1)), tiles_enabled=bool(r.u(1)), entropy_coding_sync=bool(r.u(1)))
    f.update(tile_columns=None, tile_rows=None, num_tile_columns=1, num_tile_rows=1)
    if f["tiles_enabled"]:
        f["num_tile_columns"], f["num_tile_rows"] = r.ue() + 1, r.ue() + 1
        if f["num_tile_columns"] > 64 or f["num_tile_rows"] > 64:
            raise BpgFormatError(f"PPS: {f['num_tile_columns']}x{f['num_tile_rows']} tiles")
        if not r.u(1):  # uniform_spacing_flag
            f["tile_columns"] = tuple(r.ue() + 1 for _ in range(f["num_tile_columns"] - 1))
            f["tile_rows"] = tuple(r.ue() + 1 for _ in range(f["num_tile_rows"] - 1))
        r.u(1)  # loop_filter_across_tiles_enabled_flag
    f["loop_filter_across_slices"] = bool(r.u(1))
    f.update(deblocking_override_enabled=False, deblocking_disabled=False)
    if r.u(1):  # deblocking_filter_control_present_flag
        f["deblocking_override_enabled"], f["deblocking_disabled"] = bool(r.u(1)), bool(r.u(1))
        if not f["deblocking_disabled"]:
            r.se(), r.se()
    if r.u(1):
        _skip_scaling_list_data(r)
    r.u(1)  # lists_modification_present_flag
    r.ue()  # log2_parallel_merge_level_minus2
    f["slice_header_extension_present"] = bool(r.u(1))
    if r.u(1):  # pps_extension_present_flag
        range_extension = r.u(1)
        if r.u(7):
            raise BpgFormatError("PPS: only the range extension is supported")
        if range_extension:
            if f["transform_skip_enabled"]:
                f["log2_max_transform_skip_size"] = r.ue() + 2
            f["cross_component_prediction"] = bool(r.u(1))
            f["chroma_qp_offset_list_enabled"] = bool(r.u(1))
            if f["chroma_qp_offset_list_enabled"]:
                f["diff_cu_chroma_qp_offset_depth"] = r.ue()
                f["chroma_qp_offset_list_len"] = r.ue() + 1
                if f["chroma_qp_offset_list_len"] > 6:
                    raise BpgFormatError("PPS: more than 6 chroma QP offsets")
                for _ in range(2 * f["chroma_qp_offset_list_len"]):
                    r.se()
            r.ue(), r.ue()  # log2_sao_offset_scale_luma/chroma
    if f.get("log2_max_transform_skip_size", 2) > 5:
        raise BpgFormatError("PPS: transform skip blocks over 32x32")
    return Pps(**f)


def parse_slice_header(rbsp: bytes, nal_type: int, pps_by_id: dict[int, Pps], ctbs: int, sao_enabled: bool,
                       chroma: int, independent: SliceHeader | None) -> SliceHeader:
    """The header of a slice segment NAL unit's RBSP. ``ctbs``: the picture's CTB count;
    ``independent``: the header of the slice's independent segment so far, for a dependent one."""
    r = BitReader(rbsp, "HEVC slice header", BpgFormatError)
    r.u(16)
    first = bool(r.u(1))
    if 16 <= nal_type <= 23:
        r.u(1)  # no_output_of_prior_pics_flag
    pps_id = r.ue()
    if pps_id not in pps_by_id:
        raise BpgFormatError(f"slice refers to PPS {pps_id}, which the stream does not carry")
    pps = pps_by_id[pps_id]
    dependent, address = False, 0
    if not first:
        if pps.dependent_slice_segments_enabled:
            dependent = bool(r.u(1))
        address = r.u(max(ctbs - 1, 0).bit_length())
        if address >= ctbs:
            raise BpgFormatError(f"slice segment address {address} is past the picture's {ctbs} CTBs")
    if dependent:
        if independent is None:
            raise BpgFormatError("a dependent slice segment comes first")
        fields = dataclasses.asdict(independent)
    else:
        r.u(pps.num_extra_slice_header_bits)
        slice_type = r.ue()
        if slice_type != SLICE_I:
            raise BpgFormatError(f"slice type {slice_type}: a BPG picture holds intra slices only")
        if pps.output_flag_present:
            r.u(1)
        if nal_type not in (19, 20):  # not IDR: picture order count and an explicit (empty) RPS
            r.u(_LOG2_MAX_POC_LSB)
            if r.u(1):
                raise BpgFormatError("slice header: the SPS has no reference picture sets to select")
            for _ in range(r.ue() + r.ue()):
                r.ue()
                r.u(1)
            r.u(1)  # slice_temporal_mvp_enabled_flag
        fields = dict(sao_luma=False, sao_chroma=False)
        if sao_enabled:
            fields["sao_luma"] = bool(r.u(1))
            fields["sao_chroma"] = bool(r.u(1)) if chroma else False
        fields["slice_qp"] = pps.init_qp + r.se()
        if pps.slice_chroma_qp_offsets_present:
            r.se(), r.se()
        fields["cu_chroma_qp_offset_enabled"] = bool(r.u(1)) if pps.chroma_qp_offset_list_enabled else False
        deblocking_disabled = pps.deblocking_disabled
        if pps.deblocking_override_enabled and r.u(1):
            deblocking_disabled = bool(r.u(1))
            if not deblocking_disabled:
                r.se(), r.se()
        if pps.loop_filter_across_slices and (fields["sao_luma"] or fields["sao_chroma"] or not deblocking_disabled):
            r.u(1)
    offsets = ()
    if pps.tiles_enabled or pps.entropy_coding_sync:
        count = r.ue()
        if count > ctbs:
            raise BpgFormatError(f"slice header: {count} entry points for {ctbs} CTBs")
        if count:
            length = r.ue() + 1
            if length > 32:
                raise BpgFormatError(f"slice header: entry point offsets of {length} bits")
            offsets = tuple(r.u(length) + 1 for _ in range(count))
    if pps.slice_header_extension_present:
        r.u(8 * r.ue())
    if r.u(1) != 1:
        raise BpgFormatError("slice header: byte_alignment() does not start with a 1")
    while not r.byte_aligned():
        if r.u(1):
            raise BpgFormatError("slice header: byte_alignment() has a nonzero bit")
    fields.update(nal_type=nal_type, first_in_picture=first, pps_id=pps_id, dependent=dependent,
                  segment_address=address, entry_point_offsets=offsets, data_start=r.pos // 8)
    return SliceHeader(**fields)
