"""How numbers and shapes read in tables."""

from __future__ import annotations

from cnncalc.layers.base import Shape


def thousands(value: int) -> str:
    return f"{value:,}"


def shape_text(shape: Shape, times: str = "×") -> str:
    return times.join(str(n) for n in shape)


def shown(text: str) -> str:
    """File-supplied text (layer, architecture and file names) as a table shows it."""
    return text
