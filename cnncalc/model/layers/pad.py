"""Zero padding as a layer of its own (Keras ZeroPadding2D, torch.nn.ZeroPad2d)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from cnncalc.model.layers.base import LayerKind, Note, Shape, chw
from cnncalc.model.layers.steps import Step, channels_step, n, neurons_step, step
from cnncalc.model.receptive import AxisWindow, Window
from cnncalc.reading import fields as f
from cnncalc.reading.document import Node
from cnncalc.reading.document import Sequence as SequenceNode

Sides = tuple[int, int, int, int]  # top, bottom, left, right


class _SidesParser:
    """An int for every side, [height, width] for both ends of each axis, or
    [top, bottom, left, right]."""

    # What cnncalc.reports.schema publishes for this field (it has no generic rule for it).
    json_schema: ClassVar[dict[str, Any]] = {
        "anyOf": [
            {"type": "integer", "minimum": 0},
            {
                "type": "array",
                "items": {"type": "integer", "minimum": 0},
                "minItems": 2,
                "maxItems": 2,
            },
            {
                "type": "array",
                "items": {"type": "integer", "minimum": 0},
                "minItems": 4,
                "maxItems": 4,
            },
        ],
        "description": "one integer, [height, width] or [top, bottom, left, right]",
    }

    def __call__(self, node: Node, name: str, where: f.Where) -> Sides:
        if isinstance(node, SequenceNode) and len(node.items) == 4:
            top, bottom, left, right = (f.non_negative(i, name, where) for i in node.items)
            return (top, bottom, left, right)
        if isinstance(node, SequenceNode) and len(node.items) != 2:
            raise where.fail(
                node,
                f"{name} must be one integer, [height, width] or [top, bottom, left, right], "
                f"got {len(node.items)} values",
            )
        ph, pw = f.non_negative_pair(node, name, where)
        return (ph, ph, pw, pw)


sides = _SidesParser()


class Pad(LayerKind):
    """Adds zero rows and columns around each map; no parameters, no links (a reshape)."""

    type_name = "pad"
    fields = (f.Field("padding", sides),)

    padding: Sides

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        # Output position o is input position o − top (or − left); the rest is zeros.
        return (AxisWindow(1, 1, self.padding[0]), AxisWindow(1, 1, self.padding[2]))

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        c, h, w = chw(inputs[0], "pad")
        top, bottom, left, right = self.padding
        return (c, h + top + bottom, w + left + right)

    def derivation(self, inputs: Sequence[Shape], output: Shape) -> list[Step]:
        c, h, w = chw(inputs[0], "pad")
        top, bottom, left, right = self.padding
        height = f"{n(h)} + {n(top)} + {n(bottom)}"
        width = f"{n(w)} + {n(left)} + {n(right)}"
        return [
            step("output_height", "H + top + bottom", height, h + top + bottom),
            step("output_width", "W + left + right", width, w + left + right),
            channels_step("C (unchanged)", n(c), c),
            neurons_step(output),
        ]
