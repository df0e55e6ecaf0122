"""Tables at any terminal width: nothing split or cut, dropped columns named.

The expected cells are not read from our table: each layer's figures come from the
JSON records of the same analysis, formatted with thousands separators, and must appear
whole, in order, on the layer's one line.
"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from cnncalc.cli import cli
from cnncalc.reading import catalog

# Table headers of the contract's figures, as the footer names them.
HEADERS = {
    "neurons": "Neurons",
    "params": "Params",
    "non_trainable": "Non-trainable",
    "params_unshared": "Params no sharing",
    "params_dense": "Fully connected",
    "connections": "Connections",
    "macs": "MACs",
}
HIDDEN = re.compile(r"Hidden to fit (\d+) columns: (.*?); a wider terminal")


def show(arch: str, columns: str, *args: str) -> str:
    result = CliRunner().invoke(
        cli, ["show", arch, *args], env={"NO_COLOR": "1", "COLUMNS": columns, "TERM": "dumb"}
    )
    assert result.exit_code == 0, result.stderr
    return result.stdout


def records(arch: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(cli, ["show", arch, "--format", "json"])
    layers: list[dict[str, object]] = json.loads(result.stdout)["layers"]
    return layers


def hidden_keys(text: str) -> list[str]:
    found = HIDDEN.search(" ".join(text.split()))
    if found is None:
        return []
    names = found.group(2).split(", ")
    by_header = {header: key for key, header in HEADERS.items()}
    return [by_header[name] for name in names]


@pytest.mark.parametrize("arch", catalog.names())
@pytest.mark.parametrize("width", [60, 80, 100, 120])
def test_every_cell_whole_at_every_width(arch: str, width: int) -> None:
    text = show(arch, str(width))
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    if "Layer" in (line.strip() for line in lines):
        # The stacked layout: each row's cells after the name on an indented line.
        merged: list[str] = []
        for line in lines:
            if line.startswith("  ") and line.strip() and merged:
                merged[-1] += line
            else:
                merged.append(line)
        lines = merged
    hidden = hidden_keys(text)
    assert "params" not in hidden
    kept = [key for key in HEADERS if key not in hidden]
    header = next(line for line in lines if line.split()[:3] == ["Layer", "Type", "Output"])
    for key in kept:
        assert HEADERS[key].split()[-1].split("-")[-1] in header.split()
    rows = {tokens[0]: tokens for line in lines if (tokens := line.split())}
    for layer in records(arch):
        shape = "×".join(str(n) for n in layer["output"])  # type: ignore[attr-defined]
        figures = [f"{layer[key]:,}" for key in kept]
        assert rows[str(layer["name"])] == [layer["name"], layer["type"], shape, *figures]


def test_wide_terminal_hides_nothing() -> None:
    assert hidden_keys(show("vgg16", "200")) == []


def test_a_narrow_terminal_names_what_it_hid() -> None:
    text = show("lenet5", "80")
    # At 80 columns LeNet-5 keeps params, without sharing, fully connected and MACs.
    assert hidden_keys(text) == ["neurons", "non_trainable", "connections"]
    assert "--columns" in text


def test_below_sixty_columns_the_figures_still_come_out() -> None:
    text = show("lenet5", "30")
    # LeNet-5 paper: C5 has 48,120 trainable parameters; 60,000 in all.
    assert "48,120" in text and "60,000" in text
    assert "needs" not in text  # stacked: the layer name on a line of its own


@pytest.mark.parametrize("columns", ["0", "-5", "abc", ""])
def test_nonsense_columns_is_ignored(columns: str) -> None:
    text = show("lenet5", columns)
    # Not a terminal and no usable COLUMNS: the piped layout, every column.
    assert "340,908" in text and "Hidden" not in text


def test_list_fits_eighty_columns() -> None:
    text = CliRunner().invoke(cli, ["list"], env={"NO_COLOR": "1", "COLUMNS": "80"}).stdout
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    # AlexNet paper: 60 million parameters (torchvision's count, 60,965,224).
    assert "60,965,224" in text


@pytest.mark.parametrize("width", [60, 80, 100, 120])
def test_check_table_keeps_every_value_whole(width: int) -> None:
    env = {"NO_COLOR": "1", "COLUMNS": str(width), "TERM": "dumb"}
    table = CliRunner().invoke(cli, ["check"], env=env).stdout
    results = json.loads(CliRunner().invoke(cli, ["check", "--format", "json"]).stdout)["results"]
    assert max(cell_len(line) for line in table.splitlines()) <= width
    tokens = table.split()
    for result in results:
        # The value and limit as the table prints them, each a whole token.
        assert f"{result['value']:,}" in tokens and f"{result['limit']:,}" in tokens


def test_legend_explains_the_columns_shown() -> None:
    wide = " ".join(show("lenet5", "120").split())
    for words in (
        "Fully connected: parameters if every output were wired to every input",
        "Connections: links into each output, bias included",
        "MACs: conv, dense and rbf multiply-accumulates",
    ):
        assert words in wide
    # At 60 columns those three columns are hidden, and so is their legend.
    narrow = show("lenet5", "60")
    assert "Connections:" not in narrow and "MACs:" not in narrow


def test_a_name_wider_than_the_terminal_stays_whole(write: object) -> None:
    name = "x" * 100
    text = (
        "name: t\ninput: [1, 8, 8]\nlayers:\n"
        f"  - {{name: {name}, type: conv, filters: 2, kernel: 3}}\n"
    )
    result = CliRunner().invoke(
        cli, ["show", "-"], input=text, env={"NO_COLOR": "1", "COLUMNS": "80", "TERM": "dumb"}
    )
    lines = result.stdout.splitlines()
    assert name in lines  # on a line of its own, whole
    # Neurons 2·6·6 = 72; 2 filters of 3×3 + bias = 20 params, none fixed; at 6×6
    # positions without sharing 36 × 20 = 720. Every column fits on the indented line.
    assert lines[lines.index(name) + 1].split()[:6] == ["conv", "2×6×6", "72", "20", "0", "720"]
    assert "Hidden" not in result.stdout
    assert "needs 100 columns and has 80" in " ".join(result.stdout.split())
