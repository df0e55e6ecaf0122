"""`cnncalc check`: budgets, exit codes 0/1/2, table/json/github formats, JUnit XML.

The example files live in tests/data/check; each file's first line states its
figures by hand arithmetic: a conv 2@3×3 on 1×8×8 has params 2·(3·3·1 + 1) = 20 and
macs 6·6·2·9 = 648 (docs/figures.md). Budgets and positions below are read off the files.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cnncalc.cli import cli
from cnncalc.reading import catalog
from cnncalc.reading.sizes import SizeError, parse_size
from cnncalc.reports.budget_check import check, expand_arguments, parse_limits

DATA = Path(__file__).parent / "data" / "check"
INVALID = Path(__file__).parent / "data" / "invalid"
ENV = {"NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"}

# ::error file=F,line=L,col=C,title=T::message (GitHub workflow command syntax)
WORKFLOW = re.compile(
    r"^::(?P<command>error|warning|notice) "
    r"file=(?P<file>[^,:]+),line=(?P<line>\d+),col=(?P<col>\d+),title=(?P<title>[^,:]+)"
    r"::(?P<message>.+)$"
)


def run(args: Sequence[str], stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["check", *args], input=stdin, env=ENV, catch_exceptions=False)


def as_json(result: Result) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(result.stdout)
    return document


@pytest.fixture(autouse=True)
def in_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from tests/data/check so file names print as given (within.yaml)."""
    monkeypatch.chdir(DATA)


# --- exit codes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "code"),
    [
        (["within.yaml"], 0),
        (["over.yaml"], 1),
        (["bad_budget.yaml"], 2),
        (["within.yaml", "over.yaml"], 1),  # one exceeded budget fails the set
        (["over.yaml", "bad_budget.yaml", "within.yaml"], 2),  # invalid input wins
        (["within.yaml", "nobudget.yaml"], 0),  # unchecked is reported, not a failure
    ],
)
def test_exit_codes(files: list[str], code: int) -> None:
    result = run(files)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output


def test_within_budget_table() -> None:
    result = run(["within.yaml"])
    assert result.exit_code == 0
    assert result.stderr == ""
    rows = [line.split() for line in result.stdout.splitlines()]
    # params 20 of 20: headroom (20 − 20)/20 = 0.0 %; macs 648 of 1,000: (1000 − 648)/1000 = 35.2 %
    assert ["tiny-within", "within.yaml", "params", "20", "20", "+0.0%", "pass"] in rows
    assert ["tiny-within", "within.yaml", "macs", "648", "1,000", "+35.2%", "pass"] in rows
    assert "2 passed, 0 failed, 0 unchecked, 0 invalid: all within budget" in result.stdout


def test_over_budget_table_and_json() -> None:
    table = run(["over.yaml"])
    assert table.exit_code == 1
    rows = [line.split() for line in table.stdout.splitlines()]
    # (19 − 20)/19 = −5.26 %
    assert ["tiny-over", "over.yaml", "params", "20", "19", "-5.3%", "FAIL"] in rows

    document = as_json(run(["over.yaml", "--format", "json"]))
    assert document == {
        "passed": False,
        "results": [
            {
                "architecture": "tiny-over",
                "file": "over.yaml",
                "figure": "params",
                "value": 20,
                "limit": 19,
                "headroom_percent": -5.26,  # (19 − 20)/19·100 = −5.263…
                "status": "fail",
                "origin": "file",
                "line": 7,  # `  params: 19` is line 7, its value at column 11
                "column": 11,
                "error": None,
            }
        ],
    }


def test_invalid_file_is_reported_and_the_others_still_checked() -> None:
    result = run(["bad_budget.yaml", "over.yaml", "within.yaml", "--format", "json"])
    assert result.exit_code == 2
    # One error line: bad_budget.yaml line 6 `  params: 12X`, value at column 11.
    assert result.stderr.splitlines() == [
        "error: bad_budget.yaml:6:11: budgets: '12X' has an unknown suffix 'X'; "
        "use k, M, G, T or P (powers of 1000)"
    ]
    document = as_json(result)
    assert document["passed"] is False
    assert [(r["file"], r["figure"], r["status"]) for r in document["results"]] == [
        ("bad_budget.yaml", None, "error"),
        ("over.yaml", "params", "fail"),
        ("within.yaml", "params", "pass"),
        ("within.yaml", "macs", "pass"),
    ]
    assert document["results"][0]["line"] == 6


