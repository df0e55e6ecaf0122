"""`explain`: every step's number is what `show` reports, and its arithmetic holds.

Expected numbers come from the reference values of docs/figures.md (AlexNet paper, LeNet-5
paper) or from hand arithmetic written out in the comments.
"""

from __future__ import annotations

import ast
import inspect
import json
import math
import operator
import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import pytest
from conftest import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from cnncalc.errors import CnncalcError
from cnncalc.figures.analysis import LayerResult, analyse
from cnncalc.figures.explain import explain
from cnncalc.model.layers.steps import OUTPUT_KEYS, Step
from cnncalc.model.layers.terms import NUMBERS, Numbers, Symbols, Term
from cnncalc.model.shapes import same_size, transposed_size, window_size
from cnncalc.names import FIGURE_KEYS
from cnncalc.reading import catalog
from cnncalc.reading.architecture import from_dict

# --- a small exact evaluator for the "with the numbers" column -------------------------

_OPERATORS: dict[type[ast.operator], Callable[[Fraction, Fraction], Fraction]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_FUNCTIONS: dict[str, Callable[..., Fraction]] = {
    "floor": lambda x: Fraction(math.floor(x)),
    "ceil": lambda x: Fraction(math.ceil(x)),
    "max": lambda *xs: max(xs),
}


def evaluate(text: str) -> Fraction:
    """Evaluate a substituted expression exactly: 1,024 × (5 − 1) / 2, floor(...), ..."""
    python = re.sub(r"(?<=\d),(?=\d{3})", "", text).replace("×", "*").replace("−", "-")

    def walk(node: ast.AST) -> Fraction:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return Fraction(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return _FUNCTIONS[node.func.id](*(walk(arg) for arg in node.args))
        raise AssertionError(f"unexpected {ast.dump(node)} in {text!r}")

    return walk(ast.parse(python, mode="eval"))


def test_evaluator_on_hand_examples() -> None:
    assert evaluate("(227 − 11 + 2 × 0) / 4 + 1") == 55
    assert evaluate("floor((224 − 11 + 2 × 0) / 4) + 1") == 54  # 213 / 4 = 53.25
    assert evaluate("290,400 × (11 × 11 × 3 + 1)") == 105_705_600


# --- the terms a kind's formulas build for explain -------------------------------------


def test_terms_write_the_grouping_of_the_code() -> None:
    x = Symbols()
    a, b, c = x.num("a", 2), x.num("b", 3), x.num("c", 4)
    # By hand: (2 + 3)·4 = 20, 2·3 + 4 = 10, 2 − (3 − 4) = 3, 4·3/2 = 6, 4/(2·2) = 1,
    # 2·2 + 1 = 5; a sum on the right keeps its parentheses, as the code groups it.
    cases = [
        ((a + b) * c, "(a + b) × c", "(2 + 3) × 4", 20),
        (a * b + c, "a × b + c", "2 × 3 + 4", 10),
        (a - (b - c), "a − (b − c)", "2 − (3 − 4)", 3),
        (c * b // a, "c × b / a", "4 × 3 / 2", 6),
        (c // (a * a), "c / (a × a)", "4 / (2 × 2)", 1),
        (2 * a + 1, "2 × a + 1", "2 × 2 + 1", 5),
    ]
    for term, formula, text, value in cases:
        assert isinstance(term, Term)
        assert (term.formula, term.text, int(term)) == (formula, text, value)
        assert evaluate(term.text) == value


def test_rounded_divisions_max_and_sums_write_what_they_compute() -> None:
    x = Symbols()
    a, b, s = x.num("a", 7), x.num("b", 4), x.num("S", 2)
    # By hand: floor((7 − 4) / 2) = floor(1.5) = 1, ceil(7 / 2) = ceil(3.5) = 4,
    # (7 − 3) / 2 = 2 exactly (no floor written), max(4 − 7, 0) = 0, 7 + 4 = 11.
    cases = [
        (x.floor_div(a - b, s), "floor((a − b) / S)", "floor((7 − 4) / 2)", 1),
        (x.ceil_div(a, s), "ceil(a / S)", "ceil(7 / 2)", 4),
        (x.floor_div(a - 3, s) + 1, "(a − 3) / S + 1", "(7 − 3) / 2 + 1", 3),
        (x.ceil_div(b, s), "b / S", "4 / 2", 2),
        (x.max(b - a, 0), "max(b − a, 0)", "max(4 − 7, 0)", 0),
        (x.sum("parts", [a, b]), "Σ over parts", "7 + 4", 11),
    ]
    for term, formula, text, value in cases:
        assert isinstance(term, Term)
        assert (term.formula, term.text, int(term)) == (formula, text, value)
        assert evaluate(term.text) == value
    # The plain numbers give the same values: floor, ceil and max of ints.
    plain = Numbers()
    assert (plain.floor_div(3, 2), plain.ceil_div(7, 2), plain.max(-3, 0)) == (1, 4, 0)
    assert plain.sum("parts", [7, 4]) == 11


def shown(value: int) -> tuple[str, str, int]:
    """A term's formula, substituted text and value."""
    assert isinstance(value, Term)
    return value.formula, value.text, int(value)


def test_the_shape_rules_give_numbers_and_their_derivation() -> None:
    """Each output-size rule of `shapes` runs on plain ints and on terms alike."""
    x = Symbols()
    one = x.num("D", 1)

    def twice(p: int) -> int:
        return x.named("2P", 2 * p, lambda: f"2 × {p}")

    # AlexNet's conv1 on 224 rows: floor((224 − 11 + 0) / 4) + 1 = floor(53.25) + 1 = 54;
    # the last window ends at 53·4 + 11 = 223, so row 224 is never read.
    h, f, s = x.num("H", 224), x.num("F", 11), x.num("S", 4)
    out, room, dropped = window_size(x, h, f, s, 0, twice(0), one)
    assert shown(out) == (
        "floor((H − F + 2P) / S) + 1",
        "floor((224 − 11 + 2 × 0) / 4) + 1",
        54,
    )
    assert (room, dropped) == (213, 1)
    assert window_size(NUMBERS, 224, 11, 4, 0, 0) == (54, 213, 1)
    # A 2-wide, stride-2 pool padded 1 on 5 positions, ceil mode: ceil((5 − 2 + 2) / 2)
    # + 1 = 4, but the 4th window would start at 3·2 = 6 = 5 + 1, in the trailing
    # padding, so PyTorch drops it: 3 (torch.nn.MaxPool1d(2, 2, 1, ceil_mode=True)).
    length, f, s = x.num("L", 5), x.num("F", 2), x.num("S", 2)
    out = window_size(x, length, f, s, 1, twice(1), one, ceil=True)[0]
    assert shown(out)[0::2] == ("ceil((L − F + 2P) / S) + 1 − 1", 3)
    assert window_size(NUMBERS, 5, 2, 2, 1, 2, 1, ceil=True)[0] == 3
    # same, stride 2, kernel 3 on 7: ceil(7 / 2) = 4; padding max(3·2 + 3 − 7, 0) = 2.
    out, total = same_size(x, "H", x.num("H", 7), x.num("F", 3), x.num("S", 2), one)
    assert shown(out)[0] == "ceil(H / S)"
    assert shown(total)[0] == "max((H_out − 1) × S + F − H, 0)"
    assert (out, total) == same_size(NUMBERS, "", 7, 3, 2) == (4, 2)
    # DCGAN's doubling, ConvTranspose2d(kernel 4, stride 2, padding 1) on 8:
    # (8 − 1)·2 − 2 + (4 − 1) + 1 = 16.
    h, f, s = x.num("H", 8), x.num("F", 4), x.num("S", 2)
    out = transposed_size(x, h, f, s, twice(1), 0, one)
    assert shown(out) == (
        "(H − 1) × S − 2P + (F − 1) + 1",
        "(8 − 1) × 2 − 2 × 1 + (4 − 1) + 1",
        16,
    )
    assert transposed_size(NUMBERS, 8, 4, 2, 2, 0, 1) == 16


def test_symbolic_shapes_are_the_plain_shapes() -> None:
    """Explain's output sizes are the analysis's because both run the same statement."""
    derived = set()
    for name in catalog.names():
        arch = catalog.load(name)
        rows = {row.name: row for row in analyse(arch).layers}
        for layer in arch.layers:
            kind: Any = layer.kind  # a kind whose output_shape is written over x
            if "x" not in inspect.signature(kind.output_shape).parameters:
                continue
            row = rows[layer.name]
            symbolic = kind.output_shape(row.input_shapes, [], Symbols())
            assert symbolic == row.output, layer.name
            assert any(isinstance(size, Term) for size in symbolic), layer.name
            derived.add(row.type)
    assert {"dense", "concat", "global_pool"} <= derived


def test_a_thousands_number_keeps_its_separators() -> None:
    x = Symbols()
    neurons = x.num("neurons", 290_400)
    # AlexNet conv1 (docs/figures.md): 290,400 × (11 × 11 × 3 + 1) = 105,705,600
    fan_in = x.kernel((11, 11)) * x.num("Cin", 3)
    term = neurons * (fan_in + 1)
    assert term.formula == "neurons × (F × F × Cin + 1)"
    assert term.text == "290,400 × (11 × 11 × 3 + 1)"
    assert term == 105_705_600


def test_a_division_that_is_not_exact_is_refused() -> None:
    x = Symbols()
    with pytest.raises(AssertionError):
        x.num("C", 3) // x.num("groups", 2)


def test_symbolic_figures_are_the_plain_figures() -> None:
    """Explain's numbers are the analysis's because both run the same formulas."""
    for name in catalog.names():
        arch = catalog.load(name)
        rows = {row.name: row for row in analyse(arch).layers}
        for layer in arch.layers:
            row = rows[layer.name]
            plain = layer.kind.figures(row.input_shapes, row.output)
            symbolic = layer.kind.figures(row.input_shapes, row.output, Symbols())
            assert plain == symbolic, layer.name
            for key in FIGURE_KEYS:
                value = getattr(symbolic, key, 0)
                assert not value or isinstance(value, Term), f"{name} {layer.name} {key}"


# --- every layer of every bundled architecture ---------------------------------------


def check_steps(row: LayerResult, steps: list[Step] | tuple[Step, ...]) -> None:
    """Each step agrees with the analysis; each non-zero figure has a step."""
    axes = {1: ("length",), 2: ("height", "width"), 3: ("depth", "height", "width")}
    spatial = axes.get(len(row.output) - 1, ())
    output_index = {"output_channels": 0, **{f"output_{a}": 1 + i for i, a in enumerate(spatial)}}
    explained = set()
    for step in steps:
        where = f"{row.name}: {step.label}: {step.substituted}"
        assert evaluate(step.substituted) == step.value, where
        if step.key in FIGURE_KEYS:
            assert step.value == row.figure(step.key), where
            explained.add(step.key)
        elif step.key == "output_units":
            assert (step.value,) == row.output, where
        elif step.key in output_index:
            assert step.value == row.output[output_index[step.key]], where
        else:
            assert step.key not in OUTPUT_KEYS, f"{where}: not an axis of {row.output}"
        assert step.formula and step.label
    missing = {key for key in FIGURE_KEYS if row.figure(key)} - explained
    assert not missing, f"{row.name} ({row.type}) has no step for {sorted(missing)}"


@pytest.mark.parametrize("name", catalog.names())
def test_every_explained_value_is_what_show_reports(name: str) -> None:
    arch = catalog.load(name)
    rows = {row.name: row for row in analyse(arch).layers}
    every_layer = [layer.name for layer in arch.layers]
    explanation = explain(arch, every_layer)
    assert [layer.name for layer in explanation.layers] == every_layer
    for layer in explanation.layers:
        check_steps(rows[layer.name], layer.steps)


def test_output_keys_are_known() -> None:
    assert set(OUTPUT_KEYS) == {
        "output_channels",
        "output_length",
        "output_depth",
        "output_height",
        "output_width",
        "output_units",
    }


# --- the reference layers ---------------------------------------------------------------


def test_alexnet_conv1_table() -> None:
    result = run_cli(["explain", "alexnet", "conv1"])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    # (227 − 11 + 2·0) / 4 + 1 = 216 / 4 + 1 = 55 (AlexNet: 55×55 maps)
    assert "(227 − 11 + 2 × 0) / 4 + 1" in out
    assert re.search(r"output height .* 55 *\n", out)
    # docs/figures.md: 290,400 neurons, 105,705,600 without sharing, 34,944 with sharing
    for number in ("290,400", "105,705,600", "34,944"):
        assert re.search(rf"\s{number} *\n", out), number
    assert "96 × (11 × 11 × 3 + 1)" in out


def test_alexnet_conv1_json_steps() -> None:
    result = run_cli(["explain", "alexnet", "conv1", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    (layer,) = document["layers"]
    assert layer["name"] == "conv1" and layer["output"] == [96, 55, 55]
    values = {step["key"]: step["value"] for step in layer["steps"]}
    # docs/figures.md reference values; 55 = (227 − 11) / 4 + 1
    assert values["output_height"] == values["output_width"] == 55
    assert values["neurons"] == 290_400
    assert values["params_unshared"] == 105_705_600
    assert values["params"] == 34_944
    for step in layer["steps"]:
        assert set(step) == {"key", "label", "formula", "substituted", "value", "note"}
        assert isinstance(step["value"], int)


def test_lenet5_c3_uses_the_connection_table() -> None:
    result = run_cli(["explain", "lenet5", "C3", "--format", "json"])
    steps = {s["key"]: s for s in json.loads(result.stdout)["layers"][0]["steps"]}
    # LeNet-5 paper: C3 has 1,516 trainable parameters and 151,600 connections.
    # By hand: 6 maps read 3 inputs, 9 read 4, 1 reads 6: 6·76 + 9·101 + 151 = 1,516.
    assert steps["params"]["value"] == 1_516
    assert steps["params"]["substituted"] == (
        "6 × (5 × 5 × 3 + 1) + 9 × (5 × 5 × 4 + 1) + 1 × (5 × 5 × 6 + 1)"
    )
    assert steps["connections"]["value"] == 151_600
    assert "Σ" in steps["params"]["formula"]


def test_default_layers_are_those_with_parameters() -> None:
    result = run_cli(["explain", "lenet5", "--format", "json"])
    names = [layer["name"] for layer in json.loads(result.stdout)["layers"]]
    # LeNet-5: every layer has parameters; OUTPUT's 840 are fixed, still parameters.
    assert names == ["C1", "S2", "C3", "S4", "C5", "F6", "OUTPUT"]
    alexnet = run_cli(["explain", "alexnet", "--format", "json"])
    names = [layer["name"] for layer in json.loads(alexnet.stdout)["layers"]]
    assert names == ["conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8"]


def test_lenet5_subsample_and_rbf() -> None:
    result = run_cli(["explain", "lenet5", "S2", "OUTPUT", "--format", "json"])
    s2, output = json.loads(result.stdout)["layers"]
    s2_steps = {s["key"]: s["value"] for s in s2["steps"]}
    # LeNet-5 paper: S2 has 12 parameters (2 per map × 6) and 5,880 connections
    # (14·14·6 = 1,176 units × (2·2 + 1)).
    assert s2_steps["params"] == 12 and s2_steps["connections"] == 5_880
    out_steps = {s["key"]: s["value"] for s in output["steps"]}
    # The RBF's 10 × 84 = 840 fixed parameters and 840 connections.
    assert out_steps["non_trainable"] == 840 and out_steps["connections"] == 840
    assert "params" not in out_steps


def test_inexact_division_gets_a_note(write: Any) -> None:
    path = write(
        "name: t\ninput: [3, 224, 224]\nlayers:\n"
        "  - {name: conv1, type: conv, filters: 96, kernel: 11, stride: 4}\n"
    )
    result = run_cli(["explain", str(path), "--format", "json"])
    steps = {s["key"]: s for s in json.loads(result.stdout)["layers"][0]["steps"]}
    # floor((224 − 11) / 4) + 1 = floor(53.25) + 1 = 54; the windows end at
    # 53·4 + 11 = 223, so the 224th row and column are never read.
    height = steps["output_height"]
    assert height["value"] == 54
    assert height["substituted"] == "floor((224 − 11 + 2 × 0) / 4) + 1"
    assert "213 / 4 = 53.25 is not a whole number" in height["note"]
    assert "the last row of the input" in height["note"]
    assert "the last column" in steps["output_width"]["note"]


def test_same_padding_and_dilation(write: Any) -> None:
    path = write(
        "name: t\ninput: [2, 7, 32]\nlayers:\n"
        "  - {name: a, type: conv, filters: 4, kernel: 3, stride: 2, padding: same}\n"
        "  - {name: b, type: conv, filters: 4, kernel: 3, dilation: 2, padding: 2}\n"
    )
    result = run_cli(["explain", str(path), "a", "b", "--format", "json"])
    a, b = ({s["key"]: s for s in layer["steps"]} for layer in json.loads(result.stdout)["layers"])
    # same, stride 2: height ceil(7 / 2) = 4; padding max((4 − 1)·2 + 3 − 7, 0) = 2,
    # 1 before and 1 after. Width ceil(32 / 2) = 16, padding (16 − 1)·2 + 3 − 32 = 1.
    assert a["output_height"]["value"] == 4
    assert a["padding_height"]["value"] == 2
    assert a["padding_height"]["note"] == "1 before, 1 after"
    assert a["output_width"]["value"] == 16
    # An exact division needs no rounding, so none is written (as for a conv's floor).
    assert a["output_width"]["substituted"] == "32 / 2"
    assert a["output_height"]["substituted"] == "ceil(7 / 2)"
    assert a["padding_height"]["substituted"] == "max((4 − 1) × 2 + 3 − 7, 0)"
    assert a["padding_width"]["note"] == "0 before, 1 after"
    # dilation 2, kernel 3, padding 2 on 4 rows: (4 − 2·(3 − 1) − 1 + 2·2) / 1 + 1 = 4
    assert b["output_height"]["formula"] == "(H − D × (F − 1) − 1 + 2P) / S + 1"
    assert b["output_height"]["value"] == 4


def test_unknown_layer_names_the_nearest() -> None:
    result = run_cli(["explain", "alexnet", "conv10"])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert re.match(
        r"error: architectures/alexnet\.yaml:\d+:\d+: no layer named 'conv10'", lines[0]
    )
    assert "did you mean 'conv1'?" in lines[0]
    assert "Traceback" not in result.stderr


def test_markdown_and_csv() -> None:
    markdown = run_cli(["explain", "alexnet", "conv1", "--format", "markdown"]).stdout
    assert "### conv1 (conv): 3×227×227 → 96×55×55" in markdown
    assert "| parameters with sharing | filters × (F × F × Cin + 1) |" in markdown
    csv_text = run_cli(["explain", "alexnet", "conv1", "--format", "csv"]).stdout
    header, *rows = csv_text.splitlines()
    assert header == "layer,type,key,label,formula,substituted,value,note"
    assert any(row.startswith("conv1,conv,params,") and row.endswith(",34944,") for row in rows)


# --- the newer kinds ---------------------------------------------------------------------

NEWER_KINDS = """\
name: newer kinds
input: [16, 8, 8]
layers:
  - {name: up, type: conv_transpose, filters: 8, kernel: 4, stride: 2, padding: 1}
  - {name: dilated, type: conv_transpose, filters: 8, kernel: 3, stride: 2, dilation: 2,
     output_padding: 1, groups: 2, bias: false}
  - {name: nearest, type: upsample, scale: 2}
  - {name: bilinear, type: upsample, size: [50, 40], mode: bilinear}
  - {name: adaptive, type: adaptive_pool, size: [7, 3], mode: max}
  - {name: padded, type: pad, padding: [1, 2, 3, 4]}
  - {name: joined, type: concat, inputs: [padded, padded]}
  - {name: slopes, type: prelu, num_parameters: 16}
  - {name: slope, type: prelu}
  - {name: ln, type: layernorm}
  - {name: ln_sample, type: layernorm, over: sample}
  - {name: gn, type: groupnorm, groups: 4}
  - {name: in, type: instancenorm, affine: true, track_running_stats: true}
  - {name: ls, type: scale}
  - {name: sh, type: channel_shuffle, groups: 4}
  - {name: gate, type: multiply, inputs: [sh, ls]}
  - {name: frozen, type: conv, filters: 4, kernel: 1, trainable: false}
  - {name: frozen_bn, type: batchnorm, trainable: false}
  - {name: cropped, type: crop, input: ln, like: adaptive}
  - {name: cut, type: crop, amount: [1, [0, 1]]}
  - {name: halves, type: split, parts: 2}
  - {name: half, type: conv, filters: 2, kernel: 1, input: halves.1}
  - {name: rejoined, type: concat, inputs: [halves.0, half]}
"""


def explain_checked(write: Any, text: str) -> Any:
    """Every layer of the file explained, each step held to what show reports."""
    from cnncalc.reading.architecture import load_file

    arch = load_file(write(text))
    rows = {row.name: row for row in analyse(arch).layers}
    explanation = explain(arch, list(rows))
    for layer in explanation.layers:
        check_steps(rows[layer.name], layer.steps)
    return explanation


def test_newer_kinds_explain_what_show_reports(write: Any) -> None:
    explanation = explain_checked(write, NEWER_KINDS)
    steps = {s.key: s for s in explanation.layers[0].steps}
    # DCGAN's doubling: (8 − 1)·2 − 2·1 + (4 − 1) + 1 = 16, and 16·8·4·4 + 8 = 2,056
    # parameters (torch.nn.ConvTranspose2d(16, 8, 4, 2, 1)).
    assert steps["output_height"].value == 16
    assert steps["output_height"].substituted == "(8 − 1) × 2 − 2 × 1 + (4 − 1) + 1"
    assert steps["params"].value == 2_056
    padded = {s.key: s.value for s in explanation.layers[5].steps}
    # 7 rows + 1 + 2, 3 columns + 3 + 4: the adaptive pool's [7, 3] output padded
    assert padded["output_height"] == 10 and padded["output_width"] == 10


ONE_D = """\
name: 1-D
input: [4, 100]
layers:
  - {name: c1, type: conv, filters: 8, kernel: 5, stride: 2, padding: same, dilation: 2}
  - {name: lc, type: conv, filters: 2, kernel: 3, sharing: false, bias: false}
  - {name: p1, type: pool, size: 3, stride: 2, ceil: true}
  - {name: s1, type: subsample, size: 2}
  - {name: t1, type: conv_transpose, filters: 4, kernel: 4, stride: 2, padding: 1}
  - {name: pd, type: pad, padding: [1, 2]}
  - {name: up, type: upsample, scale: 2, mode: bilinear}
  - {name: ap, type: adaptive_pool, size: 5}
  - {name: bn, type: batchnorm}
  - {name: g, type: global_pool}
  - {name: fc, type: dense, units: 3}
  - {name: joined, type: concat, inputs: [pd, pd]}
"""

THREE_D = """\
name: 3-D
input: [2, 4, 16, 16]
layers:
  - {name: v, type: conv, filters: 6, kernel: [3, 5, 5], stride: [1, 2, 2], padding: [1, 2, 2]}
  - {name: vp, type: pool, size: [1, 2, 2]}
  - {name: vt, type: conv_transpose, filters: 2, kernel: 2, stride: [1, 2, 2], groups: 2}
  - {name: vu, type: upsample, size: [4, 9, 9], mode: bilinear}
  - {name: vpad, type: pad, padding: [1, 0, 0, 0, 2, 2]}
  - {name: va, type: adaptive_pool, size: [2, 3, 3]}
  - {name: vs, type: subsample, size: [1, 3, 3]}
  - {name: vg, type: global_pool}
  - {name: fc, type: dense, units: 3}
  - {name: joined, type: concat, inputs: [vpad, vpad]}
"""


def test_1d_and_3d_layers_explain_what_show_reports(write: Any) -> None:
    explain_checked(write, ONE_D)
    explanation = explain_checked(write, THREE_D)
    steps = {s.key: s for s in explanation.layers[0].steps}
    # A 3×5×5 kernel, stride (1, 2, 2), padding (1, 2, 2) on 4×16×16:
    # depth (4 − 3 + 2·1) / 1 + 1 = 4; height floor((16 − 5 + 2·2) / 2) + 1 = 8;
    # neurons 4·8·8·6 = 1,536; params 6·(3·5·5·2 + 1) = 906 (torch.nn.Conv3d(2, 6, (3, 5, 5))).
    assert steps["output_depth"].substituted == "(4 − 3 + 2 × 1) / 1 + 1"
    assert steps["output_height"].value == 8
    assert steps["neurons"].formula == "D × H × W × C"
    assert steps["neurons"].substituted == "4 × 8 × 8 × 6"
    assert steps["params"].substituted == "6 × (3 × 5 × 5 × 2 + 1)"
    assert steps["params"].value == 906
    # A concat of C×D×H×W maps adds channels, as one of C×H×W maps does: vpad keeps
    # vt's 2 filters (upsample and pad change no channels), so 2 + 2 = 4 channels.
    joined = {s.key: s for s in explanation.layers[-1].steps}
    assert joined["output_channels"].formula == "Σ over inputs"
    assert (joined["output_channels"].substituted, joined["output_channels"].value) == ("2 + 2", 4)


# --- any conv, pool or subsample: a property check -------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    size=st.integers(1, 40),
    kernel=st.integers(1, 5),
    stride=st.integers(1, 4),
    padding=st.one_of(st.integers(0, 3), st.just("same")),
    dilation=st.integers(1, 3),
    groups=st.sampled_from([1, 2]),
    bias=st.booleans(),
    sharing=st.booleans(),
    kind=st.sampled_from(["conv", "pool", "pool_ceil", "subsample"]),
)
def test_derivations_agree_with_the_figures(
    size: int,
    kernel: int,
    stride: int,
    padding: int | str,
    dilation: int,
    groups: int,
    bias: bool,
    sharing: bool,
    kind: str,
) -> None:
    layer: dict[str, Any]
    if kind == "conv":
        layer = {
            "type": "conv",
            "filters": 4,
            "kernel": kernel,
            "stride": stride,
            "padding": padding,
            "dilation": dilation,
            "groups": groups,
            "bias": bias,
            "sharing": sharing,
        }
    elif kind.startswith("pool"):
        pad = 0 if padding == "same" else min(int(padding), kernel // 2)
        layer = {"type": "pool", "size": kernel, "stride": stride, "padding": pad}
        layer["ceil"] = kind == "pool_ceil"
    else:
        layer = {"type": "subsample", "size": kernel, "stride": stride}
    arch = from_dict(
        {"name": "t", "input": [2, size, size + 3], "layers": [{"name": "x", **layer}]}
    )
    try:
        row = analyse(arch).layers[0]
    except CnncalcError:  # the window does not fit, or groups do not divide: nothing to do
        return
    (explained,) = explain(arch, ["x"]).layers
    check_steps(row, explained.steps)
