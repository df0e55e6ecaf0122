"""`check`'s progress: a bar only for a person at a terminal; every file counted once."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from cnncalc.cli.check import wants_progress
from cnncalc.reports.budget_check import check

WITHIN = (Path(__file__).parent / "data" / "check" / "within.yaml").read_text(encoding="utf-8")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stream", "environ", "expected"),
    [
        (Terminal(), {}, True),
        (io.StringIO(), {}, False),  # a pipe or a file
        (Terminal(), {"CI": "true"}, False),
        (Terminal(), {"TERM": "dumb"}, False),
    ],
)
def test_a_bar_only_at_a_terminal(
    stream: io.StringIO, environ: dict[str, str], expected: bool
) -> None:
    assert wants_progress(stream, environ) is expected


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_file_counted_once(tmp_path: Path, jobs: int) -> None:
    # 70 files: with 2 jobs, two runs of at least 32 files go to worker processes.
    for i in range(70):
        (tmp_path / f"n{i:02}.yaml").write_text(WITHIN, encoding="utf-8")
    told: list[int] = []
    report = check([str(tmp_path)], jobs=jobs, progress=told.append)
    assert sum(told) == 70
    assert len(report.results) == 140  # within.yaml holds two budgets
