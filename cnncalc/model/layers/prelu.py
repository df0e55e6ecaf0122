"""PReLU (He et al., 2015; torch.nn.PReLU): max(0, x) + a·min(0, x) with learned
slopes a, one shared by every unit or one per channel."""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.model.layers.base import Figures, LayerError, LayerKind, Note, Shape, units
from cnncalc.model.layers.steps import Step, dense_step, n, neurons_step, step
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

    def figures(self, inputs: Sequence[Shape], output: Shape) -> Figures:
        return Figures(
            params=self.num_parameters,
            params_unshared=units(output),  # a slope of its own for every unit
            params_dense=units(inputs[0]) * units(output),  # slopes scale: no bias
        )

    def derivation(self, inputs: Sequence[Shape], output: Shape) -> list[Step]:
        neurons = units(output)
        if self.num_parameters == 1:
            params = step("params", "1", "1", 1, "one slope shared by every unit")
        else:
            params = step("params", "C", n(output[0]), output[0], "one slope per channel")
        return [
            neurons_step(output),
            step("params_unshared", "neurons", n(neurons), neurons, "a slope for every unit"),
            params,
            dense_step(inputs, output, bias=False),
        ]
