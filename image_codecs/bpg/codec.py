"""The ``bpg`` codec: libbpg's bpgenc/bpgdec when installed, else the built-in encoder and
decoder (which read and write the same files)."""
from __future__ import annotations

import os

import numpy as np

from image_codecs import external
from image_codecs.base import Codec, QualityRange, check_image
from image_codecs.bpg import container, decoder, encoder
from image_codecs.registry import register
from image_datasets import pixel_budget

__all__ = ["BpgCodec", "find_libbpg"]


def find_libbpg() -> tuple[str, str] | None:
    """Paths of bpgenc and bpgdec from $BPGENC/$BPGDEC or PATH, if both exist."""
    enc = os.environ.get("BPGENC") or external.which("bpgenc")
    dec = os.environ.get("BPGDEC") or external.which("bpgdec")
    return (enc, dec) if enc and dec else None


@register("bpg")
class BpgCodec(Codec):
    """BPG at quantiser ``quality`` (bpgenc's ``-q``: 0 best .. 51 worst).

    Args:
      quality: the QP.
      chroma: "420" (default) or "444" (bpgenc ``-f``).
      level: compression level 1-9 (bpgenc ``-m``, default 8 = x265 veryslow).
      lossless: bpgenc ``-lossless`` (RGB, 4:4:4; quality is ignored).
      backend: "auto" (libbpg if installed, else built-in), "builtin" or "libbpg".
    """

    quality_range = QualityRange(0, 51, higher_is_better=False)

    def __init__(self, quality: float = 29, chroma: str = "420", level: int = 8, lossless: bool = False,
                 backend: str = "auto"):
        super().__init__(quality)
        self.settings = encoder.EncoderSettings(qp=self.quality, chroma=chroma, level=level, lossless=lossless)
        if backend not in ("auto", "builtin", "libbpg"):
            raise ValueError(f"bpg: backend must be auto, builtin or libbpg, got {backend!r}")
        self.libbpg = find_libbpg() if backend != "builtin" else None
        if backend == "libbpg" and self.libbpg is None:
            raise ValueError("bpg: backend 'libbpg' requested but bpgenc/bpgdec are not on PATH "
                             "(or set $BPGENC and $BPGDEC)")

    def metadata(self) -> dict:
        return {**super().metadata(), "chroma": self.settings.chroma, "level": self.settings.level,
                "lossless": self.settings.lossless, "backend": "libbpg" if self.libbpg else "builtin"}

    def encode(self, image: np.ndarray) -> bytes:
        image = check_image(image, self.name)
        if self.libbpg is None:
            return encoder.encode(image, self.settings)
        from PIL import Image  # pylint: disable=g-import-not-at-top

        with external.temporary_directory() as tmp:
            src, out = os.path.join(tmp, "in.png"), os.path.join(tmp, "out.bpg")
            Image.fromarray(image).save(src)
            s = self.settings
            args = [self.libbpg[0], "-o", out, "-m", str(s.level), "-b", "8"]
            args += ["-lossless"] if s.lossless else ["-q", str(s.qp), "-f", s.chroma]
            external.run(args + [src], what="bpgenc")
            with open(out, "rb") as f:
                return f.read()

    def check(self, data: bytes) -> None:
        """Parses the HEVC slice data (``slice_data.check``): a header whose size disagrees with
        the payload raises ``BpgFormatError``, where both decoders would return garbage."""
        from image_codecs.bpg import slice_data  # pylint: disable=g-import-not-at-top  # only untrusted decodes need it

        slice_data.check(container.parse(data))

    def decode(self, data: bytes) -> np.ndarray:
        if self.libbpg is None:
            return decoder.decode(data)
        from PIL import Image  # pylint: disable=g-import-not-at-top

        header = container.parse(data).header  # malformed files get our own clear error first
        pixel_budget.check(header.width, header.height, "bpg")  # and bombs never reach bpgdec
        with external.temporary_directory() as tmp:
            src, out = os.path.join(tmp, "in.bpg"), os.path.join(tmp, "out.png")
            with open(src, "wb") as f:
                f.write(data)
            external.run([self.libbpg[1], "-o", out, src], what="bpgdec")
            with Image.open(out) as im:
                return np.asarray(im.convert("RGB"))
