"""How numbers and shapes read in tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cnncalc.model.layers.base import Shape
from cnncalc.visible import json_visible, visible

if TYPE_CHECKING:
    from cnncalc.figures.analysis import Analysis


def shown(text: str) -> str:
    """Text from a file (a name, a path) as an output shows it: controls made visible."""
    return visible(text)


def shown_json(document: str) -> str:
    """A JSON document whose strings show no hidden or controlling character raw."""
    return json_visible(document)


def thousands(value: int) -> str:
    return f"{value:,}"


def shape_text(shape: Shape, times: str = "×") -> str:
    return times.join(str(n) for n in shape)


def inputs_text(analysis: Analysis) -> str:
    """'input 1×28×28', or with named inputs 'inputs left 1×28×28, right 1×28×28'."""
    if not analysis.named_inputs:
        return f"input {shape_text(analysis.input)}"
    return "inputs " + ", ".join(
        f"{shown(name)} {shape_text(shape)}" for name, shape in analysis.named_inputs
    )
