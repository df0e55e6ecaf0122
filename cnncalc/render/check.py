"""The four faces of a `CheckReport`: a table, JSON, GitHub workflow commands, JUnit XML.

They format the report's results; the figures, limits and headroom come computed.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from rich.text import Text

from cnncalc.render.grid import CellText, Column, Grid, render, wrapped
from cnncalc.render.text import shown, shown_json, thousands
from cnncalc.reports.budget_check import CheckReport, CheckResult

STATUS_WORDS = {"pass": "pass", "fail": "FAIL", "unchecked": "unchecked", "error": "invalid"}
STATUS_STYLES = {"pass": "green", "fail": "bold red", "unchecked": "yellow", "error": "bold red"}
NO_BUDGET = "no budget: add a budgets: mapping to the file or pass --max-params etc."


def headroom_text(result: CheckResult) -> str:
    headroom = result.headroom
    return "" if headroom is None else f"{headroom:+.1f}%"


def over_text(result: CheckResult) -> str:
    headroom = result.headroom
    return "" if headroom is None else f" ({-headroom:,.1f}% over)"


def summary_text(report: CheckReport) -> str:
    parts = [
        f"{report.count('pass')} passed",
        f"{report.count('fail')} failed",
        f"{report.count('unchecked')} unchecked",
        f"{report.count('error')} invalid",
    ]
    verdict = {"passed": "all within budget", "failed": "over budget", "invalid": "invalid input"}
    return f"{', '.join(parts)}: {verdict[report.outcome]}"


# --- table ------------------------------------------------------------------------


def check_table(
    report: CheckReport,
    width: int = 200,
    ascii_only: bool = False,
    display: Callable[[str], str] = lambda source: source,
) -> Text:
    """The results as a table fitting ``width`` (numbers and names never split);
    ``display`` names a file as the user knows it."""
    columns = (
        Column("Architecture", rank=1),
        Column("File"),
        Column("Figure"),
        Column("Value", right=True),
        Column("Limit", right=True),
        Column("Headroom", right=True, rank=0),
        Column("Status"),
    )
    rows: list[list[CellText]] = []
    for result in report.results:
        status = Text(STATUS_WORDS[result.status], style=STATUS_STYLES[result.status])
        if result.status == "error":
            rows.append(["", shown(display(result.source)), "", "", "", "", status])
            continue
        limit = "" if result.limit is None else thousands(result.limit)
        if result.origin == "flag":
            limit += " (flag)"
        rows.append(
            [
                shown(result.architecture or ""),
                shown(display(result.source)),
                result.figure or "—",
                "" if result.value is None else thousands(result.value),
                limit,
                headroom_text(result),
                status,
            ]
        )
    hint = "a wider terminal or --format json shows them"
    view = render(Grid("Budgets", columns, rows, hint=hint), width, ascii_only)
    view.append("\n" + wrapped(summary_text(report), width))
    return view


# --- json -------------------------------------------------------------------------


def result_record(result: CheckResult) -> dict[str, Any]:
    headroom = result.headroom
    record: dict[str, Any] = {
        "architecture": result.architecture,
        "file": result.source,
        "figure": result.figure,
        "value": result.value,
        "limit": result.limit,
        "headroom_percent": None if headroom is None else round(headroom, 2),
        "status": result.status,
        "origin": result.origin,
        "line": result.position.line,
        "column": result.position.column,
        "error": None,
    }
    if result.error is not None:
        record["line"] = result.error.position.line
        record["column"] = result.error.position.column
        record["error"] = result.error.message
    return record


def to_json(report: CheckReport) -> str:
    document = {
        "results": [result_record(result) for result in report.results],
        "passed": report.passed,
    }
    return shown_json(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"


# --- GitHub workflow commands --------------------------------------------------------
# https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions


def _escape_data(text: str) -> str:
    # Other controls made visible too: a log line must not carry escape sequences.
    return shown(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(
    command: str, file: str, line: int, column: int, title: str, message: str
) -> str:
    properties = ",".join(
        f"{key}={_escape_property(value)}"
        for key, value in (
            ("file", file),
            ("line", str(line)),
            ("col", str(column)),
            ("title", title),
        )
    )
    return f"::{command} {properties}::{_escape_data(message)}"


def result_message(result: CheckResult) -> str:
    """One sentence about a result, the same in GitHub annotations and JUnit."""
    if result.error is not None:
        return str(result.error)
    name = result.architecture or result.source
    if result.status == "unchecked":
        return f"{name}: {NO_BUDGET}"
    assert result.value is not None and result.limit is not None and result.figure
    via = " (set by flag)" if result.origin == "flag" else ""
    if result.status == "fail":
        return (
            f"{name}: {result.figure} {thousands(result.value)} exceeds the budget "
            f"{thousands(result.limit)}{via} by {thousands(result.excess or 0)}"
            f"{over_text(result)}"
        )
    return (
        f"{name}: {result.figure} {thousands(result.value)} is within the budget "
        f"{thousands(result.limit)}{via} ({headroom_text(result)} headroom)"
    )


def to_github(report: CheckReport) -> str:
    """`::error` per exceeded budget and invalid file, `::warning` per unchecked file
    and analysis warning, and a plain log line per budget within its limit."""
    lines = []
    for result in report.results:
        message = result_message(result)
        if result.status == "pass":
            lines.append(f"ok {shown(message)}")
        elif result.status == "error":
            assert result.error is not None
            position = result.error.position
            lines.append(
                workflow_command(
                    "error",
                    result.source,
                    position.line,
                    position.column,
                    "cnncalc: invalid architecture file",
                    result.error.message,
                )
            )
        else:
            position = result.position
            command = "error" if result.status == "fail" else "warning"
            title = (
                f"cnncalc: {result.figure} over budget"
                if result.status == "fail"
                else "cnncalc: no budget"
            )
            lines.append(
                workflow_command(
                    command, result.source, position.line, position.column, title, message
                )
            )
    for warning in report.warnings:
        lines.append(
            workflow_command(
                "warning",
                warning.source,
                warning.position.line,
                warning.position.column,
                "cnncalc: warning",
                warning.message,
            )
        )
    lines.append(summary_text(report))
    return "\n".join(lines) + "\n"


# --- JUnit XML --------------------------------------------------------------------------


def junit_classname(source: str) -> str:
    """The file as a JUnit class name: without its suffix and without dots, which CI
    servers read as package separators (nets/resnet.v2.yaml -> nets/resnet_v2)."""
    stem, suffix = os.path.splitext(os.path.normpath(source))
    if suffix not in (".yaml", ".yml"):
        stem += suffix
    return stem.replace(".", "_")


def _seconds(value: float) -> str:
    return f"{value:.6f}"


def to_junit(report: CheckReport) -> bytes:
    """One testsuite; one testcase per architecture and budget.

    An exceeded budget is a <failure>, an invalid file an <error> (its testcase named
    after the file), a file without any budget a <skipped> testcase. Times are the
    seconds spent loading and analysing, a file's shared among its budgets.
    """
    suite = ET.Element(
        "testsuite",
        {
            "name": "cnncalc check",
            "tests": str(len(report.results)),
            "failures": str(report.count("fail")),
            "errors": str(report.count("error")),
            "skipped": str(report.count("unchecked")),
            "time": _seconds(sum(result.seconds for result in report.results)),
        },
    )
    for result in report.results:
        if result.status == "error":
            name = result.source
            line = result.error.position.line if result.error else 1
        elif result.status == "unchecked":
            name = f"{result.architecture}: no budget"
            line = result.position.line
        else:
            name = f"{result.architecture}: {result.figure} <= {result.limit}"
            line = result.position.line
        # shown(): XML 1.0 forbids most controls even as character references.
        case = ET.SubElement(
            suite,
            "testcase",
            {
                "classname": shown(junit_classname(result.source)),
                "name": shown(name),
                "file": shown(result.source),
                "line": str(line),
                "time": _seconds(result.seconds),
            },
        )
        message = shown(result_message(result))
        if result.status == "fail":
            failure = ET.SubElement(case, "failure", {"message": message, "type": "OverBudget"})
            failure.text = message
        elif result.status == "error":
            error = ET.SubElement(case, "error", {"message": message, "type": "InvalidFile"})
            error.text = message
        elif result.status == "unchecked":
            ET.SubElement(case, "skipped", {"message": message})
        else:
            output = ET.SubElement(case, "system-out")
            output.text = message
    root = ET.Element(
        "testsuites",
        {
            "name": "cnncalc",
            "tests": suite.get("tests", "0"),
            "failures": suite.get("failures", "0"),
            "errors": suite.get("errors", "0"),
            "skipped": suite.get("skipped", "0"),
            "time": suite.get("time", "0"),
        },
    )
    root.append(suite)
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body + b"\n"
