"""JSON output: one line per layer, the same document as an indented dump."""

from __future__ import annotations

import json

from conftest import run_cli


def test_show_json_puts_each_layer_on_one_line() -> None:
    text = run_cli(["show", "lenet5", "--format", "json"]).stdout
    document = json.loads(text)
    lines = text.splitlines()
    # LeNet-5 has 7 layers (C1 … OUTPUT); each is a whole record on a line of its own.
    layer_lines = [line for line in lines if line.startswith('    {"name": ')]
    assert len(layer_lines) == 7 == len(document["layers"])
    assert [json.loads(line.rstrip(","))["name"] for line in layer_lines] == [
        "C1",
        "S2",
        "C3",
        "S4",
        "C5",
        "F6",
        "OUTPUT",
    ]
    # LeNet-5 paper: 340,908 connections in all.
    assert document["totals"]["connections"] == 340_908


def test_compare_json_is_a_list_of_show_documents() -> None:
    shown = json.loads(run_cli(["show", "lenet5", "--format", "json"]).stdout)
    compared = json.loads(run_cli(["compare", "lenet5", "lenet", "--format", "json"]).stdout)
    assert len(compared) == 2
    assert compared[0]["layers"][0]["params"] == shown["layers"][0]["params"] == 156


def test_huge_integers_stay_exact() -> None:
    # 2**70 + 2**35 parameters: past the 53 bits a float keeps exactly.
    big = 2**35
    text = (
        "name: big\ninput: [1, 1, 1]\nlayers:\n"
        f"  - {{name: d, type: dense, units: {big}}}\n"
        f"  - {{name: e, type: dense, units: {big}}}\n"
    )
    document = json.loads(run_cli(["show", "-", "--format", "json"], stdin=text).stdout)
    # Hand count: dense e has big × big weights and big biases.
    assert document["layers"][1]["params"] == big * big + big