def test_missing_file_is_invalid_but_others_checked() -> None:
    result = run(["within.yaml", "no-such-file.yaml"])
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("error: no-such-file.yaml:1:1: no such file")
    assert "tiny-within" in result.stdout


def test_unchecked_file_is_reported() -> None:
    result = run(["nobudget.yaml", "--format", "json"])
    assert result.exit_code == 0
    [record] = as_json(result)["results"]
    assert record["status"] == "unchecked"
    assert record["architecture"] == "tiny-nobudget"
    assert record["figure"] is None
    table = run(["nobudget.yaml"])
    assert "unchecked" in table.stdout
    assert "0 passed, 0 failed, 1 unchecked, 0 invalid" in table.stdout


# --- flags -----------------------------------------------------------------------------


def test_flag_wins_over_the_file_budget() -> None:
    # over.yaml has params 20 and a file budget of 19; --max-params 25 replaces it.
    result = run(["over.yaml", "--max-params", "25", "--format", "json"])
    assert result.exit_code == 0
    [record] = as_json(result)["results"]
    assert (record["limit"], record["status"], record["origin"]) == (25, "pass", "flag")
    assert record["line"] == 7  # still points at the file's params budget


def test_flags_apply_to_files_without_budgets() -> None:
    # macs 648 > 600 fails; params 20 ≤ 61k (61,000) passes.
    result = run(["nobudget.yaml", "--max-macs", "600", "--max-params", "61k", "--format", "json"])
    assert result.exit_code == 1
    records = as_json(result)["results"]
    assert [(r["figure"], r["value"], r["limit"], r["status"]) for r in records] == [
        ("params", 20, 61_000, "pass"),
        ("macs", 648, 600, "fail"),
    ]


@pytest.mark.parametrize(
    ("flag", "figure"),
    [
        # conv 2@3×3 on 1×8×8 (contract §2): params_unshared 6·6·2·(9 + 1) = 720;
        # connections 6·6·2·(9 + 1) = 720; neurons 2·6·6 = 72 (the conv has params).
        ("--max-params-unshared", 720),
        ("--max-connections", 720),
        ("--max-neurons", 72),
    ],
)
def test_every_figure_flag(flag: str, figure: int) -> None:
    assert run(["nobudget.yaml", flag, str(figure)]).exit_code == 0
    assert run(["nobudget.yaml", flag, str(figure - 1)]).exit_code == 1


# --- sizes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("4.1G", 4_100_000_000),  # 4.1 · 10⁹, exactly (no float rounding)
        ("61_000", 61_000),
        ("61k", 61_000),
        ("25M", 25_000_000),
        ("61000", 61_000),
        ("1.5G", 1_500_000_000),
    ],
)
def test_sizes_parse_exactly(text: str, value: int) -> None:
    assert parse_size(text) == value
    assert parse_limits({"macs": text}) == {"macs": value}


@pytest.mark.parametrize("text", ["-3M", "12X", "1e999", "", "inf", "nan", "1.05k5", "9" * 5000])
def test_nonsense_sizes_raise(text: str) -> None:
    with pytest.raises(SizeError):
        parse_limits({"params": text})


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("-3M", "is not a size"),
        ("12X", "unknown suffix 'X'"),
        ("1e999", "is not a size"),
        ("1.5", "not a whole number"),
    ],
)
def test_nonsense_size_flag_is_one_error_line(text: str, reason: str) -> None:
    # --max-params=-3M: with `=`, so that click does not read -3M as an option.
    result = run(["within.yaml", f"--max-params={text}"])
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("error: --max-params: ")
    assert reason in line


