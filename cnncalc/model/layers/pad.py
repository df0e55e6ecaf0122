"""Zero padding as a layer of its own (Keras ZeroPadding2D, torch.nn.ZeroPad2d)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from cnncalc.model.layers.base import LayerError, LayerKind, Note, Shape, expand, rank_text, spatial
from cnncalc.model.layers.steps import Step, output_steps
from cnncalc.model.layers.terms import NUMBERS, SYMBOLS, Numbers, Symbols
from cnncalc.model.receptive import AxisWindow, Window
from cnncalc.model.shapes import AXIS_NAMES, PerAxis
from cnncalc.reading import fields as f
from cnncalc.reading.document import Node
from cnncalc.reading.document import Sequence as SequenceNode


class _SidesParser:
    """An int for every side, one per spatial axis for both ends of each axis, or
    [before, after] for each axis in turn: [top, bottom, left, right] in 2-D. The
    layer's input tells which (a list of its rank, or of twice its rank)."""

    # What cnncalc.reports.schema publishes for this field (it has no generic rule for it).
    json_schema: ClassVar[dict[str, Any]] = {
        "anyOf": [
            {"type": "integer", "minimum": 0},
            {
                "type": "array",
                "items": {"type": "integer", "minimum": 0},
                "minItems": 1,
                "maxItems": 6,
            },
        ],
        "description": "one integer, one per spatial axis ([height, width]), or [before, "
        "after] for each axis in turn ([top, bottom, left, right])",
    }

    def __call__(self, node: Node, name: str, where: f.Where) -> PerAxis:
        if isinstance(node, SequenceNode):
            if not 1 <= len(node.items) <= 6:
                raise where.fail(
                    node,
                    f"{name} must be one integer, one per spatial axis, or [before, after] for "
                    f"each axis ([top, bottom, left, right]), got {len(node.items)} values",
                )
            return tuple(f.non_negative(item, name, where) for item in node.items)
        value: int = f.non_negative(node, name, where)
        return value


sides = _SidesParser()

# What the two ends of an axis are called in formulas (the others: before, after).
ENDS = {"height": ("top", "bottom"), "width": ("left", "right")}


class Pad(LayerKind):
    """Adds zeros before and after each spatial axis (Keras ZeroPadding1D/2D/3D,
    torch.nn.ZeroPad1d/2d/3d); no parameters, no links (a reshape)."""

    type_name = "pad"
    fields = (f.Field("padding", sides),)

    padding: PerAxis

    def sides(self, shape: Shape) -> tuple[tuple[int, int], ...]:
        """(before, after) for each spatial axis of the input."""
        sizes = spatial(shape, "pad")[1]
        if isinstance(self.padding, tuple) and len(self.padding) == 2 * len(sizes):
            pairs = self.padding
            return tuple((pairs[2 * i], pairs[2 * i + 1]) for i in range(len(sizes)))
        if isinstance(self.padding, tuple) and len(self.padding) != len(sizes):
            raise LayerError(
                f"padding {list(self.padding)} has {len(self.padding)} values but its input "
                f"{'×'.join(map(str, shape))} is {rank_text(sizes)}; give one integer, "
                f"{len(sizes)} values (one per axis) or {2 * len(sizes)} (before and after each)",
                "padding",
            )
        return tuple((pad, pad) for pad in expand(self.padding, shape, "padding"))

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        # Output position o is input position o − before; the rest is zeros.
        return tuple(AxisWindow(1, 1, before) for before, _ in self.sides(inputs[0]))

    def output_shape(
        self, inputs: Sequence[Shape], notes: list[Note], x: Numbers = NUMBERS
    ) -> Shape:
        shape = inputs[0]
        sides = self.sides(shape)  # first: a vector input is an error
        padded = []
        for name, size, (before, after) in zip(
            AXIS_NAMES[len(sides)], shape[1:], sides, strict=True
        ):
            first, last = ENDS.get(name, ("before", "after"))
            padded.append(x.num(SYMBOLS[name], size) + x.num(first, before) + x.num(last, after))
        return (x.num("C (unchanged)", shape[0]), *padded)

    def shape_steps(self, inputs: Sequence[Shape], output: Shape) -> list[Step]:
        return output_steps(self.output_shape(inputs, [], Symbols()))
