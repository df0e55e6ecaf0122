"""How numbers and shapes read in tables."""

from __future__ import annotations

from cnncalc.model.layers.base import Shape
from cnncalc.visible import json_visible, visible


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
