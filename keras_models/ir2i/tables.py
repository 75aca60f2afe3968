"""The layer tables of the paper's supplement (Tables 6-10) as data.

Each ``Row`` is one line of a table: what the layer is, its stride, filters, batch norm,
non-linearity and inputs. The models in ``keras_models.ir2i.model`` and ``.inpainting`` are
built and run from these rows, and the tests compare the rows with the paper line by line.

Names follow the tables without the ``_s`` suffix; an input ``x@prev`` is layer ``x`` of the
previous stage (stage 1 gets zeros for these connections, as the paper says). Filters are
symbolic: ``f1``/``f2``/``f3`` are the three widths (64, 128, 256), ``bits`` the binary
channels (8), ``rgb`` 3 and ``inp`` the inpainting filters per dilation (24).

Where the tables contradict themselves we follow the evident intent and say so here:
  * Table 6, row 16 reads ``deconv_13_s``; Table 7's identical row reads ``deconv_14_s``.
  * Tables 8 and 9 give the connection on ``deconv_13`` 128 filters, but it is added to a
    64-channel tensor; it has ``f1`` (64) here.
  * Table 8 row 25 and Table 9 row 15 take ``conv_9_s`` / ``conv_10c_s``, which skip the
    combined tensor or do not exist; the combined tensor (``conv_9c``) and ``conv_10`` are used.
  * All convolutions are 3x3 except ``conv1`` (Conv*, 1x1). Deconvolutions are 2x2, stride 2,
    with "group size equal to the number of channels in the input", i.e. one group: ordinary
    transposed convolutions. This reading reproduces the stated sizes (24.2M parameters for
    Tables 6 and 7, 49.8M for Table 8); per-channel kernels would give 21.5M and 47.1M.
"""
from __future__ import annotations

import dataclasses
from typing import Optional

__all__ = ["Row", "encoder_rows", "decoder_rows", "stage_rows", "inpainting_rows", "prediction_row"]


@dataclasses.dataclass(frozen=True)
class Row:
    """Attributes:
      name: output name.
      kind: ``conv`` (3x3), ``conv1`` (1x1), ``deconv`` (2x2 transposed, stride 2), ``bin``
        (binarizer), ``add``, ``concat``, ``crop``.
      stride: convolution stride.
      filters: symbolic width (see the module docstring) or None.
      bn: batch normalisation after the layer.
      activation: ``relu``, ``tanh`` or None.
      inputs: input names (``x@prev`` for the previous stage).
      dilation: dilation rate of a convolution.
    """

    name: str
    kind: str
    stride: int = 1
    filters: Optional[str] = None
    bn: bool = False
    activation: Optional[str] = None
    inputs: tuple[str, ...] = ()
    dilation: int = 1

    @property
    def has_weights(self) -> bool:
        return self.kind in ("conv", "conv1", "deconv")

    @property
    def is_connection(self) -> bool:
        return any(i.endswith("@prev") for i in self.inputs)


def _conv(name, src, stride, filters, bn=True, activation="relu", kind="conv"):
    return Row(name, kind, stride, filters, bn, activation, (src,))


def _connection(name, filters, source):
    """A parametric connection: conv (BN, ReLU) of the previous stage's ``source``, added to
    this stage's ``source`` and squashed with tanh into ``<name>c``."""
    return [_conv(f"{name}'", f"{source}@prev", 1, filters),
            Row(f"{name}c", "add", activation="tanh", inputs=(source, f"{name}'"))]


