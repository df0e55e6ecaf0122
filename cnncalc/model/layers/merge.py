"""Layers that join several inputs: residual sums and channel concatenation."""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.model.layers.base import LayerError, LayerKind, Note, Shape
from cnncalc.model.layers.steps import Step, output_steps
from cnncalc.model.layers.terms import NUMBERS, Numbers, Symbols
from cnncalc.model.receptive import Window


def _shape_text(shape: Shape) -> str:
    return "×".join(map(str, shape))


class Add(LayerKind):
    type_name = "add"
    arity = "many"

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return None  # unit o of every input: see receptive.union

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        first = inputs[0]
        for shape in inputs[1:]:
            if shape != first:
                raise LayerError(
                    "add needs inputs of one shape, got "
                    + ", ".join(_shape_text(s) for s in inputs)
                    + "; project the shortcut with a 1×1 conv to match",
                    "inputs",
                )
        return first


class Concat(LayerKind):
    """Concatenates along channels (C×H×W inputs) or units (vectors)."""

    type_name = "concat"
    arity = "many"

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return None  # unit o of every input: see receptive.union

    def output_shape(
        self, inputs: Sequence[Shape], notes: list[Note], x: Numbers = NUMBERS
    ) -> Shape:
        first = inputs[0]
        if any(len(shape) != len(first) or shape[1:] != first[1:] for shape in inputs):
            what = "H×W" if len(first) == 3 else "rank"
            raise LayerError(
                f"concat needs inputs of equal {what}, got "
                + ", ".join(_shape_text(s) for s in inputs),
                "inputs",
            )
        return (x.sum("inputs", [shape[0] for shape in inputs]), *first[1:])

    def shape_steps(self, inputs: Sequence[Shape], output: Shape) -> list[Step]:
        return output_steps(self.output_shape(inputs, [], Symbols()))
