"""Tied weights (`share: NAME`): parameters counted once, computation in full.

Expected numbers are worked by hand from the formulas of docs/figures.md (comments); error
positions are found in the test's own YAML text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import CLI_ENV, run_cli

import cnncalc
from cnncalc.cli import cli

SIAMESE = Path(__file__).parent / "data" / "tied" / "siamese.yaml"

# Hand-worked, one branch: conv 8@3×3 on 1×28×28 → 8×26×26 = 5,408 units;
# params 8·(9 + 1) = 80; MACs 5,408·9 = 48,672; connections 5,408·10 = 54,080.
# pool 2 → 8×13×13 = 1,352 units. dense 32: params 1,352·32 + 32 = 43,296; MACs 43,264.
# head dense 1 on 64: params 65, MACs 64.
BRANCH_PARAMS = 80 + 43_296
PARAMS_ONCE = BRANCH_PARAMS + 65  # 43,441
MACS_IN_FULL = 2 * 48_672 + 2 * 43_264 + 64  # 183,936
CONNECTIONS_IN_FULL = 2 * 54_080 + 2 * 5_408 + 2 * 43_296 + 65  # conv, pool (×4), dense, head


def test_siamese_branch_counted_once() -> None:
    analysis = cnncalc.analyse(cnncalc.load(SIAMESE))
    assert analysis.layer("b_conv").params == 80  # the row shows what it uses
    assert analysis.layer("b_conv").shares == "a_conv"
    assert analysis.layer("b_fc").shares == "a_fc"
    assert analysis.layer("a_conv").shares is None
    assert analysis.totals.params == PARAMS_ONCE == 43_441
    assert analysis.totals.params_tied == BRANCH_PARAMS == 43_376
    assert analysis.totals.macs == MACS_IN_FULL == 183_936
    assert analysis.totals.connections == CONNECTIONS_IN_FULL == 205_633
    assert analysis.totals.param_bytes == PARAMS_ONCE * 4


def test_json_and_table_mark_the_tie() -> None:
    result = run_cli(["show", str(SIAMESE), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    rows = {row["name"]: row for row in document["layers"]}
    assert rows["b_fc"]["shares"] == "a_fc" and rows["b_fc"]["params"] == 43_296
    assert rows["a_fc"]["shares"] is None
    assert document["totals"]["params"] == 43_441
    assert document["totals"]["params_tied"] == 43_376
    table = run_cli(["show", str(SIAMESE)])
    assert table.exit_code == 0, table.stderr
    b_conv = next(line for line in table.stdout.splitlines() if "b_conv" in line)
    assert "80 tied" in b_conv
    assert "b_conv → a_conv" in " ".join(table.stdout.split())


def test_budget_check_uses_the_deduplicated_count() -> None:
    # The file's budget is exactly 43,441: within it only if the tie counts once
    # (counted twice it would be 86,817).
    ok = CliRunner().invoke(cli, ["check", str(SIAMESE)], env=CLI_ENV, catch_exceptions=False)
    assert ok.exit_code == 0, ok.stdout + ok.stderr
    over = CliRunner().invoke(cli, ["check", str(SIAMESE), "--max-params", "43440"], env=CLI_ENV)
    assert over.exit_code == 1, over.stdout + over.stderr


def test_a_chain_of_ties_leads_to_the_owner() -> None:
    # c shares b, b shares a: both point at a; conv 2@1×1 on 1 channel: 2·(1 + 1) = 4
    # params, counted once.
    text = """\
name: chain
input: [1, 4, 4]
layers:
  - {name: a, type: conv, filters: 2, kernel: 1, input: input}
  - {name: b, type: conv, filters: 2, kernel: 1, input: input, share: a}
  - {name: c, type: conv, filters: 2, kernel: 1, input: input, share: b}
  - {name: s, type: add, inputs: [a, b, c]}
