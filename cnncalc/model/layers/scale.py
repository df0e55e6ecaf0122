"""A learned factor per channel (CaiT's and ConvNeXt's layer scale: γ · x)."""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.model.layers.base import Figures, LayerKind, Note, Shape, dense_equivalent, units
from cnncalc.model.layers.terms import NUMBERS, Numbers
from cnncalc.model.receptive import Window


class Scale(LayerKind):
    type_name = "scale"

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return None  # position o reads position o

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return inputs[0]

    def figures(self, inputs: Sequence[Shape], output: Shape, x: Numbers = NUMBERS) -> Figures:
        return Figures.new(
            params=x.num("C", output[0]),  # a vector's channels are its units
            params_unshared=x.num("neurons", units(output)),
            params_dense=dense_equivalent(x, inputs, output, bias=False),  # factors scale
        )

    def notes(self, inputs: Sequence[Shape], output: Shape) -> dict[str, str]:
        return {"params_unshared": "a factor for every unit", "params": "a factor per channel"}
