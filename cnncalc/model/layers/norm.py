"""Normalisation layers."""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.model.layers.base import Figures, LayerKind, Note, Shape, dense_equivalent, units
from cnncalc.model.layers.steps import Step, dense_step, n, neurons_step, step
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

    def figures(self, inputs: Sequence[Shape], output: Shape) -> Figures:
        channels = output[0]
        return Figures(
            params=2 * channels if self.affine else 0,
            non_trainable=2 * channels,
            params_unshared=2 * units(output) if self.affine else 0,
            params_dense=dense_equivalent(inputs, output, bias=True) if self.affine else 0,
        )

    def derivation(self, inputs: Sequence[Shape], output: Shape) -> list[Step]:
        c, neurons = output[0], units(output)
        steps = [neurons_step(output)]
        if self.affine:
            steps += [
                step(
                    "params_unshared",
                    "2 × neurons",
                    f"2 × {n(neurons)}",
                    2 * neurons,
                    "a scale and a shift for every unit",
                ),
                step("params", "2 × C", f"2 × {n(c)}", 2 * c, "a scale and a shift per channel"),
            ]
        steps.append(
            step(
                "non_trainable",
                "2 × C",
                f"2 × {n(c)}",
                2 * c,
                "running mean and variance per channel",
            )
        )
        if self.affine:
            steps.append(dense_step(inputs, output, bias=True))
        return steps


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
