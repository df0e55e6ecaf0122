"""PReLU (He et al., 2015; torch.nn.PReLU): max(0, x) + a·min(0, x) with learned
slopes a, one shared by every unit or one per channel."""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.model.layers.base import (
    Figures,
    LayerError,
    LayerKind,
    Note,
    Shape,
    dense_equivalent,
    units,
)
from cnncalc.model.layers.terms import NUMBERS, Numbers
from cnncalc.model.receptive import Window
from cnncalc.reading import fields as f


class PRelu(LayerKind):
    type_name = "prelu"
    fields = (
        f.Field(
            "num_parameters",
            f.positive,
            1,
            "slopes: 1 (shared) or the input's channels (one per channel), as torch.nn.PReLU",
        ),
    )

    num_parameters: int

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        channels = inputs[0][0]  # a vector's channels are its units, as in torch
        if self.num_parameters not in (1, channels):
            raise LayerError(
                f"num_parameters must be 1 (one shared slope) or the input's {channels:,} "
                f"channels (one slope each), got {self.num_parameters:,}",
                "num_parameters",
            )
        return inputs[0]

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return None  # position o reads position o

    def figures(self, inputs: Sequence[Shape], output: Shape, x: Numbers = NUMBERS) -> Figures:
        return Figures.new(
            params=x.num("C", output[0]) if self.num_parameters > 1 else 1,
            params_unshared=x.num("neurons", units(output)),
            params_dense=dense_equivalent(x, inputs, output, bias=False),  # slopes scale
        )

    def notes(self, inputs: Sequence[Shape], output: Shape) -> dict[str, str]:
        return {
            "params_unshared": "a slope for every unit",
            "params": "one slope per channel"
            if self.num_parameters > 1
            else "one slope shared by every unit",
        }
