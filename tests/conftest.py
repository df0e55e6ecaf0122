"""Shared helpers: build architectures from dicts or text, run the CLI like a user.

Also a rule for CI: the PyTorch oracle and the comparisons with torchinfo, fvcore and
thop are the strongest checks, so when CI=true a skip of any of them fails the run
(locally they may skip, and `-rs` shows why).
"""

from __future__ import annotations

import os
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import cnncalc
from cnncalc.cli import cli
from cnncalc.figures.analysis import Analysis, LayerResult
from cnncalc.reading.architecture import from_dict

# Test files whose every skip, under CI, is a failure: the torch oracle, the networks
# held to torchvision's models and to torch definitions (U-Net, M5), and the presets
# compared with what torchinfo, fvcore and thop count.
ORACLE_FILES = frozenset(
    {
        "test_torch_oracle.py",
        "test_against_torchvision.py",
        "test_unet_and_m5.py",
        "test_conventions.py",
    }
)
# A skip anywhere because one of these cannot be imported fails under CI too.
ORACLE_PACKAGES = ("torch", "torchvision", "torchinfo", "fvcore", "thop", "onnx")


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"true", "1"}


def _oracle_skip(report: pytest.TestReport | pytest.CollectReport, path: Path) -> bool:
    if not report.skipped or not _in_ci():
        return False
    if path.name in ORACLE_FILES:
        return True
    reason = str(report.longrepr)
    return any(f"could not import '{package}" in reason for package in ORACLE_PACKAGES)


def _fail(report: pytest.TestReport | pytest.CollectReport) -> None:
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
    report.outcome = "failed"
    report.longrepr = (
        f"skipped under CI=true, where the oracle must run: {reason}"
        " (install torch, torchvision, torchinfo, fvcore, thop and onnx as .ci/run does)"
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if _oracle_skip(report, item.path):
        _fail(report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    # A whole file skipped at import (pytest.importorskip at module level).
    report = yield
    if _oracle_skip(report, collector.path):
        _fail(report)
    return report


# A fixed width and no colour: output is the same on every machine.
CLI_ENV = {"NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"}


def run_cli(args: Sequence[str], stdin: str | bytes | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin, env=CLI_ENV, catch_exceptions=False)


def analyse_layers(input_shape: Sequence[int], *layers: dict[str, Any]) -> Analysis:
    """Analyse a small network given as plain dicts (the Python API's dict form)."""
    arch = from_dict({"name": "test", "input": list(input_shape), "layers": list(layers)})
    return cnncalc.analyse(arch)


def only_layer(input_shape: Sequence[int], layer: dict[str, Any]) -> LayerResult:
    return analyse_layers(input_shape, layer).layers[0]


@pytest.fixture
def write(tmp_path: Path) -> Any:
    """write(text, name='net.yaml') -> path of a file holding text (str or bytes)."""

    def _write(content: str | bytes, name: str = "net.yaml") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write
