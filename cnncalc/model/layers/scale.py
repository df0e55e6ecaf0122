"""A learned factor per channel (CaiT's and ConvNeXt's layer scale: γ · x)."""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.model.layers.base import Figures, LayerKind, Note, Shape, units
from cnncalc.model.receptive import Window


class Scale(LayerKind):
    type_name = "scale"

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return None  # position o reads position o

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return inputs[0]

    def figures(self, inputs: Sequence[Shape], output: Shape) -> Figures:
        return Figures(
            params=output[0],  # a vector's channels are its units
            params_unshared=units(output),  # a factor of its own for every unit
            params_dense=units(inputs[0]) * units(output),  # factors scale: no bias
        )
