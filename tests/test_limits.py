"""Hostile input is refused quickly, within a memory limit, with one error line.

Each case runs the real command line in a subprocess whose address space is capped with
`resource.setrlimit(RLIMIT_AS)`, so a bound that failed would show as a MemoryError or
a crash here rather than as a slow machine. The expected positions are counted by hand
from the texts built below.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cnncalc.errors import CnncalcError
from cnncalc.reading import document, limits

resource = pytest.importorskip("resource")  # POSIX only

MEMORY_LIMIT = 768 * 2**20  # bytes of address space for each child
TIMEOUT = 60  # seconds; every case takes well under 5 s on a quiet machine

BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
)  # 10^9 x's once expanded, in 9 short lines


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    import os

    environment = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    result = subprocess.run(
        [sys.executable, "-m", "cnncalc", *args],
        input=stdin.decode("utf-8", "surrogateescape") if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=_cap_memory,
        env=environment,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def refused(path: Path, expected: str, env: dict[str, str] | None = None) -> str:
    result = run("show", str(path), "--format", "json", env=env)
    lines = result.stderr.splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}:"), lines
    assert expected in lines[0], lines[0]
    return lines[0]


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(BILLION_LAUGHS)
    # Values so far, keys included: a..e hold 11, 111, ..., 111,111 (each list 1 + 10
    # times the one before) and f 1,111,111: about 1.23 million after line 6; the first
    # alias *f on line 7 ("g: &g [*f, ...", column 8) adds 1,111,111 and passes 2 million.
    line = refused(path, "counting each use of a YAML alias in full")
    assert line.startswith(f"error: {path}:7:8:")


def test_oversized_file_is_refused_before_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("w") as handle:  # 5 MiB of comments: over the 4 MiB bound
        line = "# " + "x" * 1021 + "\n"
        for _ in range(5 * 1024):
            handle.write(line)
    refused(path, "larger than 4,194,304 bytes")


def test_oversized_stdin_is_refused() -> None:
    result = run(
        "show",
        "-",
        stdin=b"name: x\n" + b"#" * 2000 + b"\n",
        env={"CNNCALC_MAX_FILE_BYTES": "1000"},
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: <stdin>:1:1: the file is larger than 1,000 bytes")


@pytest.mark.parametrize("levels", [1_000, 100_000])
def test_deep_flow_nesting_is_refused(tmp_path: Path, levels: int) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("name: deep\ninput: " + "[" * levels + "]" * levels + "\n")
    # The top mapping is level 1; line 2 is "input: [[[..." with the first bracket at
    # column 8 (level 2), so the 100th bracket, at column 107, opens level 101.
    line = refused(path, "nested more than 100 levels deep")
    assert line.startswith(f"error: {path}:2:107:")


def test_deep_block_nesting_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("".join(" " * i + "a:\n" for i in range(1_000)))
    # Line i+1 opens level i+1 at column i+1: the mapping on line 101 is level 101.
    line = refused(path, "nested more than 100 levels deep")
    assert line.startswith(f"error: {path}:101:101:")


def test_millions_of_values_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "wide.yaml"
    path.write_text("a: [" + ",".join(["0"] * 1_000_001) + "]\n")
    refused(path, "more than 1,000,000 values", env={"CNNCALC_MAX_NODES": "1000000"})


def test_integer_with_too_many_digits_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "digits.yaml"
    path.write_text(
        "name: n\ninput: [1, 8, 8]\nlayers:\n  - {type: conv, filters: "
        + "9" * 5000
        + ", kernel: 1}\n"
    )
    refused(path, "has 5,000 digits")


def test_figures_beyond_the_bound_are_refused(tmp_path: Path) -> None:
    # Each 1×1 stride-2 conv doubles the jump; 2^1994 is the first power above 10^600
    # (1994 · log10 2 = 600.2), reached by the 1,994th conv, on line 3 + 1,994.
    path = tmp_path / "jumps.yaml"
    layers = ["  - {type: conv, filters: 1, kernel: 1, stride: 2}"] * 2_500
    path.write_text("name: j\ninput: [1, 1, 1]\nlayers:\n" + "\n".join(layers) + "\n")
    line = refused(path, "a figure exceeds 10^600")
    assert line.startswith(f"error: {path}:1997:5: layer 'conv1994'")


def test_ten_to_the_thirty_filters_are_computed_exactly(tmp_path: Path) -> None:
    path = tmp_path / "wide.yaml"
    path.write_text(
        "name: w\ninput: [1, 8, 8]\nlayers:\n  - {type: conv, filters: "
        + "1"
        + "0" * 30
        + ", kernel: 3}\n"
    )
    result = run("show", str(path), "--format", "json")
    assert result.returncode == 0, result.stderr
    layer = json.loads(result.stdout)["layers"][0]
    # 10^30 filters of 3·3·1 weights + 1 bias: 10 · 10^30 params; 6×6 outputs each.
    assert layer["params"] == 10 * 10**30
    assert layer["neurons"] == 36 * 10**30


def test_bounds_can_be_changed_by_environment(tmp_path: Path) -> None:
    path = tmp_path / "net.yaml"
    path.write_text("name: n\ninput: [1, 8, 8]\nlayers:\n  - {type: flatten}\n")
    # Three levels: the top mapping, `layers`, the layer mapping; a bound of 2 refuses
    # the layer mapping on line 4, column 5.
    line = refused(path, "nested more than 2 levels", env={"CNNCALC_MAX_DEPTH": "2"})
    assert line.startswith(f"error: {path}:4:5:")
    assert run("show", str(path), env={"CNNCALC_MAX_DEPTH": "3"}).returncode == 0


def test_a_bad_bound_is_bad_usage(tmp_path: Path) -> None:
    path = tmp_path / "net.yaml"
    path.write_text("name: n\ninput: [1, 8, 8]\nlayers:\n  - {type: flatten}\n")
    result = run("show", str(path), env={"CNNCALC_MAX_DEPTH": "lots"})
    assert result.returncode == 2
    assert result.stderr.startswith("error: $CNNCALC_MAX_DEPTH:1:1: must be a positive")


def test_no_tag_constructs_an_object() -> None:
    text = "name: !!python/object/apply:os.system ['echo hacked']\n"
    with pytest.raises(CnncalcError, match=r"tag !!python/object/apply:os\.system is not allowed"):
        document.parse(text, "evil.yaml")


def test_from_python_refuses_cycles_and_depth() -> None:
    data: dict[str, object] = {"name": "x"}
    data["self"] = data
    with pytest.raises(CnncalcError, match="contains itself"):
        document.from_python(data)
    deep: list[object] = []
    for _ in range(200):
        deep = [deep]
    with pytest.raises(CnncalcError, match="nested more than 100 levels"):
        document.from_python({"input": deep})


def test_defaults_are_the_documented_ones() -> None:
    # docs/hostile-input.md states these; change both together.
    assert (
        limits.Limits(
            file_bytes=4 * 2**20,
            nodes=2_000_000,
            depth=100,
            int_digits=100,
            figure_digits=600,
            layers=10_000,
        )
        == limits.DEFAULT
    )


def test_library_calls_leave_the_garbage_collector_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the console script pauses the cyclic collector (cnncalc.console): loading and
    analysing through the Python API never switch it off, freeze or move the host
    program's objects."""
    import gc

    import cnncalc
    from cnncalc.figures.analysis import analyse

    calls: list[str] = []
    for name in ("disable", "enable", "freeze", "unfreeze", "collect"):
        monkeypatch.setattr(gc, name, lambda *_, name=name: calls.append(name))
    analyse(cnncalc.bundled("resnet50"))
    analyse(cnncalc.load({"name": "n", "input": [1, 4, 4], "layers": [{"type": "flatten"}]}))
    assert calls == []
