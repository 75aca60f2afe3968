"""The layer tables (supplement C, Tables 6-10) against the paper, row by row, and the built
Keras layers against the tables."""
import pytest
import tensorflow as tf

from keras_models.ir2i import config as ic, tables
from keras_models.ir2i.model import InpaintingNetwork, ProgressiveCoder

# (name, kind, stride, filters, BN, non-linearity, inputs) as printed in Table 6, rows 1-16.
TABLE_6 = [
    ("conv_1", "conv", 1, "f1", True, "relu", ("input",)),
    ("conv_2", "conv", 2, "f2", True, "relu", ("conv_1",)),
    ("conv_3", "conv", 1, "f2", True, "relu", ("conv_2",)),
    ("conv_4", "conv", 2, "f3", True, "relu", ("conv_3",)),
    ("conv_5", "conv", 1, "f3", True, "relu", ("conv_4",)),
    ("conv_6", "conv", 2, "f3", True, "relu", ("conv_5",)),
    ("conv_7", "conv1", 1, "bits", False, "tanh", ("conv_6",)),
    ("bin", "bin", 1, None, False, None, ("conv_7",)),
    ("conv_8", "conv", 1, "f3", False, None, ("bin",)),
    ("conv_9", "conv", 1, "f3", True, "relu", ("conv_8",)),
    ("deconv_10", "deconv", 2, "f3", False, None, ("conv_9",)),
    ("conv_11", "conv", 1, "f2", True, "relu", ("deconv_10",)),
    ("deconv_12", "deconv", 2, "f2", False, None, ("conv_11",)),
    ("conv_13", "conv", 1, "f1", True, "relu", ("deconv_12",)),
    ("deconv_14", "deconv", 2, "f1", False, None, ("conv_13",)),
    ("conv_pred", "conv", 1, "rgb", False, "tanh", ("deconv_14",)),
]


def _tuples(rows):
    return [(r.name, r.kind, r.stride, r.filters, r.bn, r.activation, r.inputs) for r in rows]


def test_table_6_residual_encoder():
    assert _tuples(tables.stage_rows("residual")) == TABLE_6


def test_table_7_prediction_connections():
    rows = _tuples(tables.stage_rows("prediction"))
    # Same layers; conv_pred has no non-linearity; output = tanh(conv_pred + previous prediction).
    assert rows[:-2] == TABLE_6[:-1]
    assert rows[-2] == ("conv_pred", "conv", 1, "rgb", False, None, ("deconv_14",))
    assert rows[-1] == ("output", "add", 1, None, False, "tanh", ("conv_pred", "output:pre@prev"))


def test_table_8_full_connections():
    rows = {r.name: r for r in tables.stage_rows("full")}
    connected = ["conv_1", "conv_2", "conv_3", "conv_4", "conv_5", "conv_6",
                 "conv_9", "deconv_9", "conv_10", "deconv_11", "conv_12", "deconv_13"]
    widths = ["f1", "f2", "f2", "f3", "f3", "f3", "f3", "f3", "f2", "f2", "f1", "f1"]
    for name, width in zip(connected, widths):
        link = rows[f"{name}'"]
        assert (link.kind, link.stride, link.filters, link.bn, link.activation, link.inputs) == (
            "conv", 1, width, True, "relu", (f"{name}@prev",)), name
        assert rows[f"{name}c"].inputs == (name, f"{name}'") and rows[f"{name}c"].activation == "tanh"
    assert rows["conv_2"].inputs == ("conv_1c",) and rows["conv_2"].stride == 2
    assert rows["conv_7"].inputs == ("conv_6c",)
    assert rows["conv_pred"].inputs == ("deconv_13c",) and rows["conv_pred"].activation == "tanh"
    assert sum(r.is_connection for r in rows.values()) == 12


