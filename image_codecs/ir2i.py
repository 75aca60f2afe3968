"""The ``ir2i`` codec: a progressive coder from ``keras_models.ir2i`` (Baig et al. 2017).

The image is padded (edge pixels) to a multiple of the patch size P and coded patch by
patch. Each stage emits B bits per 8x8 pixels (0.125 bpp for B = 8); ``quality`` is the
number of stages written. With inpainting, every patch is first predicted from the
stage-``context_stage`` reconstruction of its already decoded neighbours above and to the
left; patches on one anti-diagonal do not depend on each other, so they are coded together
(the diagonal wavefront the paper suggests), and encoder and decoder follow the same order.

Bitstream (progressive: stage blocks in order, so any prefix of whole blocks decodes)::

    b"IR2" version(1) | ue7 height | ue7 width | stages S | bits B | patch/8 | first stages F
    | block 1 | ... | block k        (k = quality, F <= k <= S)

where block s packs (MSB first) the sign bits of stage s for every patch in raster order,
each patch as [P/8, P/8, B]. bpp counts every byte, header included.
"""
from __future__ import annotations

import functools

import numpy as np

from image_datasets import pixel_budget
from image_codecs.base import BitstreamError, Codec, CodecError, QualityRange, check_image
from image_codecs.bitio import read_ue7, write_ue7
from image_codecs.registry import register

__all__ = ["Ir2iCodec", "Header", "parse_header", "progressive_prefix", "MAGIC"]

MAGIC = b"IR2"
VERSION = 1


