"""`explain`, `compare` and `list` at any terminal width: nothing split or cut.

As in test_widths.py, the expected cells are not read from our tables: they come from
the JSON records of the same command, and must appear whole in the table.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from cnncalc.cli import cli
from cnncalc.reading import catalog

WIDTHS = [60, 80, 100, 120]


def table(args: list[str], width: int, stdin: str | None = None) -> str:
    env = {"NO_COLOR": "1", "COLUMNS": str(width), "TERM": "dumb"}
    result = CliRunner().invoke(cli, args, input=stdin, env=env)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    return result.stdout


def data(args: list[str], stdin: str | None = None) -> Any:
    result = CliRunner().invoke(cli, [*args, "--format", "json"], input=stdin)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@functools.cache
def largest_layer(arch: str) -> str:
    """The layer with the most parameters (the first of equals): its steps have the
    longest numbers."""
    layers = data(["show", arch])["layers"]
    return str(max(layers, key=lambda layer: layer["params"])["name"])


def assert_steps_whole(text: str, layer: dict[str, Any]) -> None:
    """Each step of ``layer`` (an explain JSON record) on the table ``text``: its label
    starts a line that ends with its value, in order, and every word of its formula,
    its numbers and its note is a whole word of the table."""
    lines = text.splitlines()
    heading = next(i for i, line in enumerate(lines) if line.split()[:1] == [layer["name"]])
    output = "×".join(str(n) for n in layer["output"])
    assert output in lines[heading].split()
    body = lines[heading + 1 :]
    known = {"Figure", "Formula", "With", "the", "numbers", "Value", "="}
    at = 0
    for step in layer["steps"]:
        label, value = step["label"], f"{step['value']:,}"
        while not (
            body[at].strip().startswith(label + " ") and body[at].rstrip().endswith(" " + value)
        ):
            at += 1  # StopIteration-free: an IndexError names a missing step
        at += 1
        for key in ("label", "formula", "substituted", "note"):
            known |= set(step[key].split())
        known.add(value)
    words = [word for line in body for word in line.split() if set(word) != {"─"}]
    assert set(words) <= known, sorted(set(words) - known)
    for step in layer["steps"]:
        for key in ("formula", "substituted", "note"):
            assert set(step[key].split()) <= set(words), (step["key"], key)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("arch", catalog.names())
def test_explain_keeps_every_cell_whole(arch: str, width: int) -> None:
    name = largest_layer(arch)
    (layer,) = data(["explain", arch, name])["layers"]
    assert_steps_whole(table(["explain", arch, name], width), layer)


def test_explain_at_eighty_columns_keeps_the_largest_numbers() -> None:
    text = table(["explain", "r3d_18", "layer1.0.conv1.0"], 80)
    # R3D-18's layer1.0.conv1.0: 64 maps of 16×56×56 = 3,211,264 outputs; its fully
    # connected equivalent wires each to each, 3,211,264² = 10,312,216,477,696.
    assert "10,312,216,477,696" in text.split()
    assert "multiply-accumulates" in text.split()


TWO_INPUTS = (
    "name: two streams\n"
    "inputs: {left: [1, 28, 28], right: [1, 28, 28]}\n"
    "layers:\n"
    "  - {name: left_features_extracted_by_a_long_name, type: conv, filters: 8, kernel: 5}\n"
    "  - {name: right_conv, type: conv, filters: 8, kernel: 5, input: right}\n"
    "  - {name: join, type: add, inputs: [left_features_extracted_by_a_long_name, right_conv]}\n"
    "  - {name: head, type: dense, units: 10}\n"
)


@pytest.mark.parametrize("width", WIDTHS)
def test_explain_of_several_inputs_keeps_every_cell_whole(width: int) -> None:
    for name in ("right_conv", "join", "head"):
        (layer,) = data(["explain", "-", name], TWO_INPUTS)["layers"]
        assert_steps_whole(table(["explain", "-", name], width, TWO_INPUTS), layer)


@pytest.mark.parametrize("width", WIDTHS)
def test_explain_of_every_layer_keeps_every_cell_whole(width: int) -> None:
    text = table(["explain", "lenet5"], width)
    layers = data(["explain", "lenet5"])["layers"]
    starts = [text.index(f"\n{layer['name']} (") for layer in layers]
    for layer, start, end in zip(layers, starts, [*starts[1:], len(text)], strict=True):
        assert_steps_whole(text[start:end], layer)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("arch", catalog.names())
def test_compare_keeps_every_name_and_count_whole(arch: str, width: int) -> None:
    text = table(["compare", arch], width)
    rows = {words[0]: words for line in text.splitlines() if (words := line.split())}
    (network,) = data(["compare", arch])
    shown = [layer for layer in network["layers"] if layer["name"] in rows]
    assert {layer["name"] for layer in network["layers"] if layer["params"]} <= set(rows)
    for layer in shown:
        # Params always stay; the name leads its row.
        assert f"{layer['params']:,}" in rows[layer["name"]]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("flags", [[], ["--dense"]])
def test_compare_of_the_zoo_keeps_every_name_and_count_whole(width: int, flags: list[str]) -> None:
    lines = table(["compare", *flags], width).splitlines()
    for network in data(["compare", *flags]):
        name, params = network["name"], f"{network['totals']['params']:,}"
        assert any(
            line.strip().startswith(name + " ") and params in line.split() for line in lines
        ), name


@pytest.mark.parametrize("width", WIDTHS)
def test_list_keeps_every_name_and_count_whole(width: int) -> None:
    lines = table(["list"], width).splitlines()
    for entry in data(["list"]):
        params = f"{entry['totals']['params']:,}"
        assert any(
            line.split()[:1] == [entry["name"]] and params in line.split() for line in lines
        ), entry["name"]


def test_explain_below_sixty_columns_still_prints_every_value() -> None:
    text = table(["explain", "lenet5", "C3"], 40)
    (layer,) = data(["explain", "lenet5", "C3"])["layers"]
    values = [f"{step['value']:,}" for step in layer["steps"]]
    # LeNet-5 paper: C3 has 1,516 trainable parameters and 151,600 connections.
    assert "1,516" in values and "151,600" in values
    ends = [line.split()[-1] for line in text.splitlines() if line.split()]
    for value in values:
        assert value in ends  # each value closes its figure's line, whole
