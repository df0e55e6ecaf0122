"""The command line as a user meets it: exit codes, stdout, stderr, each format."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from cnncalc import __version__

GOLDEN = Path(__file__).parent / "golden"
CONTRACT_LAYER_KEYS = {
    "name",
    "type",
    "output",
    "neurons",
    "params",
    "non_trainable",
    "params_unshared",
    "params_dense",
    "connections",
    "macs",
}


def test_version() -> None:
    result = run_cli(["--version"])
    assert result.exit_code == 0
    assert __version__ in result.stdout


def test_help_lists_commands() -> None:
    result = run_cli(["--help"])
    assert result.exit_code == 0
    assert "show" in result.stdout and "list" in result.stdout


def test_show_table_matches_golden() -> None:
    """Layout guard for `show lenet5` at 120 columns, no colour.

    Regenerate with CNNCALC_UPDATE_GOLDEN=1 after a deliberate layout change; the
    numbers in it are pinned independently by the paper's figures below.
    """
    result = run_cli(["show", "lenet5"])
    assert result.exit_code == 0, result.stderr
    golden = GOLDEN / "show_lenet5.txt"
    if os.environ.get("CNNCALC_UPDATE_GOLDEN"):
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == golden.read_text(encoding="utf-8")
    # LeNet-5 paper: C1 122,304 connections; 340,908 in all; 60,000 trainable params.
    for figure in ("122,304", "340,908", "60,000", "Non-trainable params: 840"):
        assert figure in result.stdout
    assert result.stderr == ""


def test_show_json_has_the_contract_keys() -> None:
    # The keys of docs/command-line.md, exactly; later figures added keys beside them
    # (receptive_field, jump, memory, ops, shares; top-level count, dtype, peak_layer).
    result = run_cli(["show", "alexnet", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert {"name", "input", "layers", "totals"} <= set(document)
    assert set(document) - {"name", "input", "layers", "totals"} == {
        "count",
        "dtype",
        "peak_layer",
    }
    assert document["input"] == [3, 227, 227]
    for layer in document["layers"]:
        assert set(layer) >= CONTRACT_LAYER_KEYS
    conv1 = document["layers"][0]
    # AlexNet conv1 (docs/figures.md, reference values: Krizhevsky et al. 2012, section 3.5, by hand).
    assert conv1["output"] == [96, 55, 55]
    assert (conv1["neurons"], conv1["params"], conv1["params_unshared"]) == (
        290_400,
        34_944,
        105_705_600,
    )
    assert document["totals"]["params"] == 60_965_224
    # Totals are the sums of the rows (neurons: only layers with parameters).
    for key in CONTRACT_LAYER_KEYS - {"name", "type", "output", "neurons"}:
        assert document["totals"][key] == sum(layer[key] for layer in document["layers"])


def test_show_csv_parses_back() -> None:
    result = run_cli(["show", "lenet5", "--format", "csv"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["name"] for row in rows] == ["C1", "S2", "C3", "S4", "C5", "F6", "OUTPUT", "total"]
    assert rows[0]["output"] == "6x28x28"
    assert rows[2]["params"] == "1516"  # C3 (paper)
    assert rows[-1]["connections"] == "340908"  # paper total


def test_show_markdown() -> None:
    result = run_cli(["show", "lenet5", "--format", "markdown"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    table = [line for line in lines if line.startswith("|")]
    assert len(table) == 2 + 7 + 1  # header, rule, seven layers, totals
    assert "| C3 | conv | 16×10×10 | 1,600 | 1,516 |" in result.stdout
    assert "**340,908**" in result.stdout


def test_input_override() -> None:
    # LeNet (28×28) given 32×32: conv1 → 28×28, pool → 14, conv2 → 10, pool → 5;
    # fc1 then reads 16·5·5 = 400 inputs: 120·401 = 48,120 params.
    result = run_cli(["show", "lenet", "--input", "1,32,32", "--format", "json"])
    assert result.exit_code == 0
    layers = {layer["name"]: layer for layer in json.loads(result.stdout)["layers"]}
    assert layers["conv1"]["output"] == [6, 28, 28]
    assert layers["fc1"]["params"] == 48_120


@pytest.mark.parametrize("bad", ["1,2,3,4,5", "a,b,c", "0,32,32", "-1,2,3"])
def test_bad_input_override_is_usage_error(bad: str) -> None:
    result = run_cli(["show", "lenet", "--input", bad])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_warning_and_strict() -> None:
    result = run_cli(["show", "alexnet", "--input", "3,224,224", "--format", "json"])
    assert result.exit_code == 0
    json.loads(result.stdout)  # warnings never pollute stdout
    first = result.stderr.splitlines()[0]
    assert first.startswith("warning: alexnet:")  # the bundled name
    # At 224: conv1 (224 − 11) / 4 = 53.25 and the pools after it drop a row and a column;
    # one line names them all.
    assert "layers: " in first and "(conv1, " in first
    strict = run_cli(["show", "alexnet", "--input", "3,224,224", "--strict"])
    assert strict.exit_code == 2
    assert strict.stderr.startswith("error: ") and "'conv1'" in strict.stderr
    assert len(strict.stderr.splitlines()) == 1


def test_stdin(write: Any) -> None:
    text = "name: tiny\ninput: [1, 28, 28]\nlayers:\n  - {type: conv, filters: 6, kernel: 5}\n"
    result = run_cli(["show", "-", "--format", "json"], stdin=text)
    assert result.exit_code == 0, result.stderr
    layer = json.loads(result.stdout)["layers"][0]
    assert layer["name"] == "conv1"  # default name: type + 1-based position
    assert layer["params_unshared"] == 89_856  # 24·24·6·(5·5 + 1), by hand (docs/figures.md)


def test_show_a_file(write: Any) -> None:
    path = write(
        "name: one\ninput: [1, 25, 25]\nlayers:\n  - {type: conv, filters: 12, kernel: 3}\n"
    )
    result = run_cli(["show", str(path), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["totals"]["params"] == 120  # Keras Conv2D(12, 3)


def test_list() -> None:
    result = run_cli(["list"])
    assert result.exit_code == 0
    for name in ("lenet5", "lenet", "alexnet", "60,965,224", "340,908"):
        assert name in result.stdout
    as_json = json.loads(run_cli(["list", "--format", "json"]).stdout)
    by_name = {entry["name"]: entry for entry in as_json}
    assert by_name["lenet5"]["totals"]["params"] == 60_000


def test_narrow_terminal_keeps_every_digit() -> None:
    from click.testing import CliRunner

    from cnncalc.cli import cli

    result = CliRunner().invoke(cli, ["show", "alexnet"], env={"NO_COLOR": "1", "COLUMNS": "60"})
    assert result.exit_code == 0
    assert "…" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 60


def test_ascii_only_terminal_gets_no_traceback() -> None:
    import subprocess
    import sys

    env = {**os.environ, "PYTHONIOENCODING": "ascii", "NO_COLOR": "1", "COLUMNS": "120"}
    for args in (["show", "lenet5"], ["show", "alexnet", "--input", "3,224,224"], ["list"]):
        result = subprocess.run(
            [sys.executable, "-m", "cnncalc", *args], env=env, capture_output=True, check=False
        )
        assert result.returncode == 0, result.stderr
        assert b"Traceback" not in result.stderr
        assert b"340,908" in result.stdout or args[0] != "show" or args[1] != "lenet5"


def test_readme_shows_the_real_table() -> None:
    # The README pastes `cnncalc show lenet5` at 120 columns; it must be what runs.
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    marker = "`cnncalc show lenet5` (at 120 columns):\n\n```text\n"
    pasted = readme[readme.index(marker) + len(marker) :].split("```", 1)[0]
    printed = run_cli(["show", "lenet5"]).stdout
    assert pasted.splitlines() == [line.rstrip() for line in printed.splitlines()]


def test_input_override_takes_any_rank(tmp_path: Path) -> None:
    # A conv of kernel 3 on 1×L gives L − 2 positions, on 1×D×H×W (D−2)×(H−2)×(W−2).
    path = tmp_path / "net.yaml"
    path.write_text(
        "name: t\ninput: [1, 100]\nlayers:\n  - {name: c, type: conv, filters: 2, kernel: 3}\n"
    )
    for shape, output in (("1,50", [2, 48]), ("1,5,6,7", [2, 3, 4, 5])):
        result = run_cli(["show", str(path), "--input", shape, "--format", "json"])
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["layers"][0]["output"] == output
