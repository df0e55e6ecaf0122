"""Activation and parameter memory, against hand-worked values.

Assumption under test (cnncalc/figures/memory.py): batch 1; each layer writes a new tensor;
while a layer runs, live = every tensor still needed (network input included) + the
output being written; a tensor is freed after its last reader.
"""

from __future__ import annotations

import json

import pytest
from conftest import analyse_layers, run_cli

import cnncalc
from cnncalc.figures.memory import held_while, liveness


def test_lenet5_by_hand() -> None:
    # Units: input 1·32·32 = 1,024; C1 6·28·28 = 4,704; S2 6·14·14 = 1,176;
    # C3 16·10·10 = 1,600; S4 16·5·5 = 400; C5 120; F6 84; OUTPUT 10.
    # Live while each runs (its input + its output; a chain frees the input after):
    # C1 1,024 + 4,704 = 5,728; S2 4,704 + 1,176 = 5,880; C3 1,176 + 1,600 = 2,776;
    # S4 2,000; C5 520; F6 204; OUTPUT 94. Peak 5,880 values, while S2 runs.
    analysis = cnncalc.analyse(cnncalc.bundled("lenet5"))
    live = {row.name: row.live_bytes for row in analysis.layers}
    assert live == {
        "C1": 5_728 * 4,
        "S2": 5_880 * 4,
        "C3": 2_776 * 4,
        "S4": 2_000 * 4,
        "C5": 520 * 4,
        "F6": 204 * 4,
        "OUTPUT": 94 * 4,
    }
    assert analysis.layer("C1").activation_bytes == 4_704 * 4
    assert analysis.totals.peak_activation_bytes == 23_520  # 5,880 × 4 bytes
    assert analysis.peak_layer == "S2"
    # Sum of outputs: 4,704 + 1,176 + 1,600 + 400 + 120 + 84 + 10 = 8,094 values.
    assert analysis.totals.activation_bytes == 8_094 * 4
    # Parameters: 60,000 trainable + 840 fixed RBF (LeNet-5 paper) = 60,840 values.
    assert analysis.totals.param_bytes == 60_840 * 4


@pytest.mark.parametrize(
    ("dtype", "size"), [("float32", 4), ("float16", 2), ("bfloat16", 2), ("int8", 1)]
)
def test_dtypes_scale_every_byte_figure(dtype: str, size: int) -> None:
    analysis = cnncalc.analyse(cnncalc.bundled("lenet5"), dtype=dtype)
    assert analysis.totals.peak_activation_bytes == 5_880 * size  # as above
    assert analysis.totals.param_bytes == 60_840 * size
    assert analysis.dtype == dtype


def residual_block() -> cnncalc.Analysis:
    return analyse_layers(
        (64, 56, 56),
        {"name": "conv_a", "type": "conv", "filters": 64, "kernel": 3, "padding": 1,
         "bias": False},
        {"name": "bn_a", "type": "batchnorm"},
        {"name": "relu_a", "type": "activation", "fn": "relu"},
        {"name": "conv_b", "type": "conv", "filters": 64, "kernel": 3, "padding": 1,
         "bias": False},
        {"name": "bn_b", "type": "batchnorm"},
        {"name": "sum", "type": "add", "inputs": ["bn_b", "input"]},
        {"name": "relu", "type": "activation", "fn": "relu"},
    )  # fmt: skip


def test_residual_block_by_hand() -> None:
    # Every tensor is 64·56·56 = 200,704 values (T). The input x stays live until `sum`.
    # conv_a: x + a = 2T; bn_a: x + a + bn_a = 3T (a freed after); relu_a: x + bn_a + r
    # = 3T; conv_b: x + r + b = 3T; bn_b: x + b + bn_b = 3T; sum: x + bn_b + s = 3T;
    # relu: s + out = 2T. Peak 3T = 602,112 values, first reached while bn_a runs.
    t = 200_704
    analysis = residual_block()
    live = [row.live_bytes for row in analysis.layers]
    assert live == [2 * t * 4, 3 * t * 4, 3 * t * 4, 3 * t * 4, 3 * t * 4, 3 * t * 4, 2 * t * 4]
    assert analysis.totals.peak_activation_bytes == 2_408_448  # 602,112 × 4
    assert analysis.peak_layer == "bn_a"
    # Parameters: 2 convs of 64·64·3·3 = 36,864; 2 batchnorms of 2·64 = 128 trainable and
    # 128 running statistics: 73,984 + 256 = 74,240 values × 4 bytes = 296,960.
    assert analysis.totals.param_bytes == 296_960


def test_liveness_frees_after_the_last_reader() -> None:
    # A diamond: x → a, x → b, c = a + b. Sizes x 10, a 1, b 2, c 4.
    # a: x + a = 11; b: x + a + b = 13 (x freed after b); c: a + b + c = 7.
    result = liveness(
        ["a", "b", "c"],
        {"a": ["x"], "b": ["x"], "c": ["a", "b"]},
        {"x": 10, "a": 1, "b": 2, "c": 4},
        ["x"],
    )
    assert result.live == {"a": 11, "b": 13, "c": 7}
    assert (result.peak, result.peak_layer) == (13, "b")


