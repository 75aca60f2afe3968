"""HEVC's CABAC arithmetic decoding engine (ITU-T H.265, 9.3.4.3), for intra slices.

It decodes bins only; what they mean is ``slice_data``'s business. The offset register is
kept with up to 16 bits read ahead (``value >> bits`` is the spec's 9-bit ``ivlOffset``),
so a renormalisation is a subtraction, not a bit-by-bit read. Reading past the end of the
data yields zeros for the few bits a genuine stream's read-ahead takes, then ``RanOut``.

Context states are packed as ``pStateIdx << 1 | valMps``.
"""
from __future__ import annotations

from image_codecs.bpg import BpgFormatError

__all__ = ["ArithmeticDecoder", "RanOut", "INTRA_INIT_VALUES", "CONTEXT", "initial_states"]

_READ_AHEAD_BITS = 64  # more than the decoder ever reads beyond the last bit of a genuine stream


class RanOut(BpgFormatError):
    """The syntax being parsed goes on past the end of the data."""

# rangeTabLps (Table 9-52), by pStateIdx then qRangeIdx.
_RANGE_LPS = (
    (128, 176, 208, 240), (128, 167, 197, 227), (128, 158, 187, 216), (123, 150, 178, 205),
    (116, 142, 169, 195), (111, 135, 160, 185), (105, 128, 152, 175), (100, 122, 144, 166),
    (95, 116, 137, 158), (90, 110, 130, 150), (85, 104, 123, 142), (81, 99, 117, 135),
    (77, 94, 111, 128), (73, 89, 105, 122), (69, 85, 100, 116), (66, 80, 95, 110),
    (62, 76, 90, 104), (59, 72, 86, 99), (56, 69, 81, 94), (53, 65, 77, 89),
    (51, 62, 73, 85), (48, 59, 69, 80), (46, 56, 66, 76), (43, 53, 63, 72),
    (41, 50, 59, 69), (39, 48, 56, 65), (37, 45, 54, 62), (35, 43, 51, 59),
    (33, 41, 48, 56), (32, 39, 46, 53), (30, 37, 43, 50), (29, 35, 41, 48),
    (27, 33, 39, 45), (26, 31, 37, 43), (24, 30, 35, 41), (23, 28, 33, 39),
    (22, 27, 32, 37), (21, 26, 30, 35), (20, 24, 29, 33), (19, 23, 27, 31),
    (18, 22, 26, 30), (17, 21, 25, 28), (16, 20, 23, 27), (15, 19, 22, 25),
    (14, 18, 21, 24), (14, 17, 20, 23), (13, 16, 19, 22), (12, 15, 18, 21),
    (12, 14, 17, 20), (11, 14, 16, 19), (11, 13, 15, 18), (10, 12, 15, 17),
    (10, 12, 14, 16), (9, 11, 13, 15), (9, 11, 12, 14), (8, 10, 12, 14),
    (8, 9, 11, 13), (7, 9, 11, 12), (7, 9, 10, 12), (7, 8, 10, 11),
    (6, 8, 9, 11), (6, 7, 9, 10), (6, 7, 8, 9), (2, 2, 2, 2))
# transIdxLps (Table 9-53); transIdxMps is min(p + 1, 62) (63 is the terminating state).
_TRANS_LPS = (0, 0, 1, 2, 2, 4, 4, 5, 6, 7, 8, 9, 9, 11, 11, 12, 13, 13, 15, 15, 16, 16, 18, 18, 19, 19, 21, 21,
              22, 22, 23, 24, 24, 25, 26, 26, 27, 27, 28, 29, 29, 30, 30, 30, 31, 32, 32, 33, 33, 33, 34, 34, 35,
              35, 35, 36, 36, 36, 37, 37, 37, 38, 38, 63)

# By packed state s: the LPS range for each qRangeIdx (flat: s << 2 | q), and the next states.
_LPS = [_RANGE_LPS[s >> 1][q] for s in range(128) for q in range(4)]
_NEXT_MPS = [(min(s >> 1, 61) + 1 if (s >> 1) < 62 else s >> 1) << 1 | (s & 1) for s in range(128)]
_NEXT_LPS = [_TRANS_LPS[s >> 1] << 1 | ((s & 1) ^ (1 if (s >> 1) == 0 else 0)) for s in range(128)]

