"""Shared helpers: build architectures from dicts or text, run the CLI like a user."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import cnncalc
from cnncalc.analysis import Analysis, LayerResult
from cnncalc.architecture import from_dict
from cnncalc.cli import cli

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
