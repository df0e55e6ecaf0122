"""Cropping (Keras Cropping2D and CenterCrop; U-Net 2015's "copy and crop"): rows and
columns cut from the ends of each spatial axis, by explicit amounts or centred to the
size of another tensor (`like: NAME`). No parameters, no links (a reshape)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, cast

from cnncalc.model.layers.base import LayerError, LayerKind, Note, Shape
from cnncalc.model.receptive import AxisWindow, Window, WindowSpec
from cnncalc.reading import fields as f
from cnncalc.reading.document import Node
from cnncalc.reading.document import Sequence as SequenceNode

Amounts = int | tuple[tuple[int, int], ...]  # every end alike, or (before, after) per axis


_END: dict[str, Any] = {"type": "integer", "minimum": 0}
_ENDS: dict[str, Any] = {"type": "array", "items": _END, "minItems": 2, "maxItems": 2}


class _AmountsParser:
    """One integer for both ends of every axis, or one entry per spatial axis: an
    integer (both ends) or [before, after]."""

    json_schema: ClassVar[dict[str, Any]] = {
        "anyOf": [_END, {"type": "array", "minItems": 1, "items": {"anyOf": [_END, _ENDS]}}],
        "description": "one integer, or per spatial axis an integer or [before, after]",
    }

    def __call__(self, node: Node, name: str, where: f.Where) -> Amounts:
        if not isinstance(node, SequenceNode):
            both: int = f.non_negative(node, name, where)
            return both
        if not node.items:
            raise where.fail(node, f"{name} must name at least one axis, got an empty list")
        axes = []
        for item in node.items:
            if isinstance(item, SequenceNode):
                axes.append(f.non_negative_pair(item, name, where))
            else:
                end = f.non_negative(item, name, where)
                axes.append((end, end))
        return tuple(axes)


amounts = _AmountsParser()


class Crop(LayerKind):
    type_name = "crop"
    fields = (
        f.Field("like", f.text, None, "centre crop to this layer's spatial size"),
        f.Field("amount", amounts, None, "what to cut from the ends of each spatial axis"),
    )

    like: str | None
    amount: Amounts | None

    # The layer named by `like` is read for its shape only (see architecture.py).
    reference_field: ClassVar[str] = "like"

    def _cuts(self, inputs: Sequence[Shape]) -> tuple[tuple[int, int], ...]:
        """(before, after) per spatial axis, checked against the input."""
        spatial = inputs[0][1:]
        if (self.like is None) == (self.amount is None):
            raise LayerError("crop needs either like: NAME (a centre crop) or amount:, not both")
        if self.like is not None:
            target = inputs[1][1:]
            if len(target) != len(spatial):
                raise LayerError(
                    f"crop like: {self.like} needs a tensor of the input's rank "
                    f"({_text(inputs[0])}), got {_text(inputs[1])}",
                    "like",
                )
            if any(t > s for t, s in zip(target, spatial, strict=True)):
                raise LayerError(
                    f"crop like: {self.like} is larger than its input: {_text(target)} from "
                    f"{_text(spatial)}",
                    "like",
                )
            # The smaller half before, as Keras' CenterCrop.
            return tuple(
                ((s - t) // 2, s - t - (s - t) // 2) for s, t in zip(spatial, target, strict=True)
            )
        assert self.amount is not None
        cuts = (
            ((self.amount, self.amount),) * len(spatial)
            if isinstance(self.amount, int)
            else self.amount
        )
        if len(cuts) != len(spatial):
            raise LayerError(
                f"crop amount has {len(cuts)} axes, but its input {_text(inputs[0])} has "
                f"{len(spatial)} spatial axes",
                "amount",
            )
        if any(before + after >= size for (before, after), size in zip(cuts, spatial, strict=True)):
            raise LayerError(
                f"crop amount {_cuts_text(cuts)} leaves nothing of its input {_text(spatial)}",
                "amount",
            )
        return cuts

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        if len(inputs[0]) < 2:
            raise LayerError("crop needs positions to cut, but its input is a vector")
        cuts = self._cuts(inputs)
        spatial = inputs[0][1:]
        return (
            inputs[0][0],
            *(size - before - after for (before, after), size in zip(cuts, spatial, strict=True)),
        )

    def window(self, inputs: Sequence[Shape]) -> WindowSpec:
        # Output position o is input position o + before: a 1-wide window shifted back.
        return cast(Window, tuple(AxisWindow(1, 1, -before) for before, _ in self._cuts(inputs)))


def _text(shape: Sequence[int]) -> str:
    return "×".join(str(n) for n in shape)


def _cuts_text(cuts: tuple[tuple[int, int], ...]) -> str:
    return "[" + ", ".join(f"[{before}, {after}]" for before, after in cuts) + "]"