class Header:
    """The fields before the stage blocks."""

    def __init__(self, height: int, width: int, stages: int, bits: int, patch: int, first_stages: int):
        self.height, self.width = height, width
        self.stages, self.bits, self.patch, self.first_stages = stages, bits, patch, first_stages

    @property
    def grid(self) -> tuple[int, int]:
        return -(-self.height // self.patch), -(-self.width // self.patch)

    @property
    def block_bytes(self) -> int:
        rows, cols = self.grid
        side = self.patch // 8
        return -(-rows * cols * side * side * self.bits // 8)

    def to_bytes(self) -> bytes:
        return b"".join([MAGIC, bytes([VERSION]), write_ue7(self.height), write_ue7(self.width),
                         bytes([self.stages, self.bits, self.patch // 8, self.first_stages])])


def parse_header(data: bytes) -> tuple[Header, int]:
    """(header, offset of the first stage block); BitstreamError when malformed."""
    if not data.startswith(MAGIC):
        raise BitstreamError(f"ir2i: not an IR2I bitstream (magic {data[:3]!r})")
    if len(data) < 4 or data[3] != VERSION:
        raise BitstreamError(f"ir2i: unsupported version {data[3] if len(data) > 3 else None}")
    height, pos = read_ue7(data, 4, "ir2i: height")
    width, pos = read_ue7(data, pos, "ir2i: width")
    if pos + 4 > len(data):
        raise BitstreamError("ir2i: truncated header")
    stages, bits, patch8, first = data[pos:pos + 4]
    if not (height and width and stages and bits and patch8 and 1 <= first <= stages):
        raise BitstreamError(f"ir2i: invalid header {height}x{width} stages={stages} bits={bits} "
                             f"patch={8 * patch8} first={first}")
    if height * width > 1 << 28:
        raise BitstreamError(f"ir2i: implausible size {height}x{width}")
    return Header(height, width, stages, bits, 8 * patch8, first), pos + 4


def progressive_prefix(data: bytes, stages: int) -> bytes:
    """The bitstream of the first ``stages`` stages: what a receiver has after that many."""
    header, offset = parse_header(data)
    available = (len(data) - offset) // header.block_bytes
    if not header.first_stages <= stages <= available:
        raise ValueError(f"ir2i: can cut to {header.first_stages}..{available} stages, not {stages}")
    return data[:offset + stages * header.block_bytes]


class _LegacyModule:
    """``encode_patches`` / ``decode_patches`` from the three functions of models exported
    before those existed (``inpaint``, ``encode``, ``decode``), computing what they did."""

    def __init__(self, module, config):
        self.module, self.config = module, config

    def encode_patches(self, context, patches):
        pre = self.module.inpaint(context)
        bits = self.module.encode(patches, pre)
        if not self.config.uses_inpainting:
            return {"bits": bits}
        return {"bits": bits, "context": self.module.decode(bits, pre)[:, self.config.context_stage - 1]}

    def decode_patches(self, context, bits):
        return self.module.decode(bits, self.module.inpaint(context))


@functools.lru_cache(maxsize=8)
def _load(path: str):
    import tensorflow as tf  # pylint: disable=g-import-not-at-top

    from keras_models.ir2i import export  # pylint: disable=g-import-not-at-top

    config = export.load_config(path)
    module = tf.saved_model.load(path)
    if callable(getattr(module, "encode_patches", None)) and callable(getattr(module, "decode_patches", None)):
        return module, config
    for name in ("inpaint", "encode", "decode"):
        if not callable(getattr(module, name, None)):
            raise CodecError(f"ir2i: SavedModel {path} has neither 'encode_patches'/'decode_patches' nor '{name}'")
    return _LegacyModule(module, config), config


@register("ir2i")
class Ir2iCodec(Codec):
    """IR2I (or R2I, or the residual encoder) at ``quality`` stages.

    Args:
      quality: stages written, from the model's first code (2 with inpainting) to its stages
        (default: all of them).
      model: an exported model (``keras_models.ir2i.export``).
      batch: patches per network call.
    """

    quality_range = QualityRange(1, 255, higher_is_better=True)

    default_quality = None  # decoding needs no quality: the stream says how many stages it holds

    def __init__(self, quality: float | None = None, model: str | None = None, batch: int = 256):
        if not model:
            raise ValueError("ir2i: a model is required (an exported IR2I SavedModel folder)")
        self.model_path = model
        self.module, self.config = _load(model)
        super().__init__(self.config.stages if quality is None else quality)
        self.batch = int(batch)
        if not self.config.first_stages <= self.quality <= self.config.stages:
            raise ValueError(f"ir2i: quality (stages) must be in [{self.config.first_stages}, {self.config.stages}] "
                             f"for model {model}, got {self.quality}")

    def metadata(self) -> dict:
        return {**super().metadata(), "model": self.model_path, "bpp_per_stage": self.config.bpp_per_stage}

    def prefix(self, data: bytes, quality: float) -> bytes:
        """The stream at a lower ``quality`` (stages), cut from a longer one: byte for byte
        what encoding at that quality writes (the stream is progressive)."""
        return progressive_prefix(data, int(quality))

    # -- network calls ---------------------------------------------------------------------
    def _call(self, fn, *arrays) -> dict[str, np.ndarray]:
        """``fn`` on batches of at most ``self.batch`` patches; its outputs as arrays (a
        single output under the key ``images``)."""
        import tensorflow as tf  # pylint: disable=g-import-not-at-top

        parts = []
        for i in range(0, len(arrays[0]), self.batch):
            out = fn(*[tf.constant(a[i:i + self.batch]) for a in arrays])
            parts.append({k: v.numpy() for k, v in out.items()} if isinstance(out, dict) else {"images": out.numpy()})
        return {k: np.concatenate([part[k] for part in parts]) for k in parts[0]}

    def _wavefronts(self, rows: int, cols: int):
        if not self.config.uses_inpainting:  # independent patches: network-sized groups bound the memory
            cells = [(i, j) for i in range(rows) for j in range(cols)]
            yield from (cells[k:k + self.batch] for k in range(0, len(cells), self.batch))
            return
        for d in range(rows + cols - 1):
            yield [(i, d - i) for i in range(max(0, d - cols + 1), min(rows, d + 1))]

    def _run(self, rows: int, cols: int, step) -> None:
        """Calls ``step(cells, contexts) -> their context images`` per wavefront (contexts:
        [N, 2P, 2P, 3] windows whose bottom-right patch is the cell), keeping the context
        canvas (top/left padded by one patch of zeros) up to date."""
        p = self.config.patch
        canvas = np.zeros(((rows + 1) * p, (cols + 1) * p, 3), np.float32)
        for cells in self._wavefronts(rows, cols):
            if self.config.uses_inpainting:
                contexts = np.stack([canvas[i * p:i * p + 2 * p, j * p:j * p + 2 * p] for i, j in cells])
            else:  # unused by the model: a zero-copy view, whatever the number of patches
                contexts = np.broadcast_to(canvas[:2 * p, :2 * p], (len(cells), 2 * p, 2 * p, 3))
            images = step(cells, contexts)
            if self.config.uses_inpainting:
                for (i, j), image in zip(cells, images):
                    canvas[(i + 1) * p:(i + 2) * p, (j + 1) * p:(j + 2) * p] = image

    # -- codec -------------------------------------------------------------------------------
    def encode(self, image: np.ndarray) -> bytes:
        image = check_image(image, self.name)
        c, p = self.config, self.config.patch
        header = Header(image.shape[0], image.shape[1], c.stages, c.bits, p, c.first_stages)
        rows, cols = header.grid
        padded = np.pad(image, ((0, rows * p - image.shape[0]), (0, cols * p - image.shape[1]), (0, 0)), mode="edge")
        unit = padded.astype(np.float32) / 127.5 - 1.0
        patches = unit.reshape(rows, p, cols, p, 3).transpose(0, 2, 1, 3, 4)
        side = p // 8
        bits = np.zeros((rows, cols, c.stages, side, side, c.bits), np.float32)

        def step(cells, contexts):
            out = self._call(self.module.encode_patches, contexts, np.stack([patches[i, j] for i, j in cells]))
            for (i, j), code in zip(cells, out["bits"]):
                bits[i, j] = code
            return out.get("context")

        self._run(rows, cols, step)
        blocks = [np.packbits(bits[:, :, s].reshape(-1) > 0).tobytes() for s in range(self.quality)]
        return header.to_bytes() + b"".join(blocks)

    def decode(self, data: bytes) -> np.ndarray:
        header, offset = parse_header(data)
        pixel_budget.check(header.width, header.height, "ir2i")
        c = self.config
        if (header.stages, header.bits, header.patch, header.first_stages) != (
                c.stages, c.bits, c.patch, c.first_stages):
            raise BitstreamError(
                f"ir2i: bitstream made by a model with stages={header.stages} bits={header.bits} patch={header.patch} "
                f"first code={header.first_stages}; model {self.model_path} has {c.stages}/{c.bits}/{c.patch}/"
                f"{c.first_stages}")
        payload = len(data) - offset
        k, extra = divmod(payload, header.block_bytes)
        if extra:
            raise BitstreamError(f"ir2i: {payload} payload bytes are not whole stage blocks of {header.block_bytes} "
                                 "bytes (truncated or corrupt)")
        if not c.first_stages <= k <= c.stages:
            raise BitstreamError(f"ir2i: {k} stage blocks; this model decodes {c.first_stages}..{c.stages}")
        rows, cols = header.grid
        p, side = c.patch, c.patch // 8
        count = rows * cols * side * side * c.bits
        bits = np.zeros((rows, cols, c.stages, side, side, c.bits), np.float32)
        for s in range(k):
            block = np.frombuffer(data, np.uint8, header.block_bytes, offset + s * header.block_bytes)
            signs = np.unpackbits(block)[:count].astype(np.float32) * 2 - 1
            bits[:, :, s] = signs.reshape(rows, cols, side, side, c.bits)
        # Patches go into the picture as uint8 as their wavefront is decoded: a float32 picture,
        # and each step of converting it at the end, took four times the output's memory.
        out = np.zeros((rows * p, cols * p, 3), np.uint8)

        def step(cells, contexts):
            codes = np.stack([bits[i, j] for i, j in cells])
            images = self._call(self.module.decode_patches, contexts, codes)["images"]
            pixels = np.clip(np.round((images[:, k - 1] + 1.0) * 127.5), 0, 255).astype(np.uint8)
            for (i, j), patch in zip(cells, pixels):
                out[i * p:(i + 1) * p, j * p:(j + 1) * p] = patch
            return images[:, c.context_stage - 1]

        self._run(rows, cols, step)
        return np.ascontiguousarray(out[:header.height, :header.width])
