"""Checks that a BPG file's HEVC slices code exactly the picture its header declares.

A BPG header's width and height become the SPS that the HEVC decoder reads, and nothing
else in the file repeats them. FFmpeg (like bpgdec) decodes a stream whose slices end
before the last CTU without a word and returns the declared size with garbage where no CTU
was coded. ``check`` parses every slice segment's data with CABAC (ITU-T H.265, 7.3.8 and
9.3), without reconstructing any sample, and raises ``BpgFormatError`` unless the slice
segments, in order, code CTU 0 to the last CTU of the declared picture, each ending exactly
where its data (and each entry point's substream) ends.

Its cost grows with the payload's bits (about a microsecond a bin): callers that decode their
own fresh encodes skip it, callers taking files from outside (``guarded.decode_untrusted``) run it.
"""
from __future__ import annotations

from image_codecs.bitio import rbsp_and_removals, remove_emulation_prevention
from image_codecs.bpg import BpgFormatError, container, hevc, residual_coding
from image_codecs.bpg import slice_header as sh
from image_codecs.bpg.cabac import CONTEXT, ArithmeticDecoder, RanOut, initial_states
from image_datasets import pixel_budget

__all__ = ["check"]

_VCL_TYPES = set(range(0, 10)) | set(range(16, 22))
_CHROMA_FROM_SYNTAX = (0, 26, 10, 1)  # intra_chroma_pred_mode 0..3 (Table 8-2)
# Table 8-3: the 4:2:2 chroma prediction mode for each mode of mode 4's process.
_MODE_422 = (0, 1, 2, 2, 2, 2, 3, 5, 7, 8, 10, 12, 13, 15, 17, 18, 19, 20, 21, 22, 23, 23, 24, 24, 25, 25, 26, 27,
             27, 28, 28, 29, 29, 30, 31)


