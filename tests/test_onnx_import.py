"""`cnncalc import`: ONNX models in, architecture files out, nothing dropped silently.

The expected figures come from outside the importer: hand arithmetic with the formulas
of docs/figures.md for the small graphs built here with onnx.helper, and for the
bundled torchvision-family networks, a torch model built by the PyTorch oracle's
translation (tests/test_torch_oracle.py), exported by torch.onnx and counted by torch
(parameters) and by the bundled file's analysis, itself checked against torchvision
and the oracle elsewhere.
"""

from __future__ import annotations

import math
import random
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

onnx = pytest.importorskip("onnx")

from conftest import run_cli  # noqa: E402
from onnx import TensorProto, helper  # noqa: E402

from cnncalc.figures.analysis import Analysis, analyse  # noqa: E402
from cnncalc.reading import catalog  # noqa: E402
from cnncalc.reading.architecture import load_file  # noqa: E402

FLOAT = TensorProto.FLOAT


# --- small models, built by hand --------------------------------------------------------


def weight(name: str, *dims: int, values: list[float] | None = None) -> Any:
    """An initializer; weights get their real byte size, so large ones are really large."""
    count = math.prod(dims)
    data = values if values is not None else [0.0] * count
    return helper.make_tensor(name, FLOAT, dims, data)


def ints(name: str, values: list[int]) -> Any:
    return helper.make_tensor(name, TensorProto.INT64, [len(values)], values)


