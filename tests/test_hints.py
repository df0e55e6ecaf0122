"""Error messages for the first words a PyTorch or Keras user types."""

from __future__ import annotations

import pytest
from conftest import run_cli

LAYER = "name: t\ninput: [1, 8, 8]\nlayers:\n  - {{name: a, type: {type}{more}}}\n"


def error_of(layer_type: str, more: str = "") -> str:
    result = run_cli(["show", "-"], stdin=LAYER.format(type=layer_type, more=more))
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: <stdin>:4:")
    return line


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        # torch.nn.Linear, Keras Dense and the common abbreviation
        ("Linear", "type: dense"),
        ("fc", "type: dense"),
        ("Dense", "type: dense"),
        # torch.nn.ReLU / Softmax modules, Keras activations written as a type
        ("relu", "type: activation, fn: relu"),
        ("ReLU", "type: activation, fn: relu"),
        ("softmax", "type: activation, fn: softmax"),
        ("LeakyReLU", "type: activation, fn: leaky_relu"),
        # torch.nn.MaxPool2d / AvgPool2d, Keras MaxPooling2D
        ("MaxPool2d", "type: pool, mode: max"),
        ("AvgPool2d", "type: pool, mode: avg"),
        ("MaxPooling2D", "type: pool, mode: max"),
        ("Conv2d", "type: conv"),
    ],
)
def test_other_frameworks_names(written: str, meant: str) -> None:
    line = error_of(written)
    # Names with a rank (Conv2d) add that the input gives the rank.
    assert f"unknown layer type {written!r} (in cnncalc: {meant}" in line


def test_sharing_on_a_dense_layer() -> None:
    line = error_of("dense", ", units: 3, sharing: false")
    assert "dense layers share nothing" in line and "did you mean" not in line


def test_a_misspelled_command_suggests_the_nearest() -> None:
    result = run_cli(["shw", "lenet5"])
    assert result.exit_code == 2
    assert "No such command 'shw' (did you mean 'show'?)" in result.output


def test_a_bundled_name_written_as_a_file(tmp_path: object) -> None:
    result = run_cli(["show", "lenet5.yaml"])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: lenet5.yaml:1:1: no such file; the bundled architecture is named 'lenet5' "
        "(cnncalc show lenet5)\n"
    )
