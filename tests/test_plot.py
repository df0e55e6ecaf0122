"""`cnncalc plot`: each format produced and well-formed, text kept as text in SVG,
one error line without matplotlib or with an unknown extension."""

from __future__ import annotations

import os
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from conftest import run_cli

if not os.environ.get("CI"):  # CI installs the plot extra: there it must not skip
    pytest.importorskip("matplotlib")

SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(path: Path) -> list[str]:
    root = ElementTree.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def test_one_architecture_as_svg(tmp_path: Path) -> None:
    chart = tmp_path / "lenet5.svg"
    result = run_cli(["plot", "lenet5", "-o", str(chart)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    texts = svg_texts(chart)
    # Title, legend and axis labels are <text>, not outlines (svg.fonttype none).
    for label in (
        "LeNet-5: parameters per layer",
        "with weight sharing",
        "without weight sharing",
        "fully connected",
        "parameters (log scale)",
        "layer",
    ):
        assert label in texts
    # LeNet-5's six layers with parameters (the paper's C1 … F6); OUTPUT's 840 fixed
    # RBF values are no trainable parameters and have no bar.
    for name in ("C1", "S2", "C3", "S4", "C5", "F6"):
        assert name in texts
    assert "OUTPUT" not in texts


def test_several_architectures_as_png_and_pdf(tmp_path: Path) -> None:
    png, pdf = tmp_path / "zoo.png", tmp_path / "zoo.pdf"
    for path in (png, pdf):
        result = run_cli(["plot", "lenet5", "alexnet", "-o", str(path)])
        assert result.exit_code == 0, result.stderr
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert pdf.read_bytes().rstrip().endswith(b"%%EOF")
    svg = tmp_path / "zoo.svg"
    run_cli(["plot", "lenet5", "alexnet", "-o", str(svg)])
    texts = svg_texts(svg)
    assert {"Parameters per architecture", "LeNet-5", "AlexNet", "architecture"} <= set(texts)


def test_unknown_extension_is_exit_2(tmp_path: Path) -> None:
    result = run_cli(["plot", "lenet5", "-o", str(tmp_path / "chart.jpg")])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "name the file .svg, .png or .pdf" in result.stderr
    assert not (tmp_path / "chart.jpg").exists()


def test_without_matplotlib_one_line_names_the_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib fails
    result = run_cli(["plot", "lenet5", "-o", str(tmp_path / "chart.svg")])
    assert result.exit_code == 2
    assert result.stderr == "error: plot needs matplotlib: pip install 'cnncalc[plot]'\n"


def test_unwritable_file_is_exit_2(tmp_path: Path) -> None:
    result = run_cli(["plot", "lenet5", "-o", str(tmp_path / "missing" / "chart.svg")])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "cannot write the chart" in result.stderr
