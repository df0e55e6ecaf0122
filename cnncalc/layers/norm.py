"""Normalisation layers."""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc import fields as f
from cnncalc.conventions import Operations
from cnncalc.layers.base import Figures, LayerKind, Note, Shape, dense_equivalent, units
from cnncalc.layers.steps import Step, dense_step, n, neurons_step, step
from cnncalc.receptive import Window


class BatchNorm(LayerKind):
    """Per channel: a trained scale and shift, plus running mean and variance (not trained)."""

    type_name = "batchnorm"
    fields = (f.Field("affine", f.boolean, True, "learn a scale and a shift per channel"),)

    __slots__ = ("affine",)

    def __init__(
        self,
        affine: bool,
    ) -> None:
        self.affine = affine

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return None  # position o reads position o

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return inputs[0]

    def operations(self, inputs: Sequence[Shape], output: Shape, figures: Figures) -> Operations:
        # Inference: statistics folded into one scale and one shift, 2 per unit. fvcore
        # (eval): 2 per unit with affine, else 1; thop: 2 per unit, doubled with affine.
        neurons = units(output)
        return Operations(
            normalisation=2 * neurons,
            torchinfo=figures.params,
            fvcore=neurons * (2 if self.affine else 1),
            thop=2 * neurons * (2 if self.affine else 1),
        )

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

    __slots__ = (  # noqa: RUF023 - in field order, for repr
        "size",
        "alpha",
        "beta",
        "k",
    )

    def __init__(
        self,
        size: int,
        alpha: float,
        beta: float,
        k: float,
    ) -> None:
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return None  # position o reads position o

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return inputs[0]

    def operations(self, inputs: Sequence[Shape], output: Shape, figures: Figures) -> Operations:
        # Per unit: `size` squares and size − 1 additions, then × alpha, + k, ** beta and
        # a division: 2·size + 3. None of the tools counts it.
        return Operations(normalisation=units(output) * (2 * self.size + 3))