def model_bytes(
    nodes: list[Any],
    input_dims: list[Any],
    initializers: list[Any] = (),  # type: ignore[assignment]
    inputs: list[Any] | None = None,
    opset: int = 17,
) -> bytes:
    graph = helper.make_graph(
        nodes,
        "hand_built",
        inputs if inputs is not None else [helper.make_tensor_value_info("x", FLOAT, input_dims)],
        [helper.make_tensor_value_info(nodes[-1].output[0], FLOAT, None)],
        initializer=list(initializers),
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    return bytes(model.SerializeToString())


@pytest.fixture
def onnx_file(tmp_path: Path) -> Any:
    def make(data: bytes, name: str = "model.onnx") -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return make


def imported(path: Path, *options: str) -> tuple[str, Analysis]:
    """The written file's text, and its analysis through the ordinary YAML loader."""
    out = path.with_suffix(".yaml")
    result = run_cli(["import", str(path), "-o", str(out), *options])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    return text, analyse(load_file(out))


def row(analysis: Analysis, type_name: str) -> Any:
    (found,) = [r for r in analysis.layers if r.type == type_name]
    return found


def test_conv_with_padding_stride_and_bias(onnx_file: Any) -> None:
    node = helper.make_node(
        "Conv",
        ["x", "w", "b"],
        ["y"],
        name="/features/conv1/Conv",
        pads=[1, 1, 1, 1],
        strides=[2, 2],
    )
    path = onnx_file(model_bytes([node], [1, 3, 32, 32], [weight("w", 8, 3, 3, 3), weight("b", 8)]))
    text, analysis = imported(path)
    assert (
        "{name: features.conv1, type: conv, filters: 8, kernel: 3, stride: 2, padding: 1}" in text
    )
    conv = row(analysis, "conv")
    # (32 + 2 − 3) / 2 + 1 = 16; params 8·(3·3·3 + 1) = 224; MACs 16·16·8·27 = 55,296.
    assert (conv.output, conv.params, conv.macs) == ((8, 16, 16), 224, 55_296)


def test_grouped_dilated_conv_without_bias(onnx_file: Any) -> None:
    node = helper.make_node("Conv", ["x", "w"], ["y"], group=2, dilations=[2, 2])
    path = onnx_file(model_bytes([node], [1, 4, 10, 10], [weight("w", 6, 2, 3, 3)]))
    text, analysis = imported(path)
    assert "groups: 2" in text and "dilation: 2" in text and "bias: false" in text
    conv = row(analysis, "conv")
    # 10 − 2·(3 − 1) = 6; params 6·2·9 = 108; MACs 6·6·6·(2·9) = 3,888.
    assert (conv.output, conv.params, conv.macs) == ((6, 6, 6), 108, 3_888)


def test_auto_pad_same_upper_is_cnncalc_same(onnx_file: Any) -> None:
    node = helper.make_node("Conv", ["x", "w"], ["y"], auto_pad="SAME_UPPER", strides=[2, 2])
    path = onnx_file(model_bytes([node], [1, 1, 7, 7], [weight("w", 1, 1, 2, 2)]))
    text, analysis = imported(path)
    assert "padding: same" in text
    assert row(analysis, "conv").output == (1, 4, 4)  # ceil(7 / 2)


def test_auto_pad_same_lower_pads_before_with_a_pad_layer(onnx_file: Any) -> None:
    # Kernel 2, stride 1 on 5: total padding (5−1)·1 + 2 − 5 = 1, all of it before
    # (SAME_LOWER puts the odd one first), so a pad layer [1, 0, 1, 0] then the conv.
    node = helper.make_node("Conv", ["x", "w"], ["y"], auto_pad="SAME_LOWER")
    path = onnx_file(model_bytes([node], [1, 1, 5, 5], [weight("w", 1, 1, 2, 2)]))
    text, analysis = imported(path)
    assert "type: pad, padding: [1, 0, 1, 0]" in text
    assert row(analysis, "conv").output == (1, 5, 5)


def test_a_zero_pad_read_only_by_a_conv_becomes_its_padding(onnx_file: Any) -> None:
    def graph(mode: str = "constant", fill: float = 0.0, second_reader: bool = False) -> bytes:
        nodes = [
            helper.make_node("Pad", ["x", "pads", "fill"], ["p"], name="pad", mode=mode),
            helper.make_node("Conv", ["p", "w"], ["c"], name="conv", pads=[1, 1, 1, 1]),
        ]
        if second_reader:
            nodes.append(helper.make_node("Relu", ["p"], ["r"], name="relu"))
        inits = [
            ints("pads", [0, 0, 1, 1, 0, 0, 1, 1]),
            helper.make_tensor("fill", FLOAT, [], [fill]),
            weight("w", 2, 1, 3, 3),
        ]
        return model_bytes(nodes, [1, 1, 6, 6], inits)

    text, analysis = imported(onnx_file(graph()))
    assert "{name: conv, type: conv, filters: 2, kernel: 3, padding: 2, bias: false}" in text
    assert "type: pad" not in text
    assert row(analysis, "conv").output == (2, 8, 8)  # 6 + 2·2 − 3 + 1
    for kept in (graph(mode="reflect"), graph(fill=1.0), graph(second_reader=True)):
        text, analysis = imported(onnx_file(kept))
        assert "{name: pad, type: pad, padding: [1, 1, 1, 1]" in text
        assert row(analysis, "conv").output == (2, 8, 8)


def test_gemm_and_matmul_with_its_bias_are_dense_layers(onnx_file: Any) -> None:
    nodes = [
        helper.make_node("Gemm", ["x", "w1", "b1"], ["h"], name="fc1", transB=1),
        helper.make_node("MatMul", ["h", "w2"], ["m"], name="fc2"),
        helper.make_node("Add", ["m", "b2"], ["y"], name="fc2_bias"),
    ]
    inits = [weight("w1", 4, 10), weight("b1", 4), weight("w2", 4, 3), weight("b2", 3)]
    text, analysis = imported(onnx_file(model_bytes(nodes, [1, 10], inits)))
    assert "input: [10]" in text
    assert "{name: fc2, type: dense, units: 3}" in text  # the Add is fc2's bias
    # fc1: 4·(10 + 1) = 44; fc2: 3·(4 + 1) = 15; MACs 40 + 12.
    assert (analysis.totals.params, analysis.totals.macs) == (59, 52)


def test_shape_arithmetic_before_a_reshape_is_followed(onnx_file: Any) -> None:
    # x.view(x.size(0), -1) as exporters write it: Shape, Gather, Unsqueeze, Concat, Reshape.
    nodes = [
        helper.make_node("Shape", ["x"], ["s"]),
        helper.make_node("Gather", ["s", "zero"], ["n"], axis=0),
        helper.make_node("Unsqueeze", ["n", "axes"], ["n1"]),
        helper.make_node("Concat", ["n1", "minus_one"], ["target"], axis=0),
        helper.make_node("Reshape", ["x", "target"], ["flat"], name="/flatten/Reshape"),
        helper.make_node("Gemm", ["flat", "w", "b"], ["y"], name="fc", transB=1),
    ]
    inits = [
        helper.make_tensor("zero", TensorProto.INT64, [], [0]),
        ints("axes", [0]),
        ints("minus_one", [-1]),
        weight("w", 5, 18),
        weight("b", 5),
    ]
    text, analysis = imported(onnx_file(model_bytes(nodes, [1, 2, 3, 3], inits)))
    assert "type: flatten" in text
    assert analysis.totals.params == 5 * (2 * 3 * 3 + 1)


def test_pool_resize_pad_merges_dropout_and_global_pool(onnx_file: Any) -> None:
    nodes = [
        helper.make_node(
            "MaxPool",
            ["x"],
            ["p"],
            name="pool",
            kernel_shape=[3, 3],
            strides=[2, 2],
            pads=[1, 1, 1, 1],
            ceil_mode=1,
        ),
        helper.make_node("Resize", ["p", "", "scales"], ["up"], name="up", mode="nearest"),
        helper.make_node("Pad", ["up", "pads"], ["padded"], name="pad"),
        helper.make_node("Relu", ["padded"], ["r"], name="relu"),
        helper.make_node("Concat", ["padded", "r"], ["c"], name="cat", axis=1),
        helper.make_node("Add", ["c", "c"], ["a"], name="sum"),
        helper.make_node("Dropout", ["a"], ["d"], name="drop"),
        helper.make_node("GlobalAveragePool", ["d"], ["y"], name="gap"),
    ]
    inits = [
        helper.make_tensor("scales", FLOAT, [4], [1, 1, 2, 2]),
        # ONNX order: begins of N, C, H, W, then ends: top 1, right 1.
        ints("pads", [0, 0, 1, 0, 0, 0, 0, 1]),
    ]
    text, analysis = imported(onnx_file(model_bytes(nodes, [1, 2, 8, 8], inits)))
    expected_lines = [
        "{name: pool, type: pool, mode: max, size: 3, stride: 2, padding: 1, ceil: true}",
        "{name: up, type: upsample, scale: 2}",
        "{name: pad, type: pad, padding: [1, 0, 0, 1]}",
        "{name: relu, type: activation, fn: relu}",
        "{name: cat, type: concat, inputs: [pad, relu]}",
        "{name: sum, type: add, inputs: [cat, cat]}",
        "{name: drop, type: dropout}",
        "{name: gap, type: global_pool, mode: avg}",
    ]
    assert [line for line in expected_lines if line not in text] == []
    shapes = {r.name: r.output for r in analysis.layers}
    # pool: ceil((8 + 2 − 3) / 2) + 1 = 5; upsampled 10; padded 11 (one row, one column).
    assert (shapes["pool"], shapes["up"], shapes["pad"]) == ((2, 5, 5), (2, 10, 10), (2, 11, 11))
    assert (shapes["cat"], shapes["gap"]) == ((4, 11, 11), (4, 1, 1))


def test_a_chain_of_the_other_operators(onnx_file: Any) -> None:
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c"], name="conv", pads=[1, 1, 1, 1]),
        helper.make_node("Clip", ["c", "lo", "hi"], ["r6"], name="relu6"),
        helper.make_node("LRN", ["r6"], ["n"], name="lrn", size=3),
        helper.make_node(
            "ConvTranspose", ["n", "w2"], ["t"], name="up_conv", group=2, strides=[2, 2]
        ),
        helper.make_node("Resize", ["t", "", "", "sizes"], ["z"], name="resize", mode="linear"),
        helper.make_node("Identity", ["z"], ["i"]),
        helper.make_node("Cast", ["i"], ["k"], to=FLOAT),
        helper.make_node(
            "AveragePool",
            ["k"],
            ["p"],
            name="pool",
            kernel_shape=[3, 3],
            strides=[2, 2],
            auto_pad="SAME_UPPER",
        ),
        helper.make_node("GlobalMaxPool", ["p"], ["g"], name="gmp"),
        helper.make_node("Squeeze", ["g", "axes"], ["s"], name="squeeze"),
        helper.make_node("Gemm", ["s", "w3", "b3"], ["f"], name="fc", transB=1),
        helper.make_node("Sigmoid", ["f"], ["sg"], name="sigmoid"),
        helper.make_node("Softmax", ["sg"], ["y"], name="softmax"),
    ]
    inits = [
        weight("w1", 8, 4, 3, 3),
        weight("b1", 8),
        helper.make_tensor("lo", FLOAT, [], [0.0]),
        helper.make_tensor("hi", FLOAT, [], [6.0]),
        weight("w2", 8, 2, 2, 2),  # ConvTranspose: Cin × filters/groups × kh × kw
        ints("sizes", [1, 4, 20, 20]),
        ints("axes", [2, 3]),
        weight("w3", 3, 4),
        weight("b3", 3),
    ]
    text, analysis = imported(onnx_file(model_bytes(nodes, [1, 4, 8, 8], inits)))
    assert "{name: relu6, type: activation, fn: relu6}" in text
    assert (
        "{name: up_conv, type: conv_transpose, filters: 4, kernel: 2, stride: 2, groups: 2, bias: false}"
        in text
    )
    assert "{name: resize, type: upsample, mode: bilinear, size: [20, 20]}" in text
    assert "{name: pool, type: pool, mode: avg, size: 3, stride: 2, padding: same}" in text
    assert [r.type for r in analysis.layers] == [
        "conv", "activation", "lrn", "conv_transpose", "upsample", "pool", "global_pool",
        "flatten", "dense", "activation", "activation",
    ]  # fmt: skip
    shapes = {r.name: r.output for r in analysis.layers}
    # conv_transpose: (8 − 1)·2 + 2 = 16; pool: ceil(20 / 2) = 10.
    assert (shapes["up_conv"], shapes["pool"], shapes["squeeze"]) == (
        (4, 16, 16),
        (4, 10, 10),
        (4,),
    )
    # conv 8·(4·9 + 1) = 296 params, 8·8·8·36 = 18,432 MACs; conv_transpose 8·2·2·2 = 64
    # params, 8·8·8·2·2·2 = 4,096 MACs; fc 3·(4 + 1) = 15 params, 12 MACs.
    assert (analysis.totals.params, analysis.totals.macs) == (296 + 64 + 15, 18_432 + 4_096 + 12)