# The context variables of an intra slice, in this order, with their initValue for initType 0
# (Tables 9-5 to 9-37). Inter-only syntax elements have no contexts here: BPG pictures are intra.
_CONTEXTS = (
    ("sao_merge", (153,)),
    ("sao_type_idx", (200,)),
    ("split_cu_flag", (139, 141, 157)),
    ("cu_transquant_bypass_flag", (154,)),
    ("cu_qp_delta_abs", (154, 154)),
    ("part_mode", (184,)),
    ("prev_intra_luma_pred_flag", (184,)),
    ("intra_chroma_pred_mode", (63,)),
    ("split_transform_flag", (153, 138, 138)),
    ("cbf_luma", (111, 141)),
    ("cbf_chroma", (94, 138, 182, 154, 154)),
    ("transform_skip_flag", (139, 139)),
    ("last_x_prefix", (110, 110, 124, 125, 140, 153, 125, 127, 140, 109, 111, 143, 127, 111, 79, 108, 123, 63)),
    ("last_y_prefix", (110, 110, 124, 125, 140, 153, 125, 127, 140, 109, 111, 143, 127, 111, 79, 108, 123, 63)),
    ("coded_sub_block_flag", (91, 171, 134, 141)),
    ("sig_coeff_flag", (111, 111, 125, 110, 110, 94, 124, 108, 124, 107, 125, 141, 179, 153, 125, 107, 125, 141,
                        179, 153, 125, 107, 125, 141, 179, 153, 125, 140, 139, 182, 182, 152, 136, 152, 136, 153,
                        136, 139, 111, 136, 139, 111, 141, 111)),
    ("greater1_flag", (140, 92, 137, 138, 140, 152, 138, 139, 153, 74, 149, 92, 139, 107, 122, 152, 140, 179, 166,
                       182, 140, 227, 122, 197)),
    ("greater2_flag", (138, 153, 136, 167, 152, 152)),
    ("log2_res_scale_abs", (154,) * 8),
    ("res_scale_sign_flag", (154, 154)),
    ("cu_chroma_qp_offset_flag", (154,)),
    ("cu_chroma_qp_offset_idx", (154,)),
)
INTRA_INIT_VALUES = tuple(v for _, values in _CONTEXTS for v in values)
CONTEXT = {}  # name -> index of its first context variable
_first = 0
for _name, _values in _CONTEXTS:
    CONTEXT[_name] = _first
    _first += len(_values)


def initial_states(slice_qp: int) -> list[int]:
    """The packed context states at the start of a slice with SliceQpY ``slice_qp`` (9.3.2.2)."""
    qp = min(max(slice_qp, 0), 51)
    states = []
    for init in INTRA_INIT_VALUES:
        m, n = (init >> 4) * 5 - 45, ((init & 15) << 3) - 16
        pre = min(max(((m * qp) >> 4) + n, 1), 126)
        states.append((pre - 64) << 1 | 1 if pre > 63 else (63 - pre) << 1)
    return states


class ArithmeticDecoder:
    """Decodes bins from ``data`` starting at byte ``start`` (9.3.2.5 initialisation)."""

    __slots__ = ("data", "start", "end", "pos", "value", "bits", "range", "overrun_bits")

    def __init__(self, data: bytes, start: int):
        self.data = data
        self.start = start
        self.end = len(data)
        self.overrun_bits = 0
        self.pos = start  # next byte to read into ``value``
        self.value = 0
        self.bits = -9  # 9 bits are owed: the initial ivlOffset
        self.range = 510
        self._refill()
        self._refill()

    def _refill(self) -> None:
        pos = self.pos
        if pos + 2 <= self.end:
            word = (self.data[pos] << 8) | self.data[pos + 1]
        else:
            word = (self.data[pos] << 8) if pos < self.end else 0
            self.overrun_bits += 16 - (8 if pos < self.end else 0)
            if self.overrun_bits > _READ_AHEAD_BITS:
                raise RanOut("HEVC slice data runs out before its syntax ends")
        self.value = (self.value << 16) | word
        self.bits += 16
        self.pos = pos + 2

    def bits_read(self) -> int:
        """The number of bits read from ``data`` so far, counted from its first byte."""
        return self.pos * 8 - self.bits

    def decision(self, states: list[int], ctx: int) -> int:
        s = states[ctx]
        rng = self.range
        lps = _LPS[(s << 2) | ((rng >> 6) & 3)]
        rng -= lps
        scaled = rng << self.bits
        if self.value >= scaled:
            self.value -= scaled
            states[ctx] = _NEXT_LPS[s]
            bin_val = (s & 1) ^ 1
            rng = lps
        else:
            states[ctx] = _NEXT_MPS[s]
            bin_val = s & 1
            if rng >= 256:
                self.range = rng
                return bin_val
        shift = 9 - rng.bit_length()
        self.range = rng << shift
        self.bits -= shift
        if self.bits < 0:
            self._refill()
        return bin_val

    def bypass(self) -> int:
        self.bits -= 1
        if self.bits < 0:
            self._refill()
        scaled = self.range << self.bits
        if self.value >= scaled:
            self.value -= scaled
            return 1
        return 0

    def bypass_bits(self, n: int) -> int:
        """``n`` bypass bins as an unsigned integer, first bin most significant."""
        # n bypass steps (offset = 2 * offset + bit, minus the range when not below it) are the
        # long division of the offset followed by the next n bits by the range.
        while self.bits < n:
            self._refill()
        low = self.bits - n
        bins, offset = divmod(self.value >> low, self.range)
        self.value = (offset << low) | (self.value & ((1 << low) - 1))
        self.bits = low
        return bins

    def terminate(self) -> int:
        """A bin with the terminating context (end_of_slice_segment_flag, end_of_subset_one_bit,
        pcm_flag). After a 1 no renormalisation happens: the bits read end with the flushing
        encoder's last bit (rbsp_stop_one_bit, alignment_bit_equal_to_one or the bit before
        pcm_alignment_zero_bit)."""
        rng = self.range - 2
        scaled = rng << self.bits
        if self.value >= scaled:
            return 1
        if rng < 256:
            rng <<= 1
            self.bits -= 1
            if self.bits < 0:
                self._refill()
        self.range = rng
        return 0
