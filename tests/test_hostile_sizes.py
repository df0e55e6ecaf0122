"""Inputs that ask for work out of proportion to the file: each runs in a subprocess
capped at 1 GiB of address space and a time limit, and either finishes or is refused
with the bound's name (exit 2, one line, no traceback).

The expected figures are worked by hand in the tests; the bounds are the documented
defaults (docs/hostile-input.md).
"""

from __future__ import annotations

import json
import math
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from cnncalc.model.layers.resize import adaptive_windows

ROOT = Path(__file__).resolve().parents[1]
GIB = 2**30
FLAT = "name: n\ninput: [1, 8, 8]\nlayers:\n"


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (GIB, GIB))


def capped_run(
    tmp_path: Path, text: str, *args: str, env: dict[str, str] | None = None, seconds: float = 30
) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "net.yaml"
    path.write_text(text, encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CNNCALC_")}
    return subprocess.run(
        [sys.executable, "-m", "cnncalc", *(str(path) if a == "FILE" else a for a in args)],
        capture_output=True,
        text=True,
        timeout=seconds,
        preexec_fn=_capped,
        env={**clean, **(env or {})},
        cwd=ROOT,
    )


def refused(result: subprocess.CompletedProcess[str], words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert words in result.stderr


def chain(layers: int) -> str:
    return FLAT + "".join(
        f"  - {{name: r{i}, type: activation, fn: relu}}\n" for i in range(layers)
    )


def test_adaptive_windows_closed_form_matches_pytorchs_windows() -> None:
    # PyTorch's adaptive pooling reads rows floor(i·W/out) .. ceil((i+1)·W/out) − 1.
    for size in range(1, 30):
        for out in range(1, 30):
            direct = sum(
                math.ceil((i + 1) * size / out) - math.floor(i * size / out) for i in range(out)
            )
            assert adaptive_windows(size, out) == direct


@pytest.mark.parametrize(
    "command", [("show", "FILE", "--format", "json"), ("explain", "FILE", "p")]
)
def test_adaptive_pool_of_a_billion_is_instant(tmp_path: Path, command: tuple[str, ...]) -> None:
    text = FLAT + "  - {name: p, type: adaptive_pool, size: 1000000000}\n"
    result = capped_run(tmp_path, text, *command, seconds=20)
    assert result.returncode == 0, result.stderr
    if command[0] == "show":
        # 10^9 is a multiple of 8: every output reads exactly one input per axis, so the
        # connections are C · 10^9 · 10^9.
        assert json.loads(result.stdout)["layers"][0]["connections"] == 10**18


def test_repeat_inside_repeat_is_counted_before_it_is_expanded(tmp_path: Path) -> None:
    text = (
        "name: n\ninput: [1, 8, 8]\nblocks:\n"
        "  inner: {layers: [{type: activation, fn: relu}]}\n"
        "  outer: {layers: [{block: inner, repeat: 999}]}\n"
        "layers:\n  - {block: outer, repeat: 1000}\n"
    )
    refused(capped_run(tmp_path, text, "show", "FILE", seconds=10), "CNNCALC_MAX_LAYERS")


def test_repeats_up_to_the_bound_still_expand(tmp_path: Path) -> None:
    text = (
        "name: n\ninput: [1, 8, 8]\nblocks:\n"
        "  inner: {layers: [{type: activation, fn: relu}]}\n"
        "  outer: {layers: [{block: inner, repeat: 100}]}\n"
        "layers:\n  - {block: outer, repeat: 100}\n"
    )
    result = capped_run(tmp_path, text, "show", "FILE", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["layers"]) == 100 * 100


def test_400_nested_blocks_are_refused_without_a_traceback(tmp_path: Path) -> None:
    blocks = "".join(f"  b{i}: {{layers: [{{block: b{i + 1}}}]}}\n" for i in range(399))
    text = (
        f"name: n\ninput: [1, 8, 8]\nblocks:\n{blocks}"
        "  b399: {layers: [{type: flatten}]}\nlayers:\n  - {block: b0}\n"
    )
    refused(capped_run(tmp_path, text, "show", "FILE", seconds=10), "blocks nested more than 100")


def test_330000_layers_are_refused_up_front(tmp_path: Path) -> None:
    result = capped_run(tmp_path, chain(330_000), "show", "FILE", seconds=10)
    refused(result, "CNNCALC_MAX_FILE_BYTES")
    # With a larger file bound, 330,000 small layers (990,000 values, within the
    # values bound) meet the layer bound before any layer is analysed.
    small = FLAT + "  - {type: flatten}\n" * 330_000
    raised = {"CNNCALC_MAX_FILE_BYTES": str(16 * 2**20)}
    result = capped_run(tmp_path, small, "show", "FILE", env=raised, seconds=60)
    refused(result, "more than 10,000 layers (CNNCALC_MAX_LAYERS)")


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_the_largest_network_within_the_defaults_fits(tmp_path: Path, fmt: str) -> None:
    result = capped_run(tmp_path, chain(10_000), "show", "FILE", "--format", fmt, seconds=60)
    assert result.returncode == 0, result.stderr
    if fmt == "json":
        assert len(json.loads(result.stdout)["layers"]) == 10_000


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("CNNCALC_MAX_FIGURE_DIGITS", "99999999999999999999"),
        ("CNNCALC_MAX_FILE_BYTES", "99999999999"),
        ("CNNCALC_MAX_LAYERS", "0"),
        ("CNNCALC_MAX_INT_DIGITS", "4301"),  # Python prints integers up to 4,300 digits
    ],
)
def test_limit_variables_out_of_range_are_one_line(
    tmp_path: Path, variable: str, value: str
) -> None:
    result = capped_run(tmp_path, chain(1), "show", "FILE", env={variable: value}, seconds=10)
    refused(result, f"${variable}:1:1: must be a positive whole number up to")


def test_no_buffer_is_sized_by_the_file_limit(tmp_path: Path) -> None:
    # 1 GiB is the largest bound accepted, and the whole address space allowed here.
    result = capped_run(
        tmp_path, chain(3), "show", "FILE", env={"CNNCALC_MAX_FILE_BYTES": str(GIB)}, seconds=10
    )
    assert result.returncode == 0, result.stderr
    path = tmp_path / "net.yaml"
    with path.open("rb") as stdin:
        piped = subprocess.run(
            [sys.executable, "-m", "cnncalc", "show", "-"],
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=10,
            preexec_fn=_capped,
            env={**os.environ, "CNNCALC_MAX_FILE_BYTES": str(GIB)},
            cwd=ROOT,
        )
    assert piped.returncode == 0, piped.stderr
