"""How numbers and shapes read in tables."""

from __future__ import annotations

from typing import Protocol

from cnncalc.model.layers.base import Shape
from cnncalc.visible import json_visible, visible


class HasInputs(Protocol):
    """An analysis or an explanation: the first input's shape, and every named input."""

    @property
    def input(self) -> Shape: ...

    @property
    def named_inputs(self) -> tuple[tuple[str, Shape], ...]: ...


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


def inputs_text(network: HasInputs) -> str:
    """'input 1×28×28', or with named inputs 'inputs left 1×28×28, right 1×28×28'."""
    if not network.named_inputs:
        return f"input {shape_text(network.input)}"
    return "inputs " + ", ".join(
        f"{shown(name)} {shape_text(shape)}" for name, shape in network.named_inputs
    )
