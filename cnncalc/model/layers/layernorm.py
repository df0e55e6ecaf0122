"""Layer normalisation (Ba et al., 2016): each sample's statistics over its channels at
each position (ConvNeXt's LayerNorm2d, or torch.nn.LayerNorm(C) on a vector), or over
the whole sample (torch.nn.LayerNorm([C, H, W]))."""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.model.layers.base import (
    NO_FIGURES,
    Figures,
    LayerKind,
    Note,
    Shape,
    dense_equivalent,
    units,
)
from cnncalc.model.layers.terms import NUMBERS, Numbers
from cnncalc.model.receptive import Window
from cnncalc.reading import fields as f


def affine_figures(x: Numbers, inputs: Sequence[Shape], output: Shape, pairs: int) -> Figures:
    """A learned scale and shift for each of ``pairs`` values."""
    return Figures.new(
        params=2 * pairs,
        params_unshared=2 * x.num("neurons", units(output)),  # a scale and a shift for every unit
        params_dense=dense_equivalent(x, inputs, output, bias=True),
    )


AFFINE_NOTES = {
    "params_unshared": "a scale and a shift for every unit",
    "params": "a scale and a shift per channel",
}


class LayerNorm(LayerKind):
    type_name = "layernorm"
    fields = (
        f.Field(
            "over",
            f.choice(("channels", "sample")),
            "channels",
            "channels: at each position, over its C values, a scale and shift per channel; "
            "sample: over all C·H·W values, a scale and shift per unit",
        ),
        f.Field("affine", f.boolean, True, "learn a scale and a shift (elementwise_affine)"),
    )

    over: str
    affine: bool

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return None  # position o reads position o (statistics are not a window)

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return inputs[0]

    def figures(self, inputs: Sequence[Shape], output: Shape, x: Numbers = NUMBERS) -> Figures:
        if not self.affine:
            return NO_FIGURES
        if self.over == "channels":
            return affine_figures(x, inputs, output, x.num("C", output[0]))
        return affine_figures(x, inputs, output, x.num("neurons", units(output)))

    def notes(self, inputs: Sequence[Shape], output: Shape) -> dict[str, str]:
        if self.over == "channels":
            return AFFINE_NOTES
        return {"params": "a scale and a shift for every unit of the sample"}
