"""Elementwise product of several tensors with broadcasting, as torch's `*`: the gate of
squeeze-and-excitation (a C×1×1 tensor times a C×H×W map)."""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.model.layers.base import LayerError, LayerKind, Note, Shape
from cnncalc.model.receptive import UNMAPPED, WindowSpec


def _shape_text(shape: Shape) -> str:
    return "×".join(str(n) for n in shape)


def broadcast(shapes: Sequence[Shape]) -> Shape | None:
    """torch's (NumPy's) rule: align the shapes at the right; on each axis the sizes are
    equal or 1, and the result takes the larger. None when they do not broadcast."""
    rank = max(len(shape) for shape in shapes)
    padded = [(1,) * (rank - len(shape)) + tuple(shape) for shape in shapes]
    result = []
    for sizes in zip(*padded, strict=True):
        wide = {size for size in sizes if size != 1}
        if len(wide) > 1:
            return None
        result.append(wide.pop() if wide else 1)
    return tuple(result)


class Multiply(LayerKind):
    type_name = "multiply"
    arity = "many"

    def window(self, inputs: Sequence[Shape]) -> WindowSpec:
        if all(shape == inputs[0] for shape in inputs):
            return None  # unit o of every input: see receptive.union
        # A broadcast input's one unit is read at every position, which the union of
        # per-position fields cannot say: report no field rather than a wrong one.
        return UNMAPPED

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        result = broadcast(inputs)
        if result is None:
            raise LayerError(
                "multiply needs inputs that broadcast (on each axis, counted from the "
                "right, equal sizes or 1), got "
                + ", ".join(_shape_text(s) for s in inputs)
                + "; a per-channel gate is C×1×1",
                "inputs",
            )
        return result
