"""The Python API documented in docs/python-api.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import cnncalc


def test_load_a_file_and_analyse(write: Any) -> None:
    path: Path = write(
        "name: n\ninput: [1, 32, 32]\nlayers:\n  - {name: C1, type: conv, filters: 6, kernel: 5}\n"
    )
    result = cnncalc.analyse(cnncalc.load(path))
    # LeNet-5's C1 (LeCun et al. 1998, section II.B): 6×28×28, 156 params, 122,304 connections.
    assert result.layer("C1").output == (6, 28, 28)
    assert (result.totals.params, result.layer("C1").connections) == (156, 122_304)


def test_load_a_dict_and_override_input() -> None:
    arch = cnncalc.load(
        {"name": "d", "input": [1, 28, 28], "layers": [{"type": "conv", "filters": 6, "kernel": 5}]}
    )
    assert cnncalc.analyse(arch).layers[0].params_unshared == 89_856  # 24·24·6·26
    # On 32×32 the same conv gives 28·28·6·26 = 122,304 without sharing.
    assert cnncalc.analyse(arch, input_shape=(1, 32, 32)).layers[0].params_unshared == 122_304


def test_bad_dict_raises_cnncalc_error() -> None:
    with pytest.raises(cnncalc.CnncalcError, match="did you mean 'conv'"):
        cnncalc.load({"name": "d", "input": [1, 8, 8], "layers": [{"type": "cnv"}]})


def test_bundled_and_unknown_name() -> None:
    assert cnncalc.analyse(cnncalc.bundled("lenet5")).totals.connections == 340_908  # paper
    with pytest.raises(KeyError):
        cnncalc.bundled("no-such-net")


def test_unknown_attribute() -> None:
    with pytest.raises(AttributeError):
        _ = cnncalc.nothing_here  # type: ignore[attr-defined]
