"""The BPG file container (bpg_spec.txt, version 0.9.5+): header, extensions, payload."""
from __future__ import annotations

import dataclasses

from image_codecs.bpg import hevc
from image_codecs.bitio import read_ue7, write_ue7
from image_codecs.bpg import BpgFormatError

__all__ = ["MAGIC", "BpgHeader", "BpgFile", "parse", "serialize", "FORMATS", "COLOR_SPACES"]

MAGIC = b"\x42\x50\x47\xfb"
# pixel_format -> (name, HEVC chroma_format_idc)
FORMATS = {0: ("gray", 0), 1: ("420", 1), 2: ("422", 2), 3: ("444", 3), 4: ("420_mpeg2", 1), 5: ("422_mpeg2", 2)}
COLOR_SPACES = {0: "ycbcr_bt601", 1: "rgb", 2: "ycgco", 3: "ycbcr_bt709", 4: "ycbcr_bt2020"}
MAX_DIMENSION = 1 << 16  # A sanity bound for width and height against hostile headers.


@dataclasses.dataclass(frozen=True)
class BpgHeader:
    pixel_format: int
    bit_depth: int
    color_space: int
    width: int
    height: int
    alpha1: bool = False
    alpha2: bool = False
    limited_range: bool = False
    animation: bool = False

    @property
    def chroma_format_idc(self) -> int:
        return FORMATS[self.pixel_format][1]

    @property
    def has_alpha_plane(self) -> bool:
        return self.alpha1 or self.alpha2


@dataclasses.dataclass(frozen=True)
class BpgFile:
    header: BpgHeader
    hevc_header: hevc.HevcHeader
    alpha_hevc_header: hevc.HevcHeader | None
    hevc_data: bytes  # NAL units; the first without its start code
    extension_data: bytes = b""


def parse(data: bytes) -> BpgFile:
    """Parses a .bpg file.

    Raises:
      BpgFormatError: naming the first problem (bad magic, reserved values, truncation,
        lengths past the end of the file, invalid hevc_header fields).
    """
    if len(data) < 6 or data[:4] != MAGIC:
        raise BpgFormatError(f"not a BPG file: magic is {data[:4].hex() or 'missing'}, expected 425047fb")
    b4, b5 = data[4], data[5]
    pixel_format, alpha1, bit_depth = b4 >> 5, bool(b4 >> 4 & 1), (b4 & 15) + 8
    color_space, has_ext = b5 >> 4, bool(b5 >> 3 & 1)
    alpha2, limited, animation = bool(b5 >> 2 & 1), bool(b5 >> 1 & 1), bool(b5 & 1)
    if pixel_format not in FORMATS:
        raise BpgFormatError(f"reserved pixel_format {pixel_format}")
    if bit_depth > 14:
        raise BpgFormatError(f"bit depth {bit_depth} exceeds 14")
    if color_space not in COLOR_SPACES:
        raise BpgFormatError(f"reserved color_space {color_space}")
    if pixel_format == 0 and color_space != 0:
        raise BpgFormatError("greyscale files must use color_space 0")
    pos = 6
    width, pos = read_ue7(data, pos, "picture_width", error=BpgFormatError)
    height, pos = read_ue7(data, pos, "picture_height", error=BpgFormatError)
    if not 0 < width <= MAX_DIMENSION or not 0 < height <= MAX_DIMENSION:
        raise BpgFormatError(f"picture size {width}x{height} outside 1..{MAX_DIMENSION}")
    data_length, pos = read_ue7(data, pos, "picture_data_length", error=BpgFormatError)
    extension = b""
    if has_ext:
        ext_length, pos = read_ue7(data, pos, "extension_data_length", error=BpgFormatError)
        if pos + ext_length > len(data):
            raise BpgFormatError(f"truncated file: extension data of {ext_length} bytes runs past the end")
        extension, pos = data[pos:pos + ext_length], pos + ext_length
    if animation and not has_ext:
        raise BpgFormatError("animated file without the animation control extension")
    end = len(data) if data_length == 0 else pos + data_length
    if end > len(data):
        raise BpgFormatError(f"truncated file: picture data of {data_length} bytes, {len(data) - pos} present")
    header = BpgHeader(pixel_format, bit_depth, color_space, width, height, alpha1, alpha2, limited, animation)
    alpha_header = None
    if header.has_alpha_plane:
        alpha_header, pos = hevc.parse_hevc_header(data, pos)
    hevc_header, pos = hevc.parse_hevc_header(data, pos)
    if pos + 2 > end:
        raise BpgFormatError("truncated file: no HEVC picture data after the headers")
    return BpgFile(header, hevc_header, alpha_header, data[pos:end], extension)


def serialize(header: BpgHeader, hevc_header: hevc.HevcHeader, hevc_data: bytes) -> bytes:
    """Writes a .bpg file (no alpha, no extensions) laid out as libbpg's bpgenc does.

    One deliberate difference: bpgenc 0.9.8 writes ``picture_data_length = 0`` ("up to the
    end of the file"); we write the true length, which the spec also allows, so that a
    truncated file is detected from its header instead of decoding to concealed garbage.
    """
    b4 = (header.pixel_format << 5) | (int(header.alpha1) << 4) | (header.bit_depth - 8)
    b5 = (header.color_space << 4) | (int(header.alpha2) << 2) | (int(header.limited_range) << 1)
    payload = hevc.write_hevc_header(hevc_header) + hevc_data
    return (MAGIC + bytes([b4, b5]) + write_ue7(header.width) + write_ue7(header.height)
            + write_ue7(len(payload)) + payload)
