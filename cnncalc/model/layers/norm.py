"""Normalisation layers."""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.model.layers.base import Figures, LayerKind, Note, Shape, dense_equivalent, units
from cnncalc.model.layers.terms import NUMBERS, Numbers
from cnncalc.model.receptive import Window
from cnncalc.reading import fields as f


class BatchNorm(LayerKind):
    """Per channel: a trained scale and shift, plus running mean and variance (not trained)."""

    type_name = "batchnorm"
    fields = (f.Field("affine", f.boolean, True, "learn a scale and a shift per channel"),)

    affine: bool

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return None  # position o reads position o

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return inputs[0]

    def figures(self, inputs: Sequence[Shape], output: Shape, x: Numbers = NUMBERS) -> Figures:
        c = x.num("C", output[0])
        if not self.affine:
            return Figures.new(non_trainable=2 * c)
        return Figures.new(
            params=2 * c,
            non_trainable=2 * c,
            params_unshared=2 * x.num("neurons", units(output)),
            params_dense=dense_equivalent(x, inputs, output, bias=True),
        )

    def notes(self, inputs: Sequence[Shape], output: Shape) -> dict[str, str]:
        return {
            "params_unshared": "a scale and a shift for every unit",
            "params": "a scale and a shift per channel",
            "non_trainable": "running mean and variance per channel",
        }


class Lrn(LayerKind):
    """AlexNet's local response normalisation across `size` neighbouring channels."""

    type_name = "lrn"
    fields = (
        f.Field("size", f.positive, 5),
        f.Field("alpha", f.number, 1e-4),
        f.Field("beta", f.number, 0.75),
        f.Field("k", f.number, 2.0),
    )

    size: int
    alpha: float
    beta: float
    k: float

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return None  # position o reads position o

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return inputs[0]
