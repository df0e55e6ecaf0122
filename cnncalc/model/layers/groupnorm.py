"""Group normalisation (Wu and He, 2018; torch.nn.GroupNorm): statistics over each group
of channels of a sample, a scale and a shift per channel."""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.model.layers.base import NO_FIGURES, Figures, LayerError, LayerKind, Note, Shape
from cnncalc.model.layers.layernorm import AFFINE_NOTES, affine_figures
from cnncalc.model.layers.terms import NUMBERS, Numbers
from cnncalc.model.receptive import Window
from cnncalc.reading import fields as f


def grouped(shape: Shape, groups: int) -> Shape:
    """The shape, once `groups` is known to divide its channels (its first axis)."""
    if shape[0] % groups:
        raise LayerError(
            f"groups must divide the input's {shape[0]:,} channels, got {groups:,}", "groups"
        )
    return shape


class GroupNorm(LayerKind):
    type_name = "groupnorm"
    fields = (
        f.Field("groups", f.positive, f.REQUIRED, "groups of channels; must divide the channels"),
        f.Field("affine", f.boolean, True, "learn a scale and a shift per channel"),
    )

    groups: int
    affine: bool

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return None  # position o reads position o

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return grouped(inputs[0], self.groups)

    def figures(self, inputs: Sequence[Shape], output: Shape, x: Numbers = NUMBERS) -> Figures:
        if not self.affine:
            return NO_FIGURES
        return affine_figures(x, inputs, output, x.num("C", output[0]))

    def notes(self, inputs: Sequence[Shape], output: Shape) -> dict[str, str]:
        return AFFINE_NOTES
