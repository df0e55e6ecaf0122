"""Figures beyond 2^63 stay exact: Python integers from the file to every format.

The network: a flat input of 10^10 units and a dense layer of 10^11 units. By hand:
params = units · (inputs + bias) = 10^11 · (10^10 + 1) = 10^21 + 10^11
       = 1,000,000,000,100,000,000,000, beyond 2^63 ≈ 9.2 · 10^18 and 2^64 ≈ 1.8 · 10^19,
where a float64 (53-bit mantissa) would already have rounded it.
"""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner
from conftest import CLI_ENV

import cnncalc
from cnncalc.cli import cli

TEXT = """\
name: big
input: [10000000000]
layers:
  - {name: wide, type: dense, units: 100000000000}
"""
PARAMS = 10**21 + 10**11
MACS = 10**21  # units · inputs


def _run(*args: str) -> str:
    env = {**CLI_ENV, "COLUMNS": "400"}
    result = CliRunner().invoke(cli, ["show", "-", *args], input=TEXT, env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_figure_is_beyond_what_a_float_keeps() -> None:
    assert PARAMS > 2**64
    assert int(float(PARAMS)) != PARAMS


def test_api_figures_are_exact_ints() -> None:
    analysis = cnncalc.analyse(cnncalc.from_text(TEXT))
    layer = analysis.layer("wide")
    assert (layer.params, layer.macs, layer.connections) == (PARAMS, MACS, PARAMS)
    assert type(layer.params) is int and analysis.totals.params == PARAMS


def test_json_is_exact() -> None:
    record = json.loads(_run("--format", "json"))
    assert record["layers"][0]["params"] == PARAMS
    assert record["totals"]["params"] == PARAMS
    assert '"params": 1000000000100000000000' in _run("--format", "json")


def test_table_is_exact() -> None:
    out = _run()
    assert "1,000,000,000,100,000,000,000" in out  # params, connections
    assert "1,000,000,000,000,000,000,000" in out  # macs


def test_csv_is_exact() -> None:
    rows = list(csv.DictReader(io.StringIO(_run("--format", "csv"))))
    assert int(rows[0]["params"]) == PARAMS


def test_markdown_is_exact() -> None:
    assert "1,000,000,000,100,000,000,000" in _run("--format", "markdown")
