"""Bit-level reading and writing for every container: ue7 varints (BPG, MSH, IR2I headers),
Exp-Golomb bit fields and emulation prevention (HEVC parameter sets).

Every read is bounds-checked: running past the end raises the caller's ``error`` (a
``BitstreamError``; BPG passes its ``BpgFormatError``) instead of returning zeros, so
truncated or hostile files fail with a message, never a crash or hang.
"""
from __future__ import annotations

from image_codecs.base import BitstreamError

__all__ = ["BitReader", "BitWriter", "read_ue7", "write_ue7", "add_emulation_prevention",
           "remove_emulation_prevention", "rbsp_and_removals"]


def read_ue7(data: bytes, pos: int, what: str, max_bits: int = 32,
             error: type[BitstreamError] = BitstreamError) -> tuple[int, int]:
    """Reads a ue7(n) value at ``pos``; returns (value, new position)."""
    value = 0
    for i in range(5):
        if pos >= len(data):
            raise error(f"truncated file: {what} runs past the end (byte {pos})")
        byte = data[pos]
        pos += 1
        if i == 0 and byte == 0x80:
            raise error(f"{what}: non-shortest ue7 encoding (leading 0x80)")
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            if value >= 1 << max_bits:
                raise error(f"{what}: value {value} exceeds {max_bits} bits")
            return value, pos
    raise error(f"{what}: ue7 value longer than 5 bytes")


def write_ue7(value: int) -> bytes:
    if value < 0 or value >= 1 << 32:
        raise ValueError(f"ue7 value out of range: {value}")
    groups = [value & 0x7F]
    value >>= 7
    while value:
        groups.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(groups))


class BitReader:
    """MSB-first bit reader over bytes."""

    def __init__(self, data: bytes, what: str, error: type[BitstreamError] = BitstreamError):
        self.data = data
        self.pos = 0  # In bits.
        self.what = what
        self.error = error

    def u(self, n: int) -> int:
        if self.pos + n > 8 * len(self.data):
            raise self.error(f"truncated {self.what}: needs {n} more bits at bit {self.pos} "
                                 f"of {8 * len(self.data)}")
        value = 0
        for _ in range(n):
            byte = self.data[self.pos >> 3]
            value = (value << 1) | ((byte >> (7 - (self.pos & 7))) & 1)
            self.pos += 1
        return value

    def ue(self) -> int:
        """Exp-Golomb ue(v), at most 32 bits of prefix."""
        zeros = 0
        while self.u(1) == 0:
            zeros += 1
            if zeros > 31:
                raise self.error(f"{self.what}: Exp-Golomb code longer than 32 bits")
        return (1 << zeros) - 1 + (self.u(zeros) if zeros else 0)

    def se(self) -> int:
        k = self.ue()
        return (k + 1) // 2 if k & 1 else -(k // 2)

    def byte_aligned(self) -> bool:
        return self.pos % 8 == 0


class BitWriter:
    """MSB-first bit writer."""

    def __init__(self):
        self.bits: list[int] = []

    def u(self, n: int, value: int) -> "BitWriter":
        if value < 0 or value >= 1 << n:
            raise ValueError(f"value {value} does not fit in {n} bits")
        self.bits.extend((value >> (n - 1 - i)) & 1 for i in range(n))
        return self

    def ue(self, value: int) -> "BitWriter":
        v = value + 1
        n = v.bit_length()
        self.bits.extend([0] * (n - 1))
        return self.u(n, v)

    def flag(self, value: bool) -> "BitWriter":
        return self.u(1, int(bool(value)))

    def align_zero(self) -> bytes:
        """Pads with zero bits (BPG's trailing_bits) and returns the bytes."""
        bits = self.bits + [0] * (-len(self.bits) % 8)
        return bytes(int("".join(map(str, bits[i:i + 8])), 2) for i in range(0, len(bits), 8))

    def rbsp_trailing(self) -> bytes:
        """Appends HEVC rbsp_trailing_bits (a one, then zeros) and returns the bytes."""
        self.bits.append(1)
        return self.align_zero()


def add_emulation_prevention(rbsp: bytes) -> bytes:
    """Inserts 0x03 after each 0x0000 that precedes a byte <= 3 (HEVC 7.4.2)."""
    out = bytearray()
    zeros = 0
    for b in rbsp:
        if zeros >= 2 and b <= 3:
            out.append(3)
            zeros = 0
        out.append(b)
        zeros = zeros + 1 if b == 0 else 0
    return bytes(out)


def remove_emulation_prevention(ebsp: bytes) -> bytes:
    """The RBSP of a NAL unit: each 0x03 after 0x0000 dropped."""
    return rbsp_and_removals(ebsp)[0]


def rbsp_and_removals(ebsp: bytes) -> tuple[bytes, list[int]]:
    """The RBSP of a NAL unit, and the RBSP positions right after each dropped emulation
    prevention byte (where an RBSP byte sits in the NAL unit: its position plus the number of
    those at or before it)."""
    out, removed, start = bytearray(), [], 0
    while True:
        i = ebsp.find(b"\x00\x00\x03", start)
        if i < 0:
            out += ebsp[start:]
            return bytes(out), removed
        out += ebsp[start:i + 2]
        removed.append(len(out))
        start = i + 3