"""
    analysis = cnncalc.analyse(cnncalc.from_text(text))
    assert (analysis.layer("b").shares, analysis.layer("c").shares) == ("a", "a")
    assert analysis.totals.params == 4
    assert analysis.totals.params_tied == 8


BAD_TIES: list[tuple[str, str, str, str]] = [
    (
        "unknown",
        "  - {name: b, type: conv, filters: 2, kernel: 3, input: input, share: a_cnv}\n",
        "share: a_cnv",
        "no layer is named 'a_cnv' (did you mean 'a_conv'?)",
    ),
    (
        "itself",
        "  - {name: b, type: conv, filters: 2, kernel: 3, input: input, share: b}\n",
        "share: b",
        "a layer cannot share its own parameters",
    ),
    (
        "settings",
        "  - {name: b, type: conv, filters: 3, kernel: 3, input: input, share: a_conv}\n",
        "share: a_conv",
        "the settings differ (filters 3 here, 2 in 'a_conv')",
    ),
    (
        "type",
        "  - {name: b, type: dense, units: 2, input: input, share: a_conv}\n",
        "share: a_conv",
        "'a_conv' is a conv layer and this one a dense",
    ),
    (
        "input shape",
        "  - {name: b, type: conv, filters: 2, kernel: 3, input: a_conv, share: a_conv}\n",
        "share: a_conv",
        "this layer reads 2×6×6 but 'a_conv' reads 1×8×8",
    ),
    (
        "no parameters",
        "  - {name: b, type: activation, fn: relu, input: a_conv, share: a_conv}\n",
        "share: a_conv",
        "this activation layer has no parameters to share",
    ),
]


@pytest.mark.parametrize(
    ("case", "line", "anchor", "message"), BAD_TIES, ids=[c[0] for c in BAD_TIES]
)
def test_bad_ties_point_at_the_share_value(
    write: Any, case: str, line: str, anchor: str, message: str
) -> None:
    text = "name: t\ninput: [1, 8, 8]\nlayers:\n  - {name: a_conv, type: conv, filters: 2, kernel: 3}\n"
    text += line
    path = write(text)
    result = run_cli(["show", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    column = line.index(anchor) + len("share: ") + 1  # 1-based column of the value
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {path}:5:{column}: layer 'b': share: "), lines[0]
    assert message in lines[0]


def test_circular_ties_are_an_error(write: Any) -> None:
    text = """\
name: t
input: [1, 8, 8]
layers:
  - {name: a, type: conv, filters: 2, kernel: 3, input: input, share: b}
  - {name: b, type: conv, filters: 2, kernel: 3, input: input, share: a}
"""
    result = run_cli(["show", str(write(text))])
    assert result.exit_code == 2
    assert "share each other's parameters in a circle" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_explain_says_where_a_tied_layer_is_counted() -> None:
    result = run_cli(["explain", str(SIAMESE), "b_conv", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    steps = {s["key"]: s for s in json.loads(result.stdout)["layers"][0]["steps"]}
    assert steps["params"]["value"] == 80  # 8·(3·3 + 1), as above
    assert steps["params_in_totals"]["value"] == 0
    assert "tied to a_conv" in steps["params_in_totals"]["formula"]


def test_a_long_chain_of_ties_is_counted_once() -> None:
    # 3,000 dense 8→8 layers, each tied to the one before: one set of 8·(8+1) = 72
    # parameters in all (a walk per layer would make this chain cubic; it must not hang).
    from cnncalc.reading.architecture import from_dict

    layers: list[dict[str, object]] = [{"name": "l0", "type": "dense", "units": 8}]
    layers += [
        {"name": f"l{i}", "type": "dense", "units": 8, "share": f"l{i - 1}"} for i in range(1, 3000)
    ]
    totals = cnncalc.analyse(from_dict({"name": "t", "input": [8], "layers": layers})).totals
    assert totals.params == 72
    assert totals.params_tied == 2999 * 72