# --- github ------------------------------------------------------------------------------


def test_github_format_points_at_the_budget_line() -> None:
    result = run(["over.yaml", "within.yaml", "bad_budget.yaml", "--format", "github"])
    assert result.exit_code == 2
    commands = [WORKFLOW.match(line) for line in result.stdout.splitlines()]
    matched = [m for m in commands if m]
    found = {(m["command"], m["file"], m["line"], m["col"]) for m in matched}
    # over.yaml: `  params: 19` is line 7, value at column 11.
    # bad_budget.yaml: `  params: 12X` is line 6, value at column 11.
    assert found == {("error", "over.yaml", "7", "11"), ("error", "bad_budget.yaml", "6", "11")}
    over = next(m for m in matched if m["file"] == "over.yaml")
    assert over["title"] == "cnncalc%3A params over budget"
    assert "params 20 exceeds the budget 19 by 1" in over["message"]
    # Every other line is a plain log line (never a malformed command).
    for line in result.stdout.splitlines():
        assert not line.startswith("::") or WORKFLOW.match(line), line


def test_github_format_warns_about_unchecked_files() -> None:
    result = run(["nobudget.yaml", "--format", "github"])
    assert result.exit_code == 0
    [warning] = [m for m in map(WORKFLOW.match, result.stdout.splitlines()) if m]
    assert (warning["command"], warning["file"], warning["line"]) == (
        "warning",
        "nobudget.yaml",
        "1",
    )


def test_github_escapes_newlines_and_percent(tmp_path: Path) -> None:
    from cnncalc.render.check import workflow_command

    line = workflow_command("error", "a,b:c.yaml", 3, 4, "t", "100% sure\nsecond line")
    assert line == "::error file=a%2Cb%3Ac.yaml,line=3,col=4,title=t::100%25 sure%0Asecond line"


# --- JUnit -------------------------------------------------------------------------------


def test_junit_report_counts(tmp_path: Path) -> None:
    report = tmp_path / "report.xml"
    files = ["within.yaml", "over.yaml", "nobudget.yaml", "bad_budget.yaml"]
    result = run([*files, "--junit", str(report)])
    assert result.exit_code == 2
    root = ET.parse(report).getroot()
    assert root.tag == "testsuites"
    [suite] = root.findall("testsuite")
    cases = suite.findall("testcase")
    # within: 2 budgets, over: 1, nobudget: 1 (skipped), bad_budget: 1 (error) = 5
    assert len(cases) == 5
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("5", "1", "1")
    assert suite.get("skipped") == "1"
    assert sum(1 for c in cases if c.find("failure") is not None) == 1
    assert sum(1 for c in cases if c.find("error") is not None) == 1
    assert sum(1 for c in cases if c.find("skipped") is not None) == 1
    failing = next(c for c in cases if c.find("failure") is not None)
    # The class name drops ".yaml": CI servers split class names into packages at dots.
    assert failing.get("classname") == "over"
    assert failing.get("line") == "7"
    invalid = next(c for c in cases if c.find("error") is not None)
    assert invalid.get("name") == "bad_budget.yaml"  # named after the file, not "load"
    # Real times: each testcase a share of its file's time, the suite their sum.
    times = [float(c.get("time", "nan")) for c in cases]
    assert all(t > 0 for t in times)
    assert float(suite.get("time", "nan")) == pytest.approx(sum(times), abs=1e-5)


