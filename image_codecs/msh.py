"""The ``msh`` codec: a SavedModel with ``compress``/``decompress`` (ours, from
``keras_models.msh``, or one trained elsewhere, e.g. with tensorflow-compression's
examples), and a self-describing bitstream that packs every tensor ``compress`` returns.

Bitstream: ``b"MSH1"``, ue7 tensor count, then per tensor a kind byte (0 = string,
1 = int32 vector) followed by ue7 length and the bytes (strings) or ue7 count and one
ue7 per value (shapes). bpp counts every byte, header included.
"""
from __future__ import annotations

import functools
import os

import numpy as np

from image_datasets import pixel_budget, storage
from image_codecs.base import BitstreamError, Codec, CodecError, QualityRange, check_image
from image_codecs.bitio import read_ue7, write_ue7
from image_codecs.registry import register

__all__ = ["MshCodec", "pack", "unpack", "resolve_model", "MAGIC"]

MAGIC = b"MSH1"


def pack(tensors: list) -> bytes:
    out = [MAGIC, write_ue7(len(tensors))]
    for t in tensors:
        value = t.numpy() if hasattr(t, "numpy") else t
        if isinstance(value, bytes):
            out += [b"\x00", write_ue7(len(value)), value]
        else:
            ints = np.asarray(value).reshape(-1)
            if ints.dtype.kind not in "iu" or (ints < 0).any():
                raise CodecError(f"msh: cannot pack a {ints.dtype} tensor with values {ints[:4]}")
            out += [b"\x01", write_ue7(len(ints))] + [write_ue7(int(v)) for v in ints]
    return b"".join(out)


def unpack(data: bytes) -> list:
    if not data.startswith(MAGIC):
        raise BitstreamError(f"msh: not an MSH bitstream (magic {data[:4]!r})")
    count, pos = read_ue7(data, 4, "msh: tensor count")
    if count > 16:
        raise BitstreamError(f"msh: {count} tensors is implausible")
    tensors = []
    for i in range(count):
        if pos >= len(data):
            raise BitstreamError(f"msh: truncated before tensor {i}")
        kind, pos = data[pos], pos + 1
        n, pos = read_ue7(data, pos, f"msh: tensor {i} length")
        if kind == 0:
            if pos + n > len(data):
                raise BitstreamError(f"msh: tensor {i} ({n} bytes) runs past the end")
            tensors.append(data[pos:pos + n])
            pos += n
        elif kind == 1:
            if n > 8:
                raise BitstreamError(f"msh: shape tensor {i} with {n} values is implausible")
            values = []
            for _ in range(n):
                v, pos = read_ue7(data, pos, f"msh: tensor {i} value")
                if v >= 1 << 31:
                    raise BitstreamError(f"msh: tensor {i} value {v} does not fit an int32")
                values.append(v)
            tensors.append(np.array(values, np.int32))
        else:
            raise BitstreamError(f"msh: unknown tensor kind {kind} at byte {pos - 1}")
    if pos != len(data):
        raise BitstreamError(f"msh: {len(data) - pos} trailing bytes")
    return tensors


def resolve_model(model: str, quality: int) -> str:
    """``model`` is a SavedModel, or a folder of them named ``q<quality>``."""
    # Local paths and gs:// alike: a Beam worker reads the model where the pipeline wrote it.
    if storage.exists(os.path.join(model, "saved_model.pb")):
        return model
    candidate = os.path.join(model, f"q{quality}")
    if storage.exists(os.path.join(candidate, "saved_model.pb")):
        return candidate
    found = sorted(d for d in storage.listdir(model) if d.startswith("q")) if storage.isdir(model) else []
    raise FileNotFoundError(f"msh: no SavedModel at {model!r} nor {candidate!r} (qualities present: {found})")


@functools.lru_cache(maxsize=16)
def _load(path: str):
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    import tensorflow_compression  # noqa: F401  pylint: disable=g-import-not-at-top,unused-import  (registers the range-coding ops)

    loaded = tf.saved_model.load(path)
    for name in ("compress", "decompress"):
        if not callable(getattr(loaded, name, None)):
            raise CodecError(f"msh: SavedModel {path} has no '{name}' function; it must expose compress(uint8 "
                             "[H, W, 3]) -> tensors and decompress(*tensors) -> uint8 [H, W, 3]")
    return loaded