def encoder_rows(variant: str) -> list[Row]:
    """Rows 1-8 of Tables 6, 7, 9 (identical), or the encoder of Table 8 (``full``)."""
    widths = ("f1", "f2", "f2", "f3", "f3", "f3")
    strides = (1, 2, 1, 2, 1, 2)
    rows, src = [], "input"
    for k, (f, stride) in enumerate(zip(widths, strides), start=1):
        rows.append(_conv(f"conv_{k}", src, stride, f))
        src = f"conv_{k}"
        if variant == "full":
            rows += [_conv(f"conv_{k}'", f"conv_{k}@prev", 1, f),
                     Row(f"conv_{k}c", "add", activation="tanh", inputs=(f"conv_{k}", f"conv_{k}'"))]
            src = f"conv_{k}c"
    rows.append(_conv("conv_7", src, 1, "bits", bn=False, activation="tanh", kind="conv1"))
    rows.append(Row("bin", "bin", inputs=("conv_7",)))
    return rows


def decoder_rows(variant: str) -> list[Row]:
    """The decoder rows, from the bits to ``conv_pred``."""
    rows = [_conv("conv_8", "bin", 1, "f3", bn=False, activation=None),
            _conv("conv_9", "conv_8", 1, "f3")]
    if variant in ("residual", "prediction"):  # Tables 6 and 7, rows 11-16.
        rows += [Row("deconv_10", "deconv", 2, "f3", inputs=("conv_9",)),
                 _conv("conv_11", "deconv_10", 1, "f2"),
                 Row("deconv_12", "deconv", 2, "f2", inputs=("conv_11",)),
                 _conv("conv_13", "deconv_12", 1, "f1"),
                 Row("deconv_14", "deconv", 2, "f1", inputs=("conv_13",)),
                 _conv("conv_pred", "deconv_14", 1, "rgb", bn=False,
                       activation="tanh" if variant == "residual" else None)]
        return rows
    # Tables 8 and 9: three levels of (conv, 2x2 deconv) with connections on the deconvolutions,
    # and for "full" on the convolutions too; each level feeds the next level's conv.
    levels = (("conv_9", "deconv_9", "f3"), ("conv_10", "deconv_11", "f2"), ("conv_12", "deconv_13", "f1"))
    for k, (conv, deconv, width) in enumerate(levels):
        if k:
            rows.append(_conv(conv, f"{levels[k - 1][1]}c", 1, width))
        src = conv
        if variant == "full":
            rows += _connection(conv, width, conv)
            src = f"{conv}c"
        rows += [Row(deconv, "deconv", 2, width, inputs=(src,)), *_connection(deconv, width, deconv)]
    rows.append(_conv("conv_pred", "deconv_13c", 1, "rgb", bn=False, activation="tanh"))
    return rows


def prediction_row() -> Row:
    """Table 7, row 17: ``output_s = tanh(conv_pred_s + conv_pred_(s-1))``, where the
    previous term is the running sum of every earlier stage's prediction (pre-activation)."""
    return Row("output", "add", activation="tanh", inputs=("conv_pred", "output:pre@prev"))


def stage_rows(variant: str) -> list[Row]:
    """Every row of one stage, in table order (the final subtraction is done by the model)."""
    rows = encoder_rows(variant) + decoder_rows(variant)
    if variant == "prediction":
        rows.append(prediction_row())
    return rows


def inpainting_rows(layers: int = 8, dilations: tuple[int, ...] = (1, 2, 4, 8)) -> list[Row]:
    """Table 10: ``layers`` multi-scale layers (one 3x3 conv per dilation, BN, ReLU,
    concatenated), a 3x3 conv to RGB, the crop of the bottom-right patch, then tanh."""
    rows, src = [], "data"
    for k in range(layers):
        names = [f"conv_{k}_{d}" for d in dilations]
        rows += [Row(n, "conv", 1, "inp", True, "relu", (src,), dilation=d) for n, d in zip(names, dilations)]
        rows.append(Row(f"conv_{k}", "concat", inputs=tuple(names)))
        src = f"conv_{k}"
    rows += [Row("conv_RGB", "conv", 1, "rgb", inputs=(src,)),
             Row("conv_RGB_crop", "crop", inputs=("conv_RGB",)),
             Row("pred", "tanh", activation="tanh", inputs=("conv_RGB_crop",))]
    return rows