def test_junit_classname_has_no_dots(tmp_path: Path) -> None:
    folder = tmp_path / "nets"
    folder.mkdir()
    (folder / "resnet.v2.yaml").write_text(
        (DATA / "within.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    report = tmp_path / "report.xml"
    assert run([str(folder), "--junit", str(report)]).exit_code == 0
    classes = {c.get("classname") for c in ET.parse(report).getroot().iter("testcase")}
    assert classes == {str(folder / "resnet_v2")}


def test_junit_missing_folder_fails_before_any_work() -> None:
    # The ARCH does not exist either: only the report's folder is named, so nothing
    # was checked first.
    result = run(["no-such-file.yaml", "--junit", "missing-dir/r.xml"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: missing-dir/r.xml:1:1: cannot write the JUnit report: its folder does not exist\n"
    )


def test_junit_all_pass(tmp_path: Path) -> None:
    report = tmp_path / "report.xml"
    assert run(["within.yaml", "--junit", str(report), "--format", "json"]).exit_code == 0
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("2", "0", "0")


def test_junit_unwritable_path_is_bad_usage(tmp_path: Path) -> None:
    result = run(["within.yaml", "--junit", str(tmp_path / "missing-dir" / "r.xml")])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert len(result.stderr.splitlines()) == 1


# --- arguments ---------------------------------------------------------------------------


def test_directory_expands_to_sorted_yaml_files(tmp_path: Path) -> None:
    for name in ("b.yaml", "a.yml", "sub/c.yaml", ".hidden/d.yaml", ".pre-commit-config.yaml"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text((DATA / "within.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not yaml", encoding="utf-8")
    found = expand_arguments([str(tmp_path)])
    assert found == [str(tmp_path / n) for n in ("a.yml", "b.yaml", "sub/c.yaml")]
    result = run([str(tmp_path), "--format", "json"])
    assert result.exit_code == 0
    # 3 files · 2 budgets each
    assert len(as_json(result)["results"]) == 6


def test_empty_directory_is_invalid(tmp_path: Path) -> None:
    result = run([str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {tmp_path}:1:1: ")


def test_stdin(tmp_path: Path) -> None:
    text = (DATA / "over.yaml").read_text(encoding="utf-8")
    result = run(["-", "--format", "json"], stdin=text)
    assert result.exit_code == 1
    assert as_json(result)["results"][0]["file"] == "<stdin>"


def test_strict_turns_warnings_into_invalid_input(tmp_path: Path) -> None:
    # conv 3×3 stride 2 on 8×8: (8 − 3)/2 = 2.5 is not whole: the last row/column unread.
    path = tmp_path / "net.yaml"
    path.write_text(
        "name: n\ninput: [1, 8, 8]\nlayers:\n"
        "  - {type: conv, filters: 1, kernel: 3, stride: 2}\nbudgets: {params: 10}\n",
        encoding="utf-8",
    )
    relaxed = run([str(path)])
    assert relaxed.exit_code == 0  # params 1·(9 + 1) = 10 ≤ 10
    assert relaxed.stderr.startswith("warning: ")
    assert run([str(path), "--strict"]).exit_code == 2


def test_no_arch_checks_every_bundled_architecture() -> None:
    """The project's own CI gate: every bundled file has budgets and keeps within them."""
    result = run(["--format", "json"])
    assert result.exit_code == 0, result.output
    records = as_json(result)["results"]
    files = {r["file"] for r in records}
    assert files == {catalog.display_path(name) for name in catalog.names()}
    assert all(r["status"] == "pass" for r in records), [
        r for r in records if r["status"] != "pass"
    ]


def test_core_collects_results_before_reporting() -> None:
    report = check(["over.yaml", "bad_budget.yaml", "within.yaml"])
    assert [r.status for r in report.results] == ["fail", "error", "pass", "pass"]
    assert report.outcome == "invalid"
    assert [str(e) for e in report.errors] == [
        "bad_budget.yaml:6:11: budgets: '12X' has an unknown suffix 'X'; "
        "use k, M, G, T or P (powers of 1000)"
    ]


def test_invalid_examples_exit_2_with_one_line() -> None:
    """Every file in tests/data/invalid is rejected by `check` (exit 2, one error line)."""
    for path in sorted(INVALID.glob("*.yaml")):
        result = run([str(path)])
        assert result.exit_code == 2, path
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: {path}:"), (path, lines)


# --- many files in worker processes --------------------------------------------------------


def _monorepo(root: Path, copies: int) -> list[str]:
    """A folder of many files: the four examples in turn, plus one that warns."""
    warns = (
        "name: warns\ninput: [1, 8, 8]\nlayers:\n"
        "  - {type: conv, filters: 1, kernel: 3, stride: 2}\nbudgets: {params: 10}\n"
    )
    sources = [
        *(DATA / n for n in ("within.yaml", "over.yaml", "bad_budget.yaml", "nobudget.yaml"))
    ]
    for index in range(copies):
        folder = root / f"team{index % 7}"
        folder.mkdir(exist_ok=True)
        if index % 5 == 4:
            (folder / f"net{index:03d}.yaml").write_text(warns, encoding="utf-8")
        else:
            source = sources[index % len(sources)]
            (folder / f"net{index:03d}.yaml").write_text(source.read_text("utf-8"), "utf-8")
    return [str(root)]


def test_workers_give_the_same_report_as_one_process(tmp_path: Path) -> None:
    """--jobs changes how the files are checked, not the report: same results, errors
    (with their positions) and warnings, in the same order."""
    arguments = _monorepo(tmp_path, 150)
    serial = check(arguments, jobs=1)
    parallel = check(arguments, jobs=3)
    assert len(serial.results) > 150  # within.yaml holds two budgets
    # An exception compares by identity: compare each error by what it says.
    assert [_comparable(r) for r in parallel.results] == [_comparable(r) for r in serial.results]
    assert len(parallel.errors) == 30  # every fourth of the 120 files that do not warn
    assert parallel.warnings == serial.warnings
    assert {r.status for r in parallel.results} == {"pass", "fail", "error", "unchecked"}


def _comparable(result: Any) -> tuple[Any, ...]:
    # Every field but the error object (compared as text) and the seconds (differ run
    # to run).
    fields = ("status", "source", "architecture", "figure", "value", "limit", "origin", "position")
    return (*(getattr(result, name) for name in fields), str(result.error))


def test_workers_from_the_command_line(tmp_path: Path) -> None:
    arguments = _monorepo(tmp_path, 80)
    outputs = [
        subprocess_check([*arguments, "--format", "json", "--jobs", jobs]) for jobs in ("1", "2")
    ]
    assert outputs[0] == outputs[1]
    assert outputs[0][0] == 2  # bad_budget.yaml is invalid input


def subprocess_check(arguments: list[str]) -> tuple[int, str, str]:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "cnncalc", "check", *arguments],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **ENV},
    )
    return result.returncode, result.stdout, result.stderr


def test_worker_count() -> None:
    from cnncalc.reports.budget_check import PARALLEL_MIN_FILES, worker_count

    few = ["a.yaml"] * (2 * PARALLEL_MIN_FILES - 1)
    many = ["a.yaml"] * (10 * PARALLEL_MIN_FILES)
    assert worker_count(4, few) == 1  # below two runs' worth: one process
    assert worker_count(4, many) == 4
    assert worker_count(1, many) == 1
    assert worker_count(4, [*many, "-"]) == 1  # standard input is read here
    assert worker_count(0, many) >= 1  # 0: one per usable CPU


def test_errors_survive_the_trip_from_a_worker() -> None:
    import pickle

    from cnncalc.errors import CnncalcError
    from cnncalc.reading.document import parse

    with pytest.raises(CnncalcError) as caught:
        parse("a: [1\n", "x.yaml")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is type(caught.value)
    assert str(copy) == str(caught.value)
    assert copy.position == caught.value.position


def test_jobs_must_not_be_negative() -> None:
    result = run(["within.yaml", "--jobs", "-1"])
    assert result.exit_code == 2
    assert "--jobs" in result.stderr


def _square_unless_in_a_worker(number: int) -> int:
    """Dies at once in a worker process (as under the OOM killer); squares here."""
    if multiprocessing.parent_process() is not None:
        os._exit(1)
    return number * number


def test_a_worker_that_dies_leaves_its_work_to_this_process(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from cnncalc.reports.parallel import map_in_processes

    assert map_in_processes(_square_unless_in_a_worker, [1, 2, 3, 4], 2) == [1, 4, 9, 16]
    assert "worker process ended abruptly" in capsys.readouterr().err
