"""Instance normalisation (Ulyanov et al., 2016; torch.nn.InstanceNorm2d): statistics
over each channel's positions of a sample. torch's defaults: no affine part and no
running statistics."""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.model.layers.base import NO_FIGURES, Figures, LayerError, LayerKind, Note, Shape, units
from cnncalc.model.layers.layernorm import AFFINE_NOTES, affine_figures
from cnncalc.model.layers.terms import NUMBERS, Numbers
from cnncalc.model.receptive import Window
from cnncalc.reading import fields as f
from cnncalc.record import replace


class InstanceNorm(LayerKind):
    type_name = "instancenorm"
    fields = (
        f.Field("affine", f.boolean, False, "learn a scale and a shift per channel"),
        f.Field(
            "track_running_stats",
            f.boolean,
            False,
            "keep a running mean and variance per channel (non-trainable)",
        ),
    )

    affine: bool
    track_running_stats: bool

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return None  # position o reads position o

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        if len(inputs[0]) < 2:
            raise LayerError(
                "instancenorm needs positions to normalise over, but its input is a vector "
                f"of {units(inputs[0]):,} units; use layernorm or batchnorm there"
            )
        return inputs[0]

    def figures(self, inputs: Sequence[Shape], output: Shape, x: Numbers = NUMBERS) -> Figures:
        c = x.num("C", output[0])
        figures = affine_figures(x, inputs, output, c) if self.affine else NO_FIGURES
        if self.track_running_stats:
            figures = replace(figures, non_trainable=2 * c)
        return figures

    def notes(self, inputs: Sequence[Shape], output: Shape) -> dict[str, str]:
        return {**AFFINE_NOTES, "non_trainable": "running mean and variance per channel"}