def test_held_while_names_the_tensors_of_each_sum() -> None:
    # The same diamond: the tensors whose sizes the sums above add, in the order made.
    order, reads = ["a", "b", "c"], {"a": ["x"], "b": ["x"], "c": ["a", "b"]}
    assert [held_while(name, order, reads, ["x"]) for name in order] == [
        ("x", "a"),
        ("x", "a", "b"),
        ("a", "b", "c"),
    ]
    # x (10) → a (1); b = a + a: a is held while b runs, x no longer.
    assert held_while("b", ["a", "b"], {"a": ["x"], "b": ["a", "a"]}, ["x"]) == ("a", "b")


def test_cli_dtype_json_and_caption() -> None:
    result = run_cli(["show", "lenet5", "--dtype", "int8", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["dtype"] == "int8"
    assert document["peak_layer"] == "S2"
    assert document["totals"]["peak_activation_bytes"] == 5_880  # 1 byte per value
    assert document["layers"][0]["activation_bytes"] == 4_704
    table = run_cli(["show", "lenet5", "--dtype", "float16"])
    assert table.exit_code == 0, table.stderr
    assert "peak 11,760 bytes while S2 runs" in " ".join(table.stdout.split())  # 5,880 × 2


@pytest.mark.parametrize("value", ["float64", "fp8", ""])
def test_bad_dtype_is_one_error_line(value: str) -> None:
    result = run_cli(["show", "lenet5", "--dtype", value])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --dtype: ")
    assert "float32, float16, bfloat16, int8" in lines[0]


def test_explain_shows_the_new_figures() -> None:
    # LeNet-5 C3, by hand: field 6 + 1·(5 − 1)·2 = 14 (S2's field 6, jump 2); output
    # 1,600 × 4 = 6,400 bytes; live while it runs: S2 (1,176 × 4 = 4,704) + C3 (6,400);
    # FLOPs 2·150,000 + 1,600 biases = 301,600.
    result = run_cli(["explain", "lenet5", "C3", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    steps = {s["key"]: s for s in json.loads(result.stdout)["layers"][0]["steps"]}
    assert (steps["receptive_field"]["substituted"], steps["receptive_field"]["value"]) == (
        "6 + 1 × (5 − 1) × 2",
        14,
    )
    assert steps["jump"]["value"] == 2
    assert steps["activation_bytes"]["value"] == 6_400
    assert steps["live_bytes"]["substituted"] == "4,704 + 6,400"
    assert steps["flops"]["value"] == 301_600


def test_a_tensor_read_twice_by_one_layer_is_freed_once() -> None:
    # Worked by hand from the rules in cnncalc/figures/memory.py's docstring:
    # x (10) → a (1); b = a + a (4). a: x + a = 11, x freed; b: a + b = 5, a freed once.
    result = liveness(["a", "b"], {"a": ["x"], "b": ["a", "a"]}, {"x": 10, "a": 1, "b": 4}, ["x"])
    assert result.live == {"a": 11, "b": 5}
    assert (result.peak, result.peak_layer) == (11, "a")
    # The same through the analysis, float32: input 4×4×4 = 256 B; a (1×4×4) 64 B;
    # add [a, a] 64 B. a: 256 + 64 = 320; b: 64 + 64 = 128 (the input freed after a).
    rows = analyse_layers(
        [4, 4, 4],
        {"name": "a", "type": "conv", "filters": 1, "kernel": 1},
        {"name": "b", "type": "add", "inputs": ["a", "a"]},
    ).layers
    assert [row.live_bytes for row in rows] == [320, 128]


def test_a_file_listed_out_of_order_runs_in_the_order_of_its_graph() -> None:
    # Worked by hand (docs/receptive-field-and-memory.md, float32 = 4 bytes per value).
    # b is listed first and reads a: a runs first. Input 1×8×8 = 256 B; a: 2 filters
    # of 3×3 → 2×6×6, 2·9 + 2 = 20 params, 288 B; b: relu, 288 B.
    # Live: a runs with the input and its output, 256 + 288 = 544; b with a and b, 576.
    analysis = analyse_layers(
        [1, 8, 8],
        {"name": "b", "type": "activation", "fn": "relu", "input": "a"},
        {"name": "a", "type": "conv", "filters": 2, "kernel": 3, "input": "input"},
    )
    assert [row.name for row in analysis.layers] == ["b", "a"]  # rows stay in file order
    b, a = analysis.layers
    assert (a.params, a.live_bytes, b.live_bytes) == (20, 544, 576)
    assert (analysis.totals.peak_activation_bytes, analysis.peak_layer) == (576, "b")