class _Picture:
    """The geometry and coding tools of the declared picture (the SPS the decoder builds)."""

    def __init__(self, f: container.BpgFile):
        h, hh = f.header, f.hevc_header
        cb = hh.cb_size
        self.width, self.height = -(-h.width // cb) * cb, -(-h.height // cb) * cb
        self.chroma = h.chroma_format_idc
        self.bit_depth = h.bit_depth
        self.log2_min_cb = hh.log2_min_cb_size
        self.log2_ctb = hh.log2_min_cb_size + hh.log2_diff_max_min_cb_size
        self.log2_min_tb = hh.log2_min_tb_size
        self.log2_max_tb = hh.log2_min_tb_size + hh.log2_diff_max_min_tb_size
        self.max_depth_intra = hh.max_transform_hierarchy_depth_intra
        self.sao = hh.sample_adaptive_offset_enabled
        self.pcm = None
        if hh.pcm is not None:
            depth_y, depth_c, log2_min, diff, _ = hh.pcm
            self.pcm = (depth_y + 1, depth_c + 1, log2_min + 3, log2_min + 3 + diff)
        flags = hh.sps_range_extension_flags or 0
        self.transform_skip_context = bool(flags & 0x80)
        self.implicit_rdpcm = bool(flags & 0x40)
        self.persistent_rice = bool(flags & 0x2)
        if flags & 0x10:
            raise BpgFormatError("HEVC: extended_precision_processing_flag is not supported")
        if flags & 0x1:
            raise BpgFormatError("HEVC: cabac_bypass_alignment_enabled_flag is not supported")
        self.ctb_cols = -(-self.width >> self.log2_ctb)
        self.ctb_rows = -(-self.height >> self.log2_ctb)
        self.ctbs = self.ctb_cols * self.ctb_rows

    def tiles(self, pps: sh.Pps) -> tuple[list[int], list[int], list[int]]:
        """CtbAddrRsToTs, CtbAddrTsToRs and TileId by raster address (6.5.1)."""
        cols, rows = pps.num_tile_columns, pps.num_tile_rows
        if cols > self.ctb_cols or rows > self.ctb_rows:
            raise BpgFormatError(f"PPS: {cols}x{rows} tiles in a picture of {self.ctb_cols}x{self.ctb_rows} CTBs")
        if pps.tile_columns is None:
            widths = [((i + 1) * self.ctb_cols) // cols - (i * self.ctb_cols) // cols for i in range(cols)]
            heights = [((j + 1) * self.ctb_rows) // rows - (j * self.ctb_rows) // rows for j in range(rows)]
        else:
            widths = list(pps.tile_columns) + [self.ctb_cols - sum(pps.tile_columns)]
            heights = list(pps.tile_rows) + [self.ctb_rows - sum(pps.tile_rows)]
            if widths[-1] < 1 or heights[-1] < 1:
                raise BpgFormatError("PPS: the tile columns or rows are wider than the picture")
        ts_to_rs, tile_of_rs = [], [0] * self.ctbs
        top = 0
        for j, tile_h in enumerate(heights):
            left = 0
            for i, tile_w in enumerate(widths):
                for y in range(top, top + tile_h):
                    for x in range(left, left + tile_w):
                        rs = y * self.ctb_cols + x
                        ts_to_rs.append(rs)
                        tile_of_rs[rs] = j * cols + i
                left += tile_w
            top += tile_h
        rs_to_ts = [0] * self.ctbs
        for ts, rs in enumerate(ts_to_rs):
            rs_to_ts[rs] = ts
        return rs_to_ts, ts_to_rs, tile_of_rs


class _Walker:
    """Parses slice segment data CTU by CTU, keeping what later syntax depends on: each CTB's
    slice, the coding-tree depth per minimum CB, the luma intra mode per 4x4 block."""

    def __init__(self, picture: _Picture):
        self.pic = p = picture
        self.ctb_slice = [-1] * p.ctbs  # SliceAddrRs of the slice that coded each CTB
        self.min_cb_cols = p.width >> p.log2_min_cb
        self.ct_depth = bytearray(self.min_cb_cols * (p.height >> p.log2_min_cb))
        self.cols4 = p.width >> 2
        self.intra_mode = bytearray(self.cols4 * (p.height >> 2))
        self.wpp_saved = None
        self.ds_saved = None

    # -- the CTU loop -------------------------------------------------------------------

    def segment(self, header: sh.SliceHeader, pps: sh.Pps, rbsp: bytes, removed: list[int], next_ts: int,
                slice_addr: int, order: tuple[list[int], list[int], list[int]]) -> int:
        """Parses one slice segment's data; returns the tile-scan address after its last CTB."""
        pic = self.pic
        rs_to_ts, ts_to_rs, tile_of_rs = order
        self.pps, self.header = pps, header
        self.slice_addr = slice_addr
        self.log2_min_qg = pic.log2_ctb - pps.diff_cu_qp_delta_depth
        self.log2_min_cqg = pic.log2_ctb - pps.diff_cu_chroma_qp_offset_depth
        self.tools = residual_coding.Tools(
            chroma=pic.chroma, transform_skip_max=pps.log2_max_transform_skip_size if pps.transform_skip_enabled else 0,
            sign_hiding=pps.sign_data_hiding, transform_skip_context=pic.transform_skip_context,
            implicit_rdpcm=pic.implicit_rdpcm, persistent_rice=pic.persistent_rice)
        ts = rs_to_ts[header.segment_address]
        if ts != next_ts:
            raise BpgFormatError(f"slice segment starts at CTB {ts} (tile scan), expected {next_ts}")
        dec = ArithmeticDecoder(rbsp, header.data_start)
        substream_starts = [header.data_start]
        rs = ts_to_rs[ts]
        self._start_contexts(rs, ts, ts_to_rs, tile_of_rs, segment_start=True)
        cols = pic.ctb_cols
        while True:
            self.dec = dec
            self.ctb_slice[rs] = slice_addr
            x_ctb, y_ctb = rs % cols, rs // cols
            tile = tile_of_rs[rs]
            self.left_ctb = x_ctb > 0 and self.ctb_slice[rs - 1] == slice_addr and tile_of_rs[rs - 1] == tile
            self.up_ctb = y_ctb > 0 and self.ctb_slice[rs - cols] == slice_addr and tile_of_rs[rs - cols] == tile
            try:
                if header.sao_luma or header.sao_chroma:
                    self._sao(rs, x_ctb, y_ctb, tile, tile_of_rs, header)
                self._quadtree(x_ctb << pic.log2_ctb, y_ctb << pic.log2_ctb, pic.log2_ctb, 0)
                dec = self.dec  # a PCM CU restarts the arithmetic decoder
                end = dec.terminate()
            except RanOut:
                raise BpgFormatError(f"HEVC slice data runs out in CTB {ts} of {pic.ctbs}: the payload does not code "
                                     f"the {pic.width}x{pic.height} picture its header declares") from None
            if pps.entropy_coding_sync and (x_ctb == 1 or (rs > 1 and tile_of_rs[rs - 2] != tile)):
                self.wpp_saved = (list(self.states), list(self.stat_coeff))
            ts += 1
            if end:
                break
            if ts == pic.ctbs:
                raise BpgFormatError(f"HEVC slice data goes on past the last of the {pic.ctbs} CTBs of the "
                                     f"{pic.width}x{pic.height} picture its header declares")
            rs = ts_to_rs[ts]
            if ((pps.tiles_enabled and self._tile_start(ts, ts_to_rs, tile_of_rs))
                    or (pps.entropy_coding_sync and self._row_start(rs, tile_of_rs))):
                if not dec.terminate():
                    raise BpgFormatError(f"HEVC: end_of_subset_one_bit is 0 after CTB {ts - 1}")
                dec = ArithmeticDecoder(rbsp, -(-dec.bits_read() // 8))
                substream_starts.append(dec.start)
                self._start_contexts(rs, ts, ts_to_rs, tile_of_rs, segment_start=False)
        if pps.dependent_slice_segments_enabled:
            self.ds_saved = (list(self.states), list(self.stat_coeff))
        self._check_end(dec, rbsp, ts)
        self._check_entry_points(header, removed, substream_starts)
        return ts

    @staticmethod
    def _tile_start(ts: int, ts_to_rs: list[int], tile_of_rs: list[int]) -> bool:
        return ts == 0 or tile_of_rs[ts_to_rs[ts]] != tile_of_rs[ts_to_rs[ts - 1]]

    def _row_start(self, rs: int, tile_of_rs: list[int]) -> bool:
        """Whether CTB ``rs`` starts a CTB row of its tile (a wavefront substream)."""
        return rs % self.pic.ctb_cols == 0 or tile_of_rs[rs - 1] != tile_of_rs[rs]

    def _start_contexts(self, rs: int, ts: int, ts_to_rs: list[int], tile_of_rs: list[int],
                        segment_start: bool) -> None:
        """The contexts of CTB ``rs`` that starts a tile, a wavefront row or (``segment_start``)
        a slice segment (9.3.1): initial ones in a new tile; in a new row, those stored after the
        CTB above-right when it is available (same slice, same tile); at a dependent segment,
        those its previous segment ended with; otherwise initial ones."""
        saved = None
        if self._tile_start(ts, ts_to_rs, tile_of_rs):
            pass
        elif self.pps.entropy_coding_sync and self._row_start(rs, tile_of_rs):
            cols = self.pic.ctb_cols
            above_right = rs - cols + 1
            if (rs >= cols and (rs % cols) + 1 < cols and self.ctb_slice[above_right] == self.slice_addr
                    and tile_of_rs[above_right] == tile_of_rs[rs]):
                saved = self.wpp_saved
        elif segment_start and self.header.dependent:
            if self.ds_saved is None:
                raise BpgFormatError("a dependent slice segment follows no slice segment")
            saved = self.ds_saved
        if saved is None:
            self.states, self.stat_coeff = initial_states(self.header.slice_qp), [0] * 4
        else:
            self.states, self.stat_coeff = list(saved[0]), list(saved[1])

    def _check_end(self, dec: ArithmeticDecoder, rbsp: bytes, ts: int) -> None:
        """The last bit read must be the RBSP's stop bit; only zeros (cabac_zero_words) follow."""
        stop = dec.bits_read() - 1
        byte, bit = divmod(stop, 8)
        trailing_ok = (byte < len(rbsp) and (rbsp[byte] >> (7 - bit)) & 1 == 1
                       and rbsp[byte] & ((1 << (7 - bit)) - 1) == 0 and not any(rbsp[byte + 1:]))
        if not trailing_ok:
            left = len(rbsp) * 8 - dec.bits_read()
            raise BpgFormatError(
                f"HEVC slice data ends after CTB {ts - 1} of {self.pic.ctbs} with {left} bits of its payload unread: "
                f"the payload does not code the {self.pic.width}x{self.pic.height} picture its header declares")

    def _check_entry_points(self, header: sh.SliceHeader, removed: list[int], starts: list[int]) -> None:
        offsets = header.entry_point_offsets
        if len(offsets) != len(starts) - 1:
            raise BpgFormatError(f"slice header lists {len(offsets)} entry points, its data holds {len(starts) - 1}")
        origin = sh.nal_index(removed, starts[0])
        total = 0
        for offset, start in zip(offsets, starts[1:]):
            total += offset
            where = sh.nal_index(removed, start) - origin
            if total != where and not (total == where - 1 and start in removed):
                raise BpgFormatError(f"slice header's entry point {total} does not match its substream at {where}")

    # -- coding tree ----------------------------------------------------------------------

    def _sao(self, rs, x_ctb, y_ctb, tile, tile_of_rs, header) -> None:
        dec, states, pic = self.dec, self.states, self.pic
        cols = pic.ctb_cols
        merge = 0
        if x_ctb > 0 and rs - 1 >= self.slice_addr and tile_of_rs[rs - 1] == tile:
            merge = dec.decision(states, CONTEXT["sao_merge"])
        if y_ctb > 0 and not merge and rs - cols >= self.slice_addr and tile_of_rs[rs - cols] == tile:
            merge = dec.decision(states, CONTEXT["sao_merge"])
        if merge:
            return
        sao_type = 0
        for c in range(3 if pic.chroma else 1):
            if not (header.sao_luma if c == 0 else header.sao_chroma):
                continue
            if c < 2:
                sao_type = 0 if not dec.decision(states, CONTEXT["sao_type_idx"]) else 1 + dec.bypass()
            if sao_type == 0:
                continue
            largest = (1 << (min(pic.bit_depth, 10) - 5)) - 1
            offsets = []
            for _ in range(4):
                value = 0
                while value < largest and dec.bypass():
                    value += 1
                offsets.append(value)
            if sao_type == 1:  # band offset
                for value in offsets:
                    if value:
                        dec.bypass()
                dec.bypass_bits(5)
            elif c < 2:
                dec.bypass_bits(2)  # sao_eo_class

    def _available(self, x: int, y: int, x_n: int, y_n: int) -> bool:
        """Whether (x_n, y_n), left of or above (x, y), is available (6.4.1)."""
        if x_n < 0 or y_n < 0:
            return False
        log2 = self.pic.log2_ctb
        if x_n >> log2 == x >> log2 and y_n >> log2 == y >> log2:
            return True
        return self.left_ctb if x_n >> log2 != x >> log2 else self.up_ctb

    def _quadtree(self, x0: int, y0: int, log2: int, depth: int) -> None:
        pic, pps = self.pic, self.pps
        size = 1 << log2
        if x0 + size <= pic.width and y0 + size <= pic.height and log2 > pic.log2_min_cb:
            inc = 0
            cols = self.min_cb_cols
            if self._available(x0, y0, x0 - 1, y0):
                inc += self.ct_depth[(y0 >> pic.log2_min_cb) * cols + ((x0 - 1) >> pic.log2_min_cb)] > depth
            if self._available(x0, y0, x0, y0 - 1):
                inc += self.ct_depth[((y0 - 1) >> pic.log2_min_cb) * cols + (x0 >> pic.log2_min_cb)] > depth
            split = self.dec.decision(self.states, CONTEXT["split_cu_flag"] + inc)
        else:
            split = log2 > pic.log2_min_cb
        if pps.cu_qp_delta_enabled and log2 >= self.log2_min_qg:
            self.qp_delta_coded = False
        if self.header.cu_chroma_qp_offset_enabled and log2 >= self.log2_min_cqg:
            self.chroma_qp_offset_coded = False
        if split:
            half = size >> 1
            for dy in (0, half):
                for dx in (0, half):
                    if x0 + dx < pic.width and y0 + dy < pic.height:
                        self._quadtree(x0 + dx, y0 + dy, log2 - 1, depth + 1)
        else:
            self._coding_unit(x0, y0, log2)
            n = size >> pic.log2_min_cb
            row = (y0 >> pic.log2_min_cb) * self.min_cb_cols + (x0 >> pic.log2_min_cb)
            fill = bytes((depth,)) * n
            for _ in range(n):
                self.ct_depth[row:row + n] = fill
                row += self.min_cb_cols

    def _set_modes(self, x0: int, y0: int, size: int, mode: int) -> None:
        n = size >> 2
        row = (y0 >> 2) * self.cols4 + (x0 >> 2)
        fill = bytes((mode,)) * n
        for _ in range(n):
            self.intra_mode[row:row + n] = fill
            row += self.cols4

    def _luma_mode(self, x: int, y: int, prev_flag: int) -> int:
        """IntraPredModeY of the prediction block at (x, y) (8.4.2)."""
        dec = self.dec
        a = self.intra_mode[(y >> 2) * self.cols4 + ((x - 1) >> 2)] if self._available(x, y, x - 1, y) else 1
        if y & ((1 << self.pic.log2_ctb) - 1) == 0 or not self._available(x, y, x, y - 1):
            b = 1
        else:
            b = self.intra_mode[((y - 1) >> 2) * self.cols4 + (x >> 2)]
        if a == b:
            candidates = [0, 1, 26] if a < 2 else [a, 2 + ((a + 29) % 32), 2 + ((a - 2 + 1) % 32)]
        else:
            c = 0 if 0 not in (a, b) else 1 if 1 not in (a, b) else 26
            candidates = [a, b, c]
        if prev_flag:
            index = 0
            while index < 2 and dec.bypass():
                index += 1
            return candidates[index]
        mode = dec.bypass_bits(5)
        for candidate in sorted(candidates):
            if mode >= candidate:
                mode += 1
        return mode

    def _coding_unit(self, x0: int, y0: int, log2: int) -> None:
        pic, pps, dec, states = self.pic, self.pps, self.dec, self.states
        size = 1 << log2
        self.transquant_bypass = (dec.decision(states, CONTEXT["cu_transquant_bypass_flag"])
                                  if pps.transquant_bypass_enabled else 0)
        nxn = log2 == pic.log2_min_cb and not dec.decision(states, CONTEXT["part_mode"])
        if not nxn and pic.pcm and pic.pcm[2] <= log2 <= pic.pcm[3] and dec.terminate():
            self._pcm_samples(log2)
            self._set_modes(x0, y0, size, 1)
            return
        parts = 4 if nxn else 1
        pu = size >> 1 if nxn else size
        flags = [dec.decision(states, CONTEXT["prev_intra_luma_pred_flag"]) for _ in range(parts)]
        luma = []
        for k in range(parts):
            x, y = x0 + (k & 1) * pu, y0 + (k >> 1) * pu
            mode = self._luma_mode(x, y, flags[k])
            self._set_modes(x, y, pu, mode)
            luma.append(mode)
        chroma_syntax, chroma = [], []
        if pic.chroma:
            for k in range(parts if pic.chroma == 3 else 1):
                value = 4 if not dec.decision(states, CONTEXT["intra_chroma_pred_mode"]) else dec.bypass_bits(2)
                mode = luma[k] if value == 4 else _CHROMA_FROM_SYNTAX[value]
                if value != 4 and mode == luma[k]:
                    mode = 34
                chroma_syntax.append(value)
                chroma.append(_MODE_422[mode] if pic.chroma == 2 else mode)
        self.cu = (x0, y0, pu, nxn, luma, chroma, chroma_syntax)
        self._transform_tree(x0, y0, x0, y0, log2, 0, 0, (0, 0), (0, 0), nxn)

    def _pcm_samples(self, log2: int) -> None:
        pic, dec = self.pic, self.dec
        depth_y, depth_c = pic.pcm[0], pic.pcm[1]
        samples = 1 << (2 * log2)
        bits = samples * depth_y
        if pic.chroma:
            bits += 2 * (samples // {1: 4, 2: 2, 3: 1}[pic.chroma]) * depth_c
        if bits % 8:
            raise BpgFormatError("HEVC: PCM samples that do not fill whole bytes are not supported")
        start = -(-dec.bits_read() // 8)
        if start + bits // 8 > dec.end:
            raise BpgFormatError("HEVC: PCM samples run past the end of the slice data")
        self.dec = ArithmeticDecoder(dec.data, start + bits // 8)

    def _part_modes(self, x0: int, y0: int) -> tuple[int, int, int]:
        """The luma and chroma modes, and the chroma syntax value, of the prediction block
        covering (x0, y0)."""
        cx, cy, pu, nxn, luma, chroma, syntax = self.cu
        k = ((1 if y0 - cy >= pu else 0) * 2 + (1 if x0 - cx >= pu else 0)) if nxn else 0
        kc = k if len(chroma) > 1 else 0
        return luma[k], (chroma[kc] if chroma else 0), (syntax[kc] if syntax else 0)

    def _transform_tree(self, x0, y0, x_base, y_base, log2, depth, blk, parent_cb, parent_cr, nxn) -> None:
        pic, dec, states = self.pic, self.dec, self.states
        max_depth = pic.max_depth_intra + (1 if nxn else 0)
        if log2 <= pic.log2_max_tb and log2 > pic.log2_min_tb and depth < max_depth and not (nxn and depth == 0):
            split = dec.decision(states, CONTEXT["split_transform_flag"] + 5 - log2)
        else:
            split = log2 > pic.log2_max_tb or (nxn and depth == 0)
        cb, cr = parent_cb, parent_cr
        chroma = pic.chroma
        if (log2 > 2 and chroma) or chroma == 3:
            two = chroma == 2 and (not split or log2 == 3)
            ctx = CONTEXT["cbf_chroma"] + depth
            if depth == 0 or parent_cb[0]:
                cb = (dec.decision(states, ctx), dec.decision(states, ctx) if two else 0)
            else:
                cb = (0, 0)
            if depth == 0 or parent_cr[0]:
                cr = (dec.decision(states, ctx), dec.decision(states, ctx) if two else 0)
            else:
                cr = (0, 0)
        if split:
            half = 1 << (log2 - 1)
            for k, (dx, dy) in enumerate(((0, 0), (half, 0), (0, half), (half, half))):
                self._transform_tree(x0 + dx, y0 + dy, x0, y0, log2 - 1, depth + 1, k, cb, cr, nxn)
            return
        cbf_luma = dec.decision(states, CONTEXT["cbf_luma"] + (1 if depth == 0 else 0))
        self._transform_unit(x0, y0, x_base, y_base, log2, blk, cbf_luma, cb, cr)

    def _residual(self, log2: int, c: int, mode: int) -> None:
        residual_coding.parse(self.dec, self.states, self.stat_coeff, self.tools, log2, c, mode,
                              self.transquant_bypass)

    def _transform_unit(self, x0, y0, x_base, y_base, log2, blk, cbf_luma, cb, cr) -> None:
        pic, pps, dec, states = self.pic, self.pps, self.dec, self.states
        chroma = pic.chroma
        cbf_chroma = bool(chroma) and (cb[0] or cr[0] or cb[1] or cr[1])
        if not (cbf_luma or cbf_chroma):
            return
        if pps.cu_qp_delta_enabled and not self.qp_delta_coded:
            value = 0
            while value < 5 and dec.decision(states, CONTEXT["cu_qp_delta_abs"] + (1 if value else 0)):
                value += 1
            if value == 5:
                k = 0
                while dec.bypass():
                    k += 1
                    if k > 31:
                        raise BpgFormatError("HEVC: cu_qp_delta_abs is out of range")
                dec.bypass_bits(k)
            if value:
                dec.bypass()
            self.qp_delta_coded = True
        if (self.header.cu_chroma_qp_offset_enabled and cbf_chroma and not self.transquant_bypass
                and not self.chroma_qp_offset_coded):
            if dec.decision(states, CONTEXT["cu_chroma_qp_offset_flag"]):
                index = 0
                while index < pps.chroma_qp_offset_list_len - 1 and dec.decision(
                        states, CONTEXT["cu_chroma_qp_offset_idx"]):
                    index += 1
            self.chroma_qp_offset_coded = True
        luma_mode, chroma_mode, chroma_syntax = self._part_modes(x0, y0)
        if cbf_luma:
            self._residual(log2, 0, luma_mode)
        if not chroma:
            return
        log2_c = max(2, log2 - (0 if chroma == 3 else 1))
        if log2 > 2 or chroma == 3:
            cross = pps.cross_component_prediction and cbf_luma and chroma_syntax == 4
            for c, cbf in ((1, cb), (2, cr)):
                if cross:
                    amount = 0
                    while amount < 4 and dec.decision(states, CONTEXT["log2_res_scale_abs"] + 4 * (c - 1) + amount):
                        amount += 1
                    if amount:
                        dec.decision(states, CONTEXT["res_scale_sign_flag"] + c - 1)
                for t in range(2 if chroma == 2 else 1):
                    if cbf[t]:
                        self._residual(log2_c, c, chroma_mode)
        elif blk == 3:
            _, chroma_mode, _ = self._part_modes(x_base, y_base)
            for c, cbf in ((1, cb), (2, cr)):
                for t in range(2 if chroma == 2 else 1):
                    if cbf[t]:
                        self._residual(2, c, chroma_mode)


def check(f: container.BpgFile) -> None:
    """Raises ``BpgFormatError`` unless the colour slices of ``f`` code exactly its declared
    picture: every CTU, in order, each slice segment's data (and substreams) read to its end.
    A size over the pixel budget raises ``PixelBudgetError`` first (the parse keeps a few bytes
    per 4x4 block)."""
    pixel_budget.check(f.header.width, f.header.height, "bpg")
    picture = _Picture(f)
    walker = _Walker(picture)
    pps_by_id: dict[int, sh.Pps] = {}
    orders = {}
    next_ts, slice_addr, independent = 0, 0, None
    for nal in hevc.split_nal_units(b"\x00\x00\x01" + f.hevc_data):
        if len(nal) < 2 or ((nal[0] & 1) << 5 | nal[1] >> 3) != 0:
            continue  # alpha (layer 1) NAL units are not decoded
        kind = hevc.nal_type(nal)
        if kind == hevc.NAL_PPS:
            pps = sh.parse_pps(remove_emulation_prevention(nal))
            pps_by_id[pps.pps_id] = pps
            continue
        if kind not in _VCL_TYPES:
            continue
        rbsp, removed = rbsp_and_removals(nal)
        header = sh.parse_slice_header(rbsp, kind, pps_by_id, picture.ctbs, picture.sao, picture.chroma, independent)
        if header.first_in_picture != (next_ts == 0):
            raise BpgFormatError("HEVC payload holds more than one picture" if next_ts else
                                 "HEVC payload's first slice segment does not start the picture")
        if next_ts == picture.ctbs:
            raise BpgFormatError("HEVC payload holds slice data after the last CTB")
        pps = pps_by_id[header.pps_id]
        if header.pps_id not in orders:
            orders[header.pps_id] = picture.tiles(pps)
        if not header.dependent:
            independent, slice_addr = header, header.segment_address
        next_ts = walker.segment(header, pps, rbsp, removed, next_ts, slice_addr, orders[header.pps_id])
    if next_ts != picture.ctbs:
        raise BpgFormatError(f"HEVC slices code {next_ts} of the {picture.ctbs} CTBs of the "
                             f"{picture.width}x{picture.height} picture the header declares")