def test_table_9_decoding_connections_only():
    rows = tables.stage_rows("decoding")
    assert _tuples(rows[:8]) == TABLE_6[:8]  # the encoder is the residual encoder's
    links = [r for r in rows if r.is_connection]
    assert [(r.name, r.filters, r.inputs) for r in links] == [
        ("deconv_9'", "f3", ("deconv_9@prev",)), ("deconv_11'", "f2", ("deconv_11@prev",)),
        ("deconv_13'", "f1", ("deconv_13@prev",))]
    by_name = {r.name: r for r in rows}
    assert [by_name[n].kind for n in ("deconv_9", "deconv_11", "deconv_13")] == ["deconv"] * 3
    assert by_name["conv_10"].inputs == ("deconv_9c",) and by_name["conv_10"].filters == "f2"
    assert by_name["conv_12"].inputs == ("deconv_11c",) and by_name["conv_12"].filters == "f1"
    assert _tuples([by_name["conv_pred"]]) == [("conv_pred", "conv", 1, "rgb", False, "tanh", ("deconv_13c",))]


def test_table_10_inpainting_network():
    rows = tables.inpainting_rows()
    convs = [r for r in rows if r.kind == "conv" and r.name != "conv_RGB"]
    assert len(convs) == 32
    assert [r.dilation for r in convs] == [1, 2, 4, 8] * 8
    assert {(r.filters, r.bn, r.activation, r.stride) for r in convs} == {("inp", True, "relu", 1)}
    concats = [r for r in rows if r.kind == "concat"]
    assert len(concats) == 8 and concats[0].inputs == ("conv_0_1", "conv_0_2", "conv_0_4", "conv_0_8")
    assert convs[4].inputs == ("conv_0",) and convs[0].inputs == ("data",)
    assert _tuples(rows[-3:]) == [("conv_RGB", "conv", 1, "rgb", False, None, ("conv_7",)),
                                  ("conv_RGB_crop", "crop", 1, None, False, None, ("conv_RGB",)),
                                  ("pred", "tanh", 1, None, False, "tanh", ("conv_RGB_crop",))]


@pytest.mark.parametrize("name, millions", [("residual-paper", 24.2), ("r2i-prediction-paper", 24.2),
                                            ("r2i-full-paper", 49.8), ("r2i-decoding-paper", 29.2)])
def test_paper_sizes(name, millions):
    coder = ProgressiveCoder(ic.preset(name))
    coder(tf.zeros((1, 32, 32, 3)))
    # The paper's parameter counts (supplement C); ours within 2% (decoding: 29.66M).
    assert coder.count_params() / 1e6 == pytest.approx(millions, rel=0.02)


def test_built_layers_follow_the_rows():
    config = ic.preset("r2i-full-tiny")
    coder = ProgressiveCoder(config)
    coder(tf.zeros((2, 32, 32, 3)))
    f1, f2, f3 = config.filters
    widths = {"f1": f1, "f2": f2, "f3": f3, "bits": config.bits, "rgb": 3}
    stage2 = coder.stage_layers[1]
    for row in tables.stage_rows("full"):
        if not row.has_weights:
            continue
        layer = stage2[row.name]
        op = layer.op
        assert op.filters == widths[row.filters], row.name
        expected_kernel = (2, 2) if row.kind == "deconv" else (1, 1) if row.kind == "conv1" else (3, 3)
        assert tuple(op.kernel_size) == expected_kernel and tuple(op.strides) == (row.stride, row.stride), row.name
        assert (layer.norm is not None) == row.bn, row.name
    assert not any(r.is_connection and r.name in coder.stage_layers[0] for r in tables.stage_rows("full"))

    inpainter = InpaintingNetwork(ic.preset("ir2i-tiny"))
    inpainter(tf.zeros((1, 64, 64, 3)))
    dilated = [inpainter.row_layers[r.name].op for r in tables.inpainting_rows(4) if r.kind == "conv"]
    assert [tuple(op.dilation_rate)[0] for op in dilated[:-1]] == [1, 2, 4, 8] * 4
    assert dilated[-1].filters == 3
