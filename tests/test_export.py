"""`--export-svg` and `--export-html` on show, compare and explain: rich's own export.

Totals checked are the reference values of docs/figures.md (LeNet-5 paper: 60,000 trainable
parameters, 340,908 connections) and hand arithmetic in the comments.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import run_cli


def svg_text(path: Path) -> str:
    """The SVG must parse as XML; its visible text, one line per row of the terminal."""
    root = ElementTree.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    rows: dict[float, list[tuple[float, str]]] = {}
    for element in root.iter("{http://www.w3.org/2000/svg}text"):
        y, x = float(element.get("y", 0)), float(element.get("x", 0))
        rows.setdefault(y, []).append((x, "".join(element.itertext())))
    lines = ("".join(text for _, text in sorted(row)) for _, row in sorted(rows.items()))
    return "\n".join(lines).replace("\xa0", " ")


def html_text(path: Path) -> str:
    class Collect(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

    parser = Collect()
    parser.feed(path.read_text(encoding="utf-8"))
    return "".join(parser.parts)


def test_show_export_svg_and_html(tmp_path: Path) -> None:
    svg, html = tmp_path / "lenet5.svg", tmp_path / "lenet5.html"
    result = run_cli(["show", "lenet5", "--export-svg", str(svg), "--export-html", str(html)])
    assert result.exit_code == 0, result.stderr
    assert "60,000" in result.stdout  # the table still goes to stdout
    text = svg_text(svg)
    # LeNet-5 paper: 60,000 trainable parameters, 340,908 connections (the totals row)
    assert re.search(r"Total .*60,000.*340,908", text)
    page = html_text(html)
    assert "60,000" in page and "340,908" in page


def test_export_is_the_table_whatever_the_format(tmp_path: Path) -> None:
    svg = tmp_path / "out.svg"
    result = run_cli(["show", "lenet5", "--format", "json", "--export-svg", str(svg)])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["totals"]["params"] == 60_000  # stdout stays json
    assert "340,908" in svg_text(svg)


def test_compare_export(tmp_path: Path) -> None:
    svg = tmp_path / "compare.svg"
    result = run_cli(["compare", "alexnet", "--no-sharing", "--export-svg", str(svg)])
    assert result.exit_code == 0, result.stderr
    text = svg_text(svg)
    # AlexNet conv1: 105,705,600 / 34,944 = 3,025 (docs/figures.md reference values)
    assert "3,025×" in text
    # the total: the layers' parameters summed by hand (AlexNet, 2 GPUs, groups 2)
    total = 34_944 + 307_456 + 885_120 + 663_936 + 442_624 + 37_752_832 + 16_781_312 + 4_097_000
    assert f"{total:,}" in text


def test_explain_export(tmp_path: Path) -> None:
    html = tmp_path / "explain.html"
    result = run_cli(["explain", "lenet5", "C3", "--export-html", str(html)])
    assert result.exit_code == 0, result.stderr
    page = html_text(html)
    # LeNet-5 paper: C3 has 1,516 parameters
    assert "1,516" in page and "C3 (conv)" in page


@pytest.mark.parametrize("option", ["--export-svg", "--export-html"])
def test_unwritable_export_is_bad_input(tmp_path: Path, option: str) -> None:
    target = tmp_path / "no such folder" / "out.svg"
    result = run_cli(["show", "lenet5", option, str(target)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {target}:1:1: cannot write")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_exports_follow_no_color(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cnncalc.cli import cli

    def exported(no_color: str | None) -> str:
        page = tmp_path / f"compare-{no_color}.html"
        env = {"NO_COLOR": no_color, "COLUMNS": "120", "TERM": "dumb"}
        result = CliRunner().invoke(cli, ["compare", "lenet5", "--export-html", str(page)], env=env)
        assert result.exit_code == 0, result.stderr
        return page.read_text(encoding="utf-8")

    # The bars are green (with sharing) and yellow (without): rich's #008000 and #808000.
    coloured = exported(None)
    assert "#008000" in coloured and "#808000" in coloured
    plain = exported("1")
    assert "#008000" not in plain and "#808000" not in plain
    assert "60,000" in plain  # LeNet-5 paper: 60,000 trainable parameters