def test_upsample_of_opset_9(onnx_file: Any) -> None:
    node = helper.make_node("Upsample", ["x", "scales"], ["y"], name="up")
    scales = helper.make_tensor("scales", FLOAT, [4], [1, 1, 2, 3])
    text, analysis = imported(onnx_file(model_bytes([node], [1, 2, 4, 4], [scales], opset=9)))
    assert "{name: up, type: upsample, scale: [2, 3]}" in text
    assert analysis.layers[0].output == (2, 8, 12)


def test_every_operator_of_the_tables_is_documented() -> None:
    from cnncalc.reading.onnx.folding import FOLDS
    from cnncalc.reading.onnx.operators import OPERATORS

    page = (Path(__file__).parent.parent / "docs" / "importing.md").read_text(encoding="utf-8")
    assert [op for op in [*OPERATORS, *FOLDS] if f"`{op}`" not in page] == []


# --- nothing dropped silently -------------------------------------------------------------


def _squeeze_excitation_like() -> bytes:
    """Two Mul nodes by a constant and a LayerNormalization: uses of operators that no
    cnncalc layer kind expresses (a scale by one shared constant; a norm over the last
    axis of a channels-first map, its width)."""
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
        helper.make_node("Mul", ["c", "k"], ["m1"], name="se1"),
        helper.make_node("Mul", ["m1", "k"], ["m2"], name="se2"),
        helper.make_node("LayerNormalization", ["m2", "g"], ["n"], name="ln"),
        helper.make_node("Relu", ["n"], ["y"], name="relu"),
    ]
    inits = [weight("w", 4, 3, 3, 3), weight("k", 1), weight("g", 6)]
    return model_bytes(nodes, [1, 3, 8, 8], inits)


def test_an_unsupported_operator_is_an_error_naming_it_its_node_and_count(
    onnx_file: Any,
) -> None:
    path = onnx_file(_squeeze_excitation_like())
    out = path.with_suffix(".yaml")
    result = run_cli(["import", str(path), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"error: {path}: ")
    assert "Mul ×2 (first: node 'se1': it multiplies the network's data by a constant)" in (
        result.stderr
    )
    assert (
        "LayerNormalization ×1 (first: node 'ln': it normalises a channels-first tensor "
        "from axis 3" in result.stderr
    )
    assert "--skip-unsupported" in result.stderr
    assert not out.exists()
    shown = run_cli(["show", str(path)])
    assert shown.exit_code == 2 and "Mul ×2" in shown.stderr


def test_skip_unsupported_marks_each_node_in_the_file_and_warns(onnx_file: Any) -> None:
    path = onnx_file(_squeeze_excitation_like())
    out = path.with_suffix(".yaml")
    result = run_cli(["import", str(path), "-o", str(out), "--skip-unsupported"])
    assert result.exit_code == 0, result.output
    assert "warning: " in result.stderr and "2 Mul nodes left out" in result.stderr
    assert "1 LayerNormalization node left out" in result.stderr
    text = out.read_text(encoding="utf-8")
    for node in ("se1", "se2"):
        assert f"# skipped: Mul node '{node}', not counted" in text
    assert "# skipped: LayerNormalization node 'ln', not counted" in text
    # What remains: the conv, 4 filters of 3·3·3 without bias, and the relu.
    analysis = analyse(load_file(out))
    assert [r.type for r in analysis.layers] == ["conv", "activation"]
    assert analysis.totals.params == 4 * 3 * 3 * 3


def test_constants_cnncalc_does_not_compute_matter_only_where_used(onnx_file: Any) -> None:
    range_node = helper.make_node("Range", ["zero", "four", "one"], ["r"], name="range")
    inits = [ints("zero", [0]), ints("four", [4]), ints("one", [1])]
    unused = [range_node, helper.make_node("Relu", ["x"], ["y"], name="relu")]
    assert (
        run_cli(["import", str(onnx_file(model_bytes(unused, [1, 1, 2, 2], inits)))]).exit_code == 0
    )
    used = [range_node, helper.make_node("Reshape", ["x", "r"], ["y"], name="reshape")]
    result = run_cli(["import", str(onnx_file(model_bytes(used, [1, 1, 2, 2], inits)))])
    assert result.exit_code == 2
    assert (
        "Reshape ×1 (first: node 'reshape': input 2 comes from node 'range' (Range)"
        in result.stderr
    )


def test_a_1d_conv_after_an_unequal_zero_pad_and_a_same_lower_3d_pool(onnx_file: Any) -> None:
    # A Pad of 1 before and 2 after on the length of C×L stays a pad layer; the conv
    # after it pads nothing: L = 10 + 1 + 2 − 3 + 1 = 11, params 4·2·3 = 24, MACs
    # 11·4·(2·3) = 264.
    nodes = [
        helper.make_node("Pad", ["x", "pads"], ["p"]),
        helper.make_node("Conv", ["p", "w"], ["y"]),
    ]
    inits = [ints("pads", [0, 0, 1, 0, 0, 2]), weight("w", 4, 2, 3)]
    text, analysis = imported(onnx_file(model_bytes(nodes, [1, 2, 10], inits)))
    assert "type: pad, padding: [1, 2]" in text
    conv = row(analysis, "conv")
    assert (conv.output, conv.params, conv.macs) == ((4, 11), 24, 264)
    # SAME_LOWER, kernel 2, stride 1 on 5×5×5: one extra before on each axis, so a pad
    # layer [1, 0, 1, 0, 1, 0], then a pool of size 2 and stride 1: 5×5×5 again.
    node = helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[2, 2, 2], auto_pad="SAME_LOWER")
    text, analysis = imported(onnx_file(model_bytes([node], [1, 1, 5, 5, 5]), "pool.onnx"))
    assert "type: pad, padding: [1, 0, 1, 0, 1, 0]" in text
    assert row(analysis, "pool").output == (1, 5, 5, 5)


def test_a_dynamic_input_needs_its_size(onnx_file: Any) -> None:
    node = helper.make_node("Conv", ["x", "w"], ["y"])
    path = onnx_file(model_bytes([node], ["N", 3, "H", "W"], [weight("w", 2, 3, 3, 3)]))
    result = run_cli(["import", str(path)])
    assert result.exit_code == 2
    assert "has shape ?×3×?×?: give its size with --input C,H,W" in result.stderr
    result = run_cli(["import", str(path), "--input", "3,10,10"])
    assert result.exit_code == 0 and "input: [3, 10, 10]" in result.stdout
    shown = run_cli(["show", str(path), "--input", "3,10,10", "--format", "json"])
    assert shown.exit_code == 0 and '"params": 54' in shown.stdout  # 2·3·3·3, no bias


def test_show_of_the_model_is_show_of_the_written_file(onnx_file: Any) -> None:
    node = helper.make_node("Conv", ["x", "w", "b"], ["y"], pads=[1, 1, 1, 1], name="conv")
    path = onnx_file(model_bytes([node], [1, 3, 16, 16], [weight("w", 8, 3, 3, 3), weight("b", 8)]))
    imported(path)
    direct = run_cli(["show", str(path), "--format", "csv"])
    written = run_cli(["show", str(path.with_suffix(".yaml")), "--format", "csv"])
    assert direct.exit_code == written.exit_code == 0
    assert direct.stdout == written.stdout


def test_odd_node_names_are_quoted_and_made_unique(onnx_file: Any) -> None:
    nodes = [
        helper.make_node("Relu", ["x"], ["a"], name="input"),
        helper.make_node("Relu", ["a"], ["b"], name="yes"),
        helper.make_node("Relu", ["b"], ["c"], name="yes"),
        helper.make_node("Relu", ["c"], ["y"], name="a: b\n# c"),
    ]
    text, analysis = imported(onnx_file(model_bytes(nodes, [1, 2, 2, 2])))
    assert [r.name for r in analysis.layers] == ["input_", "yes", "yes_2", "a: b\n# c"]
    assert len(text.splitlines()) == 5 + 4


