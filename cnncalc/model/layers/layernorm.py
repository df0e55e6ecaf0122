"""Layer normalisation (Ba et al., 2016): each sample's statistics over its channels at
each position (ConvNeXt's LayerNorm2d, or torch.nn.LayerNorm(C) on a vector), or over
the whole sample (torch.nn.LayerNorm([C, H, W]))."""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.model.layers.base import Figures, LayerKind, Note, Shape, dense_equivalent, units
from cnncalc.model.receptive import Window
from cnncalc.reading import fields as f


def affine_figures(inputs: Sequence[Shape], output: Shape, pairs: int) -> Figures:
    """A learned scale and shift for each of ``pairs`` values (0: no affine part)."""
    if not pairs:
        return Figures()
    return Figures(
        params=2 * pairs,
        params_unshared=2 * units(output),  # a scale and a shift for every unit
        params_dense=dense_equivalent(inputs, output, bias=True),
    )


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

    def figures(self, inputs: Sequence[Shape], output: Shape) -> Figures:
        per = output[0] if self.over == "channels" else units(output)
        return affine_figures(inputs, output, per if self.affine else 0)