@register("msh")
class MshCodec(Codec):
    """Mean-Scale Hyperprior at rate point ``quality`` (1 = lowest rate).

    Args:
      quality: selects ``<model>/q<quality>`` when ``model`` is a folder of SavedModels.
      model: a SavedModel path or a folder of ``q<k>`` SavedModels.
    """

    quality_range = QualityRange(1, 16, higher_is_better=True)
    # tensorflow-compression's range decoder, reading past the end of a forged string, can stay
    # in its overflow loop for good. ``check`` cannot (it decodes the strings padded, see
    # keras_models.msh.range_padding) and passes only streams the decoder finishes, so a checked
    # decode ends; ``decode`` alone, and models exported before the padded check, need the deadline.
    decode_can_hang = True

    def __init__(self, quality: float = 1, model: str | None = None):
        super().__init__(quality)
        if not model:
            raise ValueError("msh: a model is required (a SavedModel path or a folder of q<k> SavedModels)")
        self.model_path = resolve_model(model, self.quality)

    @staticmethod
    def available_qualities(model: str | None = None) -> list[int]:
        """The qualities a model folder provides (``q<k>`` sub-folders), or [1] for one SavedModel."""
        if not model:
            raise ValueError("msh: a model is required")
        if storage.exists(os.path.join(model, "saved_model.pb")):
            return [1]
        return sorted(int(d[1:]) for d in storage.listdir(model)
                      if d[1:].isdigit() and storage.exists(os.path.join(model, d, "saved_model.pb")))

    def metadata(self) -> dict:
        return {**super().metadata(), "model": self.model_path}

    def encode(self, image: np.ndarray) -> bytes:
        image = check_image(image, self.name)
        outputs = _load(self.model_path).compress(image)
        return pack(list(outputs.values()) if isinstance(outputs, dict) else list(outputs))

    def check(self, data: bytes) -> None:
        """Range-decodes the stream's strings at its declared shape and codes them again
        (the model's ``entropy_round_trip``): a shape they were not coded at gives other bytes
        and a ``BitstreamError``, where ``decode`` would return garbage of that shape or never
        return. Runs no synthesis, and ends on any bytes. Models exported without the function
        (or by other tools) are not checked."""
        tensors, shape = self._tensors(data)
        if not callable(getattr(_load(self.model_path), "entropy_round_trip", None)):
            return
        if not bool(self._run("entropy_round_trip", "range-decode", tensors)):
            size = f"{shape[1]}x{shape[0]}" if shape else "declared"
            raise BitstreamError(f"msh: the range-coded data does not code the {size} image the stream declares "
                                 "(decoding it again and coding the result gives other bytes)")

    @staticmethod
    def _tensors(data: bytes) -> tuple[list, tuple[int, int] | None]:
        """The stream's tensors and its declared (height, width), checked against the pixel budget."""
        tensors = unpack(data)
        shapes = [t for t in tensors if not isinstance(t, bytes)]
        if not shapes or len(shapes[0]) != 2:
            return tensors, None
        height, width = int(shapes[0][0]), int(shapes[0][1])  # the image's shape, as compress wrote it
        pixel_budget.check(width, height, "msh")
        return tensors, (height, width)

    def _run(self, function: str, action: str, tensors: list):
        """The model's ``function`` on the stream's tensors; TF's errors on tensors that do not fit
        it, or on corrupt range-coded data, as ``BitstreamError`` naming ``action``."""
        try:
            return getattr(_load(self.model_path), function)(*tensors)
        except (TypeError, ValueError) as e:
            raise BitstreamError(f"msh: bitstream does not fit the model's {function}: {e}") from e
        except Exception as e:  # pylint: disable=broad-except  # TF raises InvalidArgumentError etc.
            raise BitstreamError(f"msh: cannot {action}: {type(e).__name__}: {str(e)[:200]}") from e

    def decode(self, data: bytes) -> np.ndarray:
        image = np.asarray(self._run("decompress", "decompress", self._tensors(data)[0]))
        if image.dtype != np.uint8:
            image = np.clip(np.round(image), 0, 255).astype(np.uint8)
        return image