# --- hostile model files --------------------------------------------------------------------


def _valid() -> bytes:
    node = helper.make_node("Conv", ["x", "w"], ["y"], name="conv")
    return model_bytes([node], [1, 3, 8, 8], [weight("w", 64, 3, 3, 3)])


def _lying_tensor() -> Any:
    """An initializer that claims a million values and holds two."""
    tensor = TensorProto(name="t", data_type=TensorProto.INT64, dims=[10**6])
    tensor.int64_data.extend([1, 2])
    return tensor


def _cycle() -> bytes:
    nodes = [
        helper.make_node("Add", ["x", "b"], ["a"], name="first"),
        helper.make_node("Relu", ["a"], ["b"], name="second"),
    ]
    return model_bytes(nodes, [1, 1, 2, 2])


HOSTILE = [
    ("empty", b"", "the file is empty"),
    ("text", b"name: not a model\nlayers: []\n", "not an ONNX model"),
    ("truncated", _valid()[: len(_valid()) // 2], "truncated"),
    ("bad varint", b"\x3a\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", "bad protobuf data"),
    ("cycle", _cycle(), "the graph has a cycle through node 'first' (Add)"),
    (
        "missing input",
        model_bytes([helper.make_node("Relu", ["nowhere"], ["y"], name="r")], [1, 1, 2, 2]),
        "node 'r' (Relu) reads 'nowhere', which no node, input or initializer",
    ),
    (
        "two inputs",
        model_bytes(
            [helper.make_node("Add", ["x", "z"], ["y"])],
            [],
            inputs=[
                helper.make_tensor_value_info("x", FLOAT, [1, 1, 2, 2]),
                helper.make_tensor_value_info("z", FLOAT, [1, 1, 2, 2]),
            ],
        ),
        "the model has 2 data inputs ('x', 'z')",
    ),
    (
        "six axes",
        model_bytes([helper.make_node("Relu", ["x"], ["y"])], [1, 1, 2, 2, 2, 2]),
        "has 6 axes",
    ),
    (
        "absurd constant",
        model_bytes(
            [
                helper.make_node("ConstantOfShape", ["huge"], ["k"], name="fill"),
                helper.make_node("Reshape", ["x", "k"], ["y"], name="r"),
            ],
            [1, 1, 2, 2],
            [ints("huge", [10**6, 10**6, 10**6])],
        ),
        "node 'fill' (ConstantOfShape): cannot compute this constant",
    ),
    (
        "absurd initializer",
        model_bytes(
            [helper.make_node("Reshape", ["x", "t"], ["y"], name="r")],
            [1, 1, 2, 2],
            [_lying_tensor()],
        ),
        "constant 't' is malformed",
    ),
    (
        "negative dims",
        model_bytes(
            [helper.make_node("Conv", ["x", "w"], ["y"], name="c")],
            [1, 3, 8, 8],
            [TensorProto(name="w", data_type=FLOAT, dims=[-1, 3, 3, 3])],
        ),
        "initializer 'w' has dims (-1, 3, 3, 3)",
    ),
    (
        "mismatched weight",
        model_bytes(
            [helper.make_node("Conv", ["x", "w"], ["y"], name="c")],
            [1, 3, 8, 8],
            [weight("w", 2, 5, 3, 3)],
        ),
        "node 'c' (Conv): its weight reads 5×1 channels, its input has 3",
    ),
    (
        "kernel larger than input",
        model_bytes(
            [helper.make_node("Conv", ["x", "w"], ["y"], name="c")],
            [1, 1, 2, 2],
            [weight("w", 1, 1, 3, 3)],
        ),
        "node 'c' (Conv): as a conv layer:",
    ),
    (
        "split sizes that do not add up",
        model_bytes(
            [helper.make_node("Split", ["x", "sizes"], ["a", "b"], name="s", axis=1)],
            [1, 4, 2, 2],
            [ints("sizes", [1, 2])],
        ),
        "node 's' (Split): parts of [1, 2] channels for 2 outputs of 4",
    ),
    (
        "an empty slice",
        model_bytes(
            [helper.make_node("Slice", ["x", "start", "end", "axis"], ["y"], name="s")],
            [1, 4, 6, 6],
            [ints("start", [5]), ints("end", [2]), ints("axis", [2])],
        ),
        "node 's' (Slice): it slices nothing of axis 2 (5 to 2 of 6)",
    ),
    (
        "groups that do not divide the channels",
        model_bytes(
            [
                helper.make_node(
                    "GroupNormalization", ["x", "g", "b"], ["y"], name="gn", num_groups=3
                )
            ],
            [1, 4, 2, 2],
            [weight("g", 4), weight("b", 4)],
            opset=21,
        ),
        "node 'gn' (GroupNormalization): as a groupnorm layer: groups must divide",
    ),
]


@pytest.mark.parametrize(("title", "data", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_model_file_is_one_error_line(
    onnx_file: Any, title: str, data: bytes, message: str
) -> None:
    path = onnx_file(data)
    out = path.with_suffix(".yaml")
    for args in (["import", str(path), "-o", str(out)], ["show", str(path)]):
        result = run_cli(args)
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith(f"error: {path}: ") and result.stderr.count("\n") == 1
        assert message in result.stderr
    assert not out.exists()


def test_absurd_sizes_are_counted_exactly(onnx_file: Any) -> None:
    # A 2^40 × 2^40 input and 2^50 filters of 1×1×1: params 2^50 + 2^50 (bias), MACs
    # 2^40 · 2^40 · 2^50 = 2^130, exact integers rather than an overflow or a hang.
    node = helper.make_node("Conv", ["x", "w", "b"], ["y"], name="c")
    weights = [
        TensorProto(name="w", data_type=FLOAT, dims=[2**50, 1, 1, 1]),
        TensorProto(name="b", data_type=FLOAT, dims=[2**50]),
    ]
    _, analysis = imported(onnx_file(model_bytes([node], [1, 1, 2**40, 2**40], weights)))
    assert (analysis.totals.params, analysis.totals.macs) == (2**51, 2**130)


def test_mutated_model_files_give_a_result_or_one_error_line(onnx_file: Any) -> None:
    # Random bytes changed in a valid model (fixed seed): attributes of the wrong type,
    # names with line breaks or invalid UTF-8, broken lengths. run_cli lets any exception
    # through, so a traceback fails this test.
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv", pads=[1, 1, 1, 1]),
        helper.make_node("Clip", ["c", "lo", "hi"], ["r"], name="relu6"),
        helper.make_node("MaxPool", ["r"], ["p"], name="pool", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "w2"], ["y"], name="fc", transB=1),
    ]
    inits = [
        weight("w", 4, 3, 3, 3),
        weight("b", 4),
        helper.make_tensor("lo", FLOAT, [], [0.0]),
        helper.make_tensor("hi", FLOAT, [], [6.0]),
        weight("w2", 2, 64),
    ]
    data = model_bytes(nodes, [1, 3, 8, 8], inits)
    rng = random.Random(17)
    outcomes = set()
    for _ in range(300):
        mutated = bytearray(data)
        for _ in range(rng.randint(1, 3)):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        result = run_cli(["import", str(onnx_file(bytes(mutated)))])
        assert result.exit_code in (0, 2)
        if result.exit_code == 2:
            assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
        outcomes.add(result.exit_code)
    assert outcomes == {0, 2}


def test_external_weights_are_never_opened(onnx_file: Any) -> None:
    # The weight lives in a file that does not exist: only its shape, in the model, is read.
    w = TensorProto(name="w", data_type=FLOAT, dims=[5, 3, 3, 3])
    w.data_location = TensorProto.EXTERNAL
    entry = w.external_data.add()
    entry.key, entry.value = "location", "weights-that-are-not-there.bin"
    node = helper.make_node("Conv", ["x", "w"], ["y"], name="conv")
    _, analysis = imported(onnx_file(model_bytes([node], [1, 3, 6, 6], [w])))
    assert analysis.totals.params == 5 * 3 * 3 * 3


def test_the_output_never_replaces_the_model(onnx_file: Any) -> None:
    path = onnx_file(_valid())
    result = run_cli(["import", str(path), "-o", str(path)])
    assert (result.exit_code, result.stderr) == (
        2,
        f"error: {path}:1:1: this is an input of the command; "
        "write the architecture file to another file\n",
    )
    assert path.read_bytes() == _valid()


def test_a_missing_file_and_a_directory(tmp_path: Path) -> None:
    (tmp_path / "folder.onnx").mkdir()
    cases = {
        tmp_path / "none.onnx": "no such file",
        tmp_path / "folder.onnx": "is a directory, not an ONNX model",
    }
    for path, message in cases.items():
        result = run_cli(["import", str(path)])
        assert (result.exit_code, result.stderr) == (2, f"error: {path}: {message}\n")


def test_model_files_have_their_own_size_bound(
    onnx_file: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _valid()
    path = onnx_file(data)
    monkeypatch.setenv("CNNCALC_MAX_MODEL_BYTES", str(len(data) - 1))
    result = run_cli(["import", str(path)])
    assert result.exit_code == 2
    assert f"larger than {len(data) - 1:,} bytes (CNNCALC_MAX_MODEL_BYTES)" in result.stderr
    monkeypatch.setenv("CNNCALC_MAX_MODEL_BYTES", str(len(data)))
    assert run_cli(["import", str(path)]).exit_code == 0
    # The YAML bound does not apply to model files: this one is larger than it.
    monkeypatch.setenv("CNNCALC_MAX_FILE_BYTES", "100")
    assert run_cli(["import", str(path)]).exit_code == 0
    for bad in ("0", "-5", "lots", "9" * 30):
        monkeypatch.setenv("CNNCALC_MAX_MODEL_BYTES", bad)
        result = run_cli(["import", str(path)])
        assert result.exit_code == 2
        assert result.stderr.startswith("error: $CNNCALC_MAX_MODEL_BYTES: must be a positive")


def test_without_onnx_one_line_names_the_install_command(
    onnx_file: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = onnx_file(_valid())
    monkeypatch.setitem(sys.modules, "onnx", None)  # `import onnx` now raises ImportError
    for args in (["import", str(path)], ["show", str(path)]):
        result = run_cli(args)
        assert result.exit_code == 2
        assert result.stderr == (
            "error: onnx: reading ONNX models needs the onnx package: pip install 'cnncalc[onnx]'\n"
        )


def test_onnx_is_imported_only_by_the_importer() -> None:
    code = "import sys; from cnncalc.cli import cli; import cnncalc.figures.analysis; print('onnx' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# --- bundled networks rebuilt by the oracle, exported by torch ---------------------------
# (torchvision's own models round-trip in tests/test_onnx_torchvision.py)


def torch_network(name: str, native_padding: bool = True) -> Any:
    """The bundled architecture as one torch module: the oracle's translation of each
    layer (tests/test_torch_oracle.py), run in file order.

    The oracle pads a conv with a ZeroPad2d of its own; with ``native_padding`` a
    symmetric one goes into the Conv2d instead, as torchvision writes it. (Exported,
    ZeroPad2d is a chain of shape arithmetic ahead of a Pad, after which torch's exporter
    no longer knows the tensor's size, and cannot export AlexNet's adaptive pool.)
    """
    torch = pytest.importorskip("torch")
    import test_torch_oracle as oracle
    from torch import nn

    arch = catalog.load(name)

    def native(module: Any) -> Any:
        if not (
            native_padding
            and isinstance(module, nn.Sequential)
            and len(module) == 2
            and isinstance(module[0], nn.ZeroPad2d)
            and isinstance(module[1], nn.Conv2d)
        ):
            return module
        left, right, top, bottom = module[0].padding
        conv = module[1]
        assert (left, top) == (right, bottom), "an unequal ZeroPad2d is not in these networks"
        return nn.Conv2d(
            conv.in_channels,
            conv.out_channels,
            conv.kernel_size,
            conv.stride,
            (top, left),
            conv.dilation,
            conv.groups,
            conv.bias is not None,
        )

    def merge(type_name: str, inputs: list[Any]) -> Any:
        if type_name == "concat":
            return torch.cat(inputs, dim=1)
        total = inputs[0]
        for other in inputs[1:]:
            total = total + other
        return total

    class Network(nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.steps = nn.ModuleList()
            # Built on the meta device (shapes, no arithmetic), then given uninitialised
            # memory: an export needs the weights' shapes, not their values.
            with torch.no_grad(), torch.device("meta"):
                tensors = {"input": torch.zeros(1, *arch.input)}
                for layer in arch.layers:
                    inputs = [tensors[n] for n in layer.inputs]
                    if layer.type_name in ("add", "concat"):
                        module = nn.Identity()
                        tensors[layer.name] = merge(layer.type_name, inputs)
                    else:
                        settings = oracle.settings_of(layer.kind)
                        module = native(
                            oracle.TRANSLATE[layer.type_name](settings, inputs[0]).module
                        )
                        tensors[layer.name] = module(inputs[0])
                    self.steps.append(module)

        def forward(self, x: Any) -> Any:
            tensors = {"input": x}
            for layer, module in zip(arch.layers, self.steps, strict=True):
                inputs = [tensors[n] for n in layer.inputs]
                if layer.type_name in ("add", "concat"):
                    tensors[layer.name] = merge(layer.type_name, inputs)
                else:
                    tensors[layer.name] = module(inputs[0])
            return tensors[arch.layers[-1].name]

    return Network().to_empty(device="cpu")


def export(network: Any, name: str, path: Path, training: bool = True) -> None:
    import torch

    mode = torch.onnx.TrainingMode.TRAINING if training else torch.onnx.TrainingMode.EVAL
    network.train(training)
    shape = catalog.load(name).input
    # dynamo=False: the TorchScript exporter, which keeps BatchNormalization nodes in
    # training mode (and needs no onnxscript).
    torch.onnx.export(network, torch.zeros(1, *shape), str(path), dynamo=False, training=mode)


@pytest.mark.filterwarnings("ignore")
def test_padding_as_shape_arithmetic_and_pad_nodes_gives_the_same_figures(tmp_path: Path) -> None:
    # The oracle's own ZeroPad2d, exported: Shape, Gather, Sub, ConstantOfShape, Concat,
    # Reshape, Slice, Transpose, Cast, then Pad, ahead of every conv.
    network = torch_network("squeezenet1_0", native_padding=False)
    path = tmp_path / "squeezenet1_0.onnx"
    export(network, "squeezenet1_0", path)
    model = onnx.load(str(path))
    assert {"ConstantOfShape", "Slice", "Pad"} <= {n.op_type for n in model.graph.node}
    text, analysis = imported(path)
    bundled = analyse(catalog.load("squeezenet1_0"))
    assert (analysis.totals.params, analysis.totals.macs) == (
        bundled.totals.params,
        bundled.totals.macs,
    )
    # Each zero Pad went back into its conv: layer for layer, the bundled network.
    assert "type: pad" not in text
    ours = [(r.type, r.output) for r in analysis.layers]
    assert ours == [(r.type, r.output) for r in bundled.layers]


@pytest.mark.filterwarnings("ignore")
def test_an_eval_mode_export_folds_batch_norms_into_the_convs(tmp_path: Path) -> None:
    # docs/importing.md: each batch norm after a bias-free conv becomes that conv's bias,
    # so the import has C parameters per norm where the network trains 2·C, plus its
    # 2·C running statistics gone; the MACs do not change.
    network = torch_network("resnet18")
    path = tmp_path / "resnet18.onnx"
    export(network, "resnet18", path, training=False)
    text, analysis = imported(path)
    from torch import nn

    norms = [m for m in network.modules() if isinstance(m, nn.BatchNorm2d)]
    assert "batchnorm" not in text
    trained = sum(p.numel() for p in network.parameters())
    assert analysis.totals.params == trained - sum(m.num_features for m in norms)
    assert analysis.totals.non_trainable == 0
    assert analysis.totals.macs == analyse(catalog.load("resnet18")).totals.macs


@pytest.mark.filterwarnings("ignore")
def test_import_memory_stays_below_the_model_file(tmp_path: Path) -> None:
    # ResNet-18 exported with its weights is about 46 MB; the import reads its graph and
    # the weights' shapes, not their values.
    path = tmp_path / "resnet18.onnx"
    export(torch_network("resnet18"), "resnet18", path)
    size = path.stat().st_size
    assert size > 40 * 2**20
    script = textwrap.dedent(
        """
        import resource, sys
        import onnx, numpy, cnncalc.reading.onnx
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        cnncalc.reading.onnx.import_model(sys.argv[1])
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print((after - before) * 1024)  # ru_maxrss is in KiB on Linux
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
    )
    growth = int(result.stdout)
    assert growth < size, (
        f"the import grew the process by {growth:,} bytes for a {size:,}-byte file"
    )


# --- 1-D and 3-D windows, exported by torch -----------------------------------------------


def _counted_by_torch(network: Any, shape: tuple[int, ...], path: Path) -> dict[str, Any]:
    """Export ``network`` (training mode: its batch norms stay nodes) and count it with
    torch: parameters, running statistics, MACs (the flop counter's conv, transposed
    conv and matrix-product FLOPs halved, as docs/figures.md counts), each module's
    output shape in order."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    network.train(True)
    shapes: list[tuple[int, ...]] = []
    hooks = [
        module.register_forward_hook(
            lambda m, i, out: shapes.append(tuple(int(d) for d in out.shape[1:]))
        )
        for module in network
    ]
    counter = FlopCounterMode(display=False)
    with torch.no_grad(), counter:
        network(torch.zeros(1, *shape))
    for hook in hooks:
        hook.remove()
    torch.onnx.export(
        network,
        torch.zeros(1, *shape),
        str(path),
        dynamo=False,
        training=torch.onnx.TrainingMode.TRAINING,
    )
    statistics = sum(
        b.numel() for n, b in network.named_buffers() if n.endswith(("running_mean", "running_var"))
    )
    return {
        "params": sum(p.numel() for p in network.parameters()),
        "non_trainable": statistics,
        "macs": counter.get_total_flops() // 2,
        "shapes": shapes,
    }


def _windows_of_rank(rank: int) -> tuple[Any, tuple[int, ...]]:
    torch = pytest.importorskip("torch")
    from torch import nn

    d = rank
    conv, norm = getattr(nn, f"Conv{d}d"), getattr(nn, f"BatchNorm{d}d")
    max_pool, avg_pool = getattr(nn, f"MaxPool{d}d"), getattr(nn, f"AvgPool{d}d")
    transpose, adaptive = getattr(nn, f"ConvTranspose{d}d"), getattr(nn, f"AdaptiveAvgPool{d}d")
    torch.manual_seed(0)
    shape = {1: (4, 50), 3: (3, 8, 16, 16)}[rank]
    channels = shape[0]
    network = nn.Sequential(
        conv(channels, 8, 3, stride=(1, 2, 2)[-rank:], padding=1),
        norm(8),
        nn.ReLU(),
        max_pool(3, stride=2, padding=1),
        avg_pool(2),
        transpose(8, 6, 4, stride=2, padding=1, bias=False),
        conv(6, 6, 3, groups=3, dilation=2, padding=2),
        adaptive(1),
    )
    return network, shape


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("rank", [1, 3])
def test_1d_and_3d_windows_import_to_torchs_figures(rank: int, tmp_path: Path) -> None:
    network, shape = _windows_of_rank(rank)
    path = tmp_path / f"windows{rank}d.onnx"
    counted = _counted_by_torch(network, shape, path)
    text, analysis = imported(path)
    types = ["conv", "batchnorm", "activation", "pool", "pool", "conv_transpose", "conv"]
    assert [r.type for r in analysis.layers] == [*types, "global_pool"]
    assert ("stride: [1, 2, 2]" in text) == (rank == 3)
    assert [r.output for r in analysis.layers] == counted["shapes"]
    assert analysis.totals.params == counted["params"]
    assert analysis.totals.non_trainable == counted["non_trainable"]
    assert analysis.totals.macs == counted["macs"]
    # The first conv by hand: filters 8, kernel 3 over each spatial axis, channels
    # C; params 8·(C·3^rank + 1), MACs output units · C·3^rank.
    first = analysis.layers[0]
    taps = shape[0] * 3**rank
    assert first.params == 8 * (taps + 1)
    assert first.macs == math.prod(first.output) * taps


# --- Mul and PRelu, exported by torch ------------------------------------------------------


def _run_and_import(
    network: Any, shape: tuple[int, ...], path: Path, opset: int | None = None
) -> tuple[Any, int, str, Analysis]:
    """Run ``network`` on one sample under torch's flop counter, export it (eval mode,
    ``opset`` or the exporter's default) and import it: torch's output and MACs (FLOPs
    halved), the written file and its analysis."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    example = torch.zeros(1, *shape)
    counter = FlopCounterMode(display=False)
    with torch.no_grad(), counter:
        out = network(example)
    torch.onnx.export(network, example, str(path), dynamo=False, opset_version=opset)
    text, analysis = imported(path)
    return out, counter.get_total_flops() // 2, text, analysis


@pytest.mark.filterwarnings("ignore")
def test_a_squeeze_excitation_gate_and_prelus_import_to_torchs_figures(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    from torch import nn

    class Block(nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(8, 8, 3, padding=1)
            self.act = nn.PReLU(8)
            self.pool = nn.AdaptiveAvgPool2d(1)
            self.reduce = nn.Conv2d(8, 2, 1)
            self.shared = nn.PReLU()
            self.expand = nn.Conv2d(2, 8, 1)

        def forward(self, x: Any) -> Any:
            y = self.act(self.conv(x))
            gate = torch.sigmoid(self.expand(self.shared(self.reduce(self.pool(y)))))
            z = y * gate  # C×1×1 times C×H×W
            return z * torch.sigmoid(z)  # SiLU written out

    torch.manual_seed(0)
    network = Block()
    out, macs, text, analysis = _run_and_import(network, (8, 12, 12), tmp_path / "se.onnx")
    assert "type: prelu, num_parameters: 8" in text
    assert "type: prelu}" in text
    products = [r for r in analysis.layers if r.type == "multiply"]
    # The gate: 8×12×12 times 8×1×1 broadcasts to 8×12×12; z · sigmoid(z) is one SiLU.
    assert [r.output for r in products] == [(8, 12, 12)]
    assert "fn: silu" in text and text.count("fn: sigmoid") == 1  # the gate's
    assert analysis.layers[-1].output == tuple(out.shape[1:])
    assert analysis.totals.params == sum(p.numel() for p in network.parameters())
    assert analysis.totals.macs == macs
    # By hand: conv 8·(8·9 + 1) = 584, slopes 8 + 1, 1×1 convs 2·(8 + 1) + 8·(2 + 1).
    assert analysis.totals.params == 584 + 9 + 18 + 24


def test_mul_by_a_constant_and_prelu_slopes_of_other_shapes_are_unsupported(
    onnx_file: Any,
) -> None:
    scale = helper.make_node("Mul", ["x", "k"], ["y"], name="scale")
    path = onnx_file(model_bytes([scale], [1, 2, 4, 4], [weight("k", 1)]))
    result = run_cli(["import", str(path)])
    assert result.exit_code == 2
    assert "Mul ×1 (first: node 'scale': it multiplies the network's data by a constant" in (
        result.stderr
    )
    odd = helper.make_node("PRelu", ["x", "a"], ["y"], name="odd")
    path = onnx_file(model_bytes([odd], [1, 2, 4, 4], [weight("a", 2, 4, 1)]), "odd.onnx")
    result = run_cli(["import", str(path)])
    assert result.exit_code == 2
    assert "PRelu ×1 (first: node 'odd': slopes of shape (2, 4, 1)" in result.stderr


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("affine", [False, True])
def test_instance_norms_import_to_torchs_parameters(affine: bool, tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    from torch import nn

    network = nn.Sequential(nn.Conv2d(3, 4, 3), nn.InstanceNorm2d(4, affine=affine))
    path = tmp_path / "instance.onnx"
    torch.onnx.export(network, torch.zeros(1, 3, 8, 8), str(path), dynamo=False)
    text, analysis = imported(path)
    assert ("affine: true" in text) == affine
    norm = row(analysis, "instancenorm")
    # By hand: a scale and a shift per channel when affine, none otherwise.
    assert (norm.output, norm.params) == ((4, 6, 6), 2 * 4 if affine else 0)
    assert analysis.totals.params == sum(p.numel() for p in network.parameters())


# --- layers written as several nodes, and the operators of today's networks ------------


def test_split_of_the_channels_and_its_parts(onnx_file: Any) -> None:
    # Split into 2 and 4 channels (sizes as an input, opset 13+); a 1×1 conv of 3
    # filters reads part 1, a relu part 0, and a concat joins them.
    nodes = [
        helper.make_node("Split", ["x", "sizes"], ["a", "b"], name="split", axis=1),
        helper.make_node("Relu", ["a"], ["r"], name="relu"),
        helper.make_node("Conv", ["b", "w"], ["c"], name="conv"),
        helper.make_node("Concat", ["r", "c"], ["y"], name="cat", axis=1),
    ]
    inits = [ints("sizes", [2, 4]), weight("w", 3, 4, 1, 1)]
    text, analysis = imported(onnx_file(model_bytes(nodes, [1, 6, 5, 5], inits)))
    assert "{name: split, type: split, sizes: [2, 4]}" in text
    assert "{name: relu, type: activation, input: split.0, fn: relu}" in text
    assert "{name: conv, type: conv, input: split.1, filters: 3, kernel: 1, bias: false}" in text
    conv = row(analysis, "conv")
    # 3·4 = 12 params; 5·5·3·4 = 300 MACs; the concat has 2 + 3 channels.
    assert (conv.params, conv.macs, analysis.layers[-1].output) == (12, 300, (5, 5, 5))
    # opset 18: equal parts from num_outputs.
    node = helper.make_node("Split", ["x"], ["a", "b", "c"], name="thirds", axis=1, num_outputs=3)
    text, _ = imported(onnx_file(model_bytes([node], [1, 6, 2, 2], opset=18), "thirds.onnx"))
    assert "{name: thirds, type: split, parts: 3}" in text


def test_resize_of_1d_and_3d_tensors(onnx_file: Any) -> None:
    node = helper.make_node("Resize", ["x", "", "scales"], ["y"], name="up", mode="linear")
    scales = helper.make_tensor("scales", FLOAT, [3], [1, 1, 3])
    text, analysis = imported(onnx_file(model_bytes([node], [1, 2, 7], [scales])))
    assert "{name: up, type: upsample, mode: bilinear, scale: 3}" in text
    assert analysis.layers[0].output == (2, 21)  # 7·3
    node = helper.make_node("Resize", ["x", "", "", "sizes"], ["y"], name="up3", mode="nearest")
    sizes = ints("sizes", [1, 2, 4, 6, 9])
    text, analysis = imported(onnx_file(model_bytes([node], [1, 2, 2, 3, 3], [sizes]), "v.onnx"))
    assert "{name: up3, type: upsample, size: [4, 6, 9]}" in text
    assert analysis.layers[0].output == (2, 4, 6, 9)


def test_group_normalization_of_opset_21_and_18(onnx_file: Any) -> None:
    def graph(scales: int, opset: int) -> bytes:
        node = helper.make_node(
            "GroupNormalization", ["x", "s", "b"], ["y"], name="gn", num_groups=2
        )
        return model_bytes(
            [node], [1, 6, 4, 4], [weight("s", scales), weight("b", scales)], opset=opset
        )

    text, analysis = imported(onnx_file(graph(6, 21)))
    assert "{name: gn, type: groupnorm, groups: 2}" in text
    assert row(analysis, "groupnorm").params == 2 * 6  # a scale and a shift per channel
    # Opset 18's scale per group has no cnncalc form: torch's GroupNorm has none either.
    result = run_cli(["import", str(onnx_file(graph(2, 18), "g18.onnx"))])
    assert result.exit_code == 2
    assert "GroupNormalization ×1 (first: node 'gn': 2 scales for 6 channels" in result.stderr


def test_a_view_read_by_another_operator_is_unsupported(onnx_file: Any) -> None:
    # A conv of a channels-last tensor would read W as its channels: refused.
    nodes = [
        helper.make_node("Transpose", ["x"], ["t"], name="to_last", perm=[0, 2, 3, 1]),
        helper.make_node("Conv", ["t", "w"], ["y"], name="conv"),
    ]
    path = onnx_file(model_bytes(nodes, [1, 3, 5, 5], [weight("w", 2, 5, 1, 1)]))
    result = run_cli(["import", str(path)])
    assert result.exit_code == 2
    assert "Conv ×1 (first: node 'conv': it reads a channels-last view of a tensor" in (
        result.stderr
    )
    # A per-channel factor that is a computed constant, not a learned weight; and
    # channel slices that cut across the parts of the first one.
    factor = helper.make_node("Constant", [], ["k"], value=weight("kv", 3, 1, 1))
    nodes = [factor, helper.make_node("Mul", ["x", "k"], ["y"], name="times")]
    result = run_cli(["import", str(onnx_file(model_bytes(nodes, [1, 3, 5, 5]), "k.onnx"))])
    assert "Mul ×1 (first: node 'times': it multiplies the network's data by a constant " in (
        result.stderr
    )
    nodes = [
        helper.make_node("Slice", ["x", "s0", "e0", "axis"], ["a"], name="first"),
        helper.make_node("Slice", ["x", "s1", "e1", "axis"], ["b"], name="across"),
        helper.make_node("Add", ["a", "b"], ["y"], name="sum"),
    ]
    for second, third in ((1, 3), (2, 3)):
        inits = [ints("s0", [0]), ints("e0", [2]), ints("s1", [second]), ints("e1", [third])]
        inits.append(ints("axis", [1]))
        path = onnx_file(model_bytes(nodes, [1, 4, 2, 2], inits), "s.onnx")
        result = run_cli(["import", str(path)])
        message = f"channels {second} to {third} are not one part of the split made before"
        assert f"Slice ×1 (first: node 'across': {message}" in result.stderr


@pytest.mark.filterwarnings("ignore")
def test_shuffles_chunks_crops_norms_and_layer_scale_import_to_torchs_figures(
    tmp_path: Path,
) -> None:
    torch = pytest.importorskip("torch")
    from torch import nn

    class Block(nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(3, 8, 3, padding=1)
            self.group = nn.GroupNorm(4, 8)
            self.plain_group = nn.GroupNorm(2, 4, affine=False)
            self.branch = nn.Conv2d(4, 4, 1)
            self.shuffle = nn.ChannelShuffle(2)
            self.sample = nn.LayerNorm([8, 6, 8])
            self.gamma = nn.Parameter(torch.ones(8, 1, 1))
            self.head = nn.Linear(8, 5)

        def forward(self, x: Any) -> Any:
            y = self.group(self.conv(x))
            left, right = y.chunk(2, dim=1)
            y = torch.cat([left, self.branch(self.plain_group(right))], dim=1)
            # ShuffleNetV2's shuffle, written out as torchvision writes it.
            n, c, h, w = y.shape
            y = y.view(n, 2, c // 2, h, w).transpose(1, 2).contiguous().view(n, -1, h, w)
            y = y[:, :, 1:-1, :]  # a crop of one row at the top and one at the bottom
            y = self.gamma * self.sample(y)
            return self.head(y.mean([2, 3]))

    torch.manual_seed(0)
    network = Block()
    out, macs, text, analysis = _run_and_import(network, (3, 8, 8), tmp_path / "b.onnx", 17)
    kinds = [r.type for r in analysis.layers]
    assert kinds == [
        "conv", "groupnorm", "split", "groupnorm", "conv", "concat", "channel_shuffle",
        "crop", "layernorm", "scale", "global_pool", "flatten", "dense",
    ]  # fmt: skip
    assert "type: groupnorm, groups: 4}" in text
    assert "type: groupnorm, input: Slice.1, groups: 2, affine: false}" in text
    assert "type: channel_shuffle, groups: 2}" in text
    assert "type: crop, amount: [[1, 1], [0, 0]]}" in text
    assert "type: layernorm, over: sample}" in text
    assert analysis.layers[-1].output == tuple(out.shape[1:])
    assert analysis.totals.params == sum(p.numel() for p in network.parameters())
    assert analysis.totals.macs == macs
    # By hand: conv 8·(27 + 1) = 224; group norm 2·8; 1×1 conv 4·(4 + 1) = 20; the layer
    # norm over 8×6×8 values 2·384 = 768; layer scale 8; linear 5·(8 + 1) = 45.
    assert analysis.totals.params == 224 + 16 + 20 + 768 + 8 + 45


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("opset", [17, 20])
def test_a_convnext_block_and_gelu_written_out_import_to_torchs_figures(
    opset: int, tmp_path: Path
) -> None:
    # ConvNeXt's block as torchvision writes it: its layer norm and Linear layers on a
    # channels-last map. Before opset 20 torch writes each GELU as Div, Erf, Add, Mul, Mul.
    torch = pytest.importorskip("torch")
    from torch import nn

    class Block(nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.depthwise = nn.Conv2d(8, 8, 7, padding=3, groups=8)
            self.norm = nn.LayerNorm(8)
            self.expand = nn.Linear(8, 32)
            self.reduce = nn.Linear(32, 8)
            self.gamma = nn.Parameter(torch.full((8, 1, 1), 1e-6))

        def forward(self, x: Any) -> Any:
            y = self.depthwise(x).permute(0, 2, 3, 1)
            y = self.reduce(nn.functional.gelu(self.expand(self.norm(y))))
            return nn.functional.gelu(x + self.gamma * y.permute(0, 3, 1, 2))

    network = Block()
    path = tmp_path / "block.onnx"
    out, macs, text, analysis = _run_and_import(network, (8, 5, 5), path, opset)
    assert ("Erf" in {n.op_type for n in onnx.load(str(path)).graph.node}) == (opset < 20)
    kinds = [r.type for r in analysis.layers]
    assert kinds == [
        "conv", "layernorm", "conv", "activation", "conv", "scale", "add", "activation"
    ]  # fmt: skip
    assert text.count("fn: gelu") == 2 and "type: layernorm}" in text
    assert "{name: expand, type: conv, filters: 32, kernel: 1}" in text  # its bias added
    assert analysis.layers[-1].output == tuple(out.shape[1:])
    assert analysis.totals.params == sum(p.numel() for p in network.parameters())
    assert analysis.totals.macs == macs
    # By hand: depthwise 8·(49 + 1) = 400; norm 2·8; Linear 32·(8 + 1) = 288 and
    # 8·(32 + 1) = 264; layer scale 8. MACs: 25 positions · (8·49 + 8·32 + 32·8).
    assert analysis.totals.params == 400 + 16 + 288 + 264 + 8
    assert analysis.totals.macs == 25 * (8 * 49 + 8 * 32 + 32 * 8)


def test_layer_norm_of_a_vector_and_a_kept_spatial_max(onnx_file: Any) -> None:
    nodes = [
        helper.make_node("ReduceMax", ["x"], ["m"], name="max", axes=[2, 3], keepdims=1),
        helper.make_node("Flatten", ["m"], ["f"], name="flat"),
        helper.make_node("LayerNormalization", ["f", "g", "b"], ["y"], name="norm"),
    ]
    inits = [weight("g", 6), weight("b", 6)]
    text, analysis = imported(onnx_file(model_bytes(nodes, [1, 6, 4, 4], inits, opset=17)))
    assert "{name: max, type: global_pool, mode: max}" in text
    assert "{name: norm, type: layernorm}" in text
    # A scale and a shift for each of the vector's 6 values.
    assert (row(analysis, "layernorm").output, analysis.totals.params) == ((6,), 12)


def test_a_reshape_of_a_1d_map_to_itself_changes_nothing(onnx_file: Any) -> None:
    # N×C×L to N×C×L has the shape of a group norm's first step with one group per
    # channel; it is no step of anything: the relu reads the input itself.
    nodes = [
        helper.make_node("Reshape", ["x", "same"], ["r"], name="same"),
        helper.make_node("Relu", ["r"], ["y"], name="relu"),
    ]
    _, analysis = imported(onnx_file(model_bytes(nodes, [1, 4, 9], [ints("same", [1, 4, 9])])))
    assert [r.type for r in analysis.layers] == ["activation"]
    assert analysis.layers[0].output == (4, 9)
