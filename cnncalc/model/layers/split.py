"""Channels split into parts (torch.split / torch.chunk on the channels; ShuffleNetV2's
channel split) that later layers read as `input: NAME.0`, `NAME.1`, ... The layer's
own row shows the parts together; nothing is counted (a view)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from cnncalc.model.layers.base import LayerError, LayerKind, Note, Shape
from cnncalc.model.receptive import Window
from cnncalc.reading import fields as f
from cnncalc.reading.document import Node
from cnncalc.reading.document import Sequence as SequenceNode


class _SizesParser:
    """A non-empty list of positive channel counts."""

    json_schema: ClassVar[dict[str, Any]] = {
        "type": "array",
        "items": {"type": "integer", "minimum": 1},
        "minItems": 1,
        "description": "the channels of each part, in order",
    }

    def __call__(self, node: Node, name: str, where: f.Where) -> tuple[int, ...]:
        if not isinstance(node, SequenceNode) or not node.items:
            raise where.fail(node, f"{name} must be a non-empty list of channel counts")
        return tuple(f.positive(item, name, where) for item in node.items)


class Split(LayerKind):
    type_name = "split"
    fields = (
        f.Field("sizes", _SizesParser(), None, "the channels of each part"),
        f.Field("parts", f.positive, None, "equal parts (must divide the channels)"),
    )

    sizes: tuple[int, ...] | None
    parts: int | None

    def outputs(self) -> int:
        """How many parts later layers may name (NAME.0 … NAME.outputs − 1)."""
        if self.sizes is not None:
            return len(self.sizes)
        return self.parts if self.parts is not None else 0

    def part_shapes(self, shape: Shape) -> tuple[Shape, ...]:
        channels = shape[0]
        if (self.sizes is None) == (self.parts is None):
            raise LayerError("split needs either sizes: [a, b, ...] or parts: N, not both")
        if self.sizes is not None:
            if sum(self.sizes) != channels:
                raise LayerError(
                    f"split sizes {' + '.join(str(s) for s in self.sizes)} = "
                    f"{sum(self.sizes):,} do not add up to the input's {channels:,} channels",
                    "sizes",
                )
            sizes = self.sizes
        else:
            assert self.parts is not None
            if channels % self.parts:
                raise LayerError(
                    f"parts must divide the input's {channels:,} channels, got {self.parts:,}",
                    "parts",
                )
            sizes = (channels // self.parts,) * self.parts
        return tuple((size, *shape[1:]) for size in sizes)

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        self.part_shapes(inputs[0])
        return inputs[0]

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return None  # a part's position o is the input's position o
