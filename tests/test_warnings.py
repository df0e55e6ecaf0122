"""Warnings summarised: one line per file and kind, a count past a few files, bundled
files by their bundled name, and "1 column is"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import run_cli

# A 2×2 window at stride 2 over 9 columns: (9 − 2) / 2 = 3.5, so the last column is
# never read; over 8 rows (8 − 2) / 2 = 3 tiles exactly.
ONE_COLUMN = """\
name: t
input: [1, 8, 9]
layers:
  - {name: a, type: conv, filters: 2, kernel: 2, stride: 2}
"""
# Width 10 with a 3-wide window at stride 4: (10 − 3) / 4 = 1.75, windows at 0 and 4
# reach column 6, so the last 3 columns are never read.
THREE_COLUMNS = ONE_COLUMN.replace("[1, 8, 9]", "[1, 8, 10]").replace(
    "kernel: 2, stride: 2", "kernel: [2, 3], stride: [2, 4]"
)


def warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("warning: ")]


def test_one_kind_in_one_file_is_one_line() -> None:
    result = run_cli(["show", "resnet18", "--format", "csv"])
    # ResNet-18's stride-2 1×1 shortcuts read even inputs: (56 − 1) / 2 = 27.5,
    # (28 − 1) / 2 = 13.5, (14 − 1) / 2 = 6.5 — three layers drop a row and a column.
    (line,) = warnings(result.stderr)
    assert line.startswith("warning: resnet18:")  # the bundled name, not a path
    assert "3 layers: the last row and the last column of the input are never read" in line
    for name in ("layer2.0.downsample.0", "layer3.0.downsample.0", "layer4.0.downsample.0"):
        assert name in line
    assert line.endswith("--strict makes this an error")


def test_grammar_of_one_and_several(write: Any) -> None:
    one = run_cli(["show", str(write(ONE_COLUMN)), "--format", "csv"])
    assert "the last column of the input is never read" in one.stderr
    three = run_cli(["show", str(write(THREE_COLUMNS, "three.yaml")), "--format", "csv"])
    assert "the last 3 columns of the input are never read" in three.stderr


def test_compare_of_the_zoo_warns_once_per_file_and_kind() -> None:
    result = run_cli(["compare", "--format", "csv"])
    lines = warnings(result.stderr)
    # R3D-18, ResNet-18, -34 and -50 (their strided 1×1 shortcuts) and SqueezeNet 1.0
    # (conv1: (224 − 7) / 2 = 108.5): one line each. M5's pools lose different amounts,
    # so two lines: unit2.pool (122 − 4) / 4 = 29.5, the last 2 positions; unit4.pool
    # (5 − 4) / 4 = 0.25, the last.
    assert len(lines) == 7
    assert [line.split(":")[1].strip() for line in lines] == [
        "m5",
        "m5",
        "r3d_18",
        "resnet18",
        "resnet34",
        "resnet50",
        "squeezenet1_0",
    ]


def test_check_of_many_files_counts_the_rest(tmp_path: Path) -> None:
    for i in range(12):
        (tmp_path / f"n{i:02}.yaml").write_text(ONE_COLUMN, encoding="utf-8")
    result = run_cli(["check", str(tmp_path)])
    lines = warnings(result.stderr)
    assert len(lines) == 4
    assert lines[-1] == "warning: and 9 more warnings in 9 more files (--strict makes them errors)"
