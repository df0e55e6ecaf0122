"""Fully connected layers: dense, and LeNet-5's Euclidean RBF output."""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.model.layers.base import Figures, LayerKind, Note, Shape, units
from cnncalc.model.layers.steps import Step, output_steps
from cnncalc.model.layers.terms import NUMBERS, Numbers, Symbols, n
from cnncalc.model.receptive import Window, whole_input
from cnncalc.reading import fields as f


class Dense(LayerKind):
    """Flattens a C×H×W input itself, like Keras' summary counts it after Flatten."""

    type_name = "dense"
    fields = (f.Field("units", f.positive), f.Field("bias", f.boolean, True))

    units: int
    bias: bool

    def output_shape(
        self, inputs: Sequence[Shape], notes: list[Note], x: Numbers = NUMBERS
    ) -> Shape:
        return (x.num("units", self.units),)

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return whole_input(inputs[0])

    def figures(self, inputs: Sequence[Shape], output: Shape, x: Numbers = NUMBERS) -> Figures:
        count, width = _inputs(x, inputs[0]), x.num("units", self.units)
        params = width * (count + 1 if self.bias else count)
        return Figures.new(
            params=params,
            params_unshared=params,
            params_dense=params,
            connections=params,
            macs=width * count,
        )

    def shape_steps(self, inputs: Sequence[Shape], output: Shape) -> list[Step]:
        return output_steps(self.output_shape(inputs, [], Symbols()))

    def notes(self, inputs: Sequence[Shape], output: Shape) -> dict[str, str]:
        return {
            "params_unshared": "a dense layer shares no weights: the same count",
            "params_dense": "already fully connected: the same count",
        }


class Rbf(LayerKind):
    """Each unit computes Σ (x_j − w_ij)² over its inputs; LeCun et al. chose the w by
    hand and kept them fixed, so by default they are stored but not trained."""

    type_name = "rbf"
    fields = (f.Field("units", f.positive), f.Field("trainable", f.boolean, False))

    units: int
    trainable: bool

    def output_shape(
        self, inputs: Sequence[Shape], notes: list[Note], x: Numbers = NUMBERS
    ) -> Shape:
        return (x.num("units", self.units),)

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return whole_input(inputs[0])

    def figures(self, inputs: Sequence[Shape], output: Shape, x: Numbers = NUMBERS) -> Figures:
        weights = x.num("units", self.units) * _inputs(x, inputs[0])
        if not self.trainable:
            return Figures.new(non_trainable=weights, connections=weights, macs=weights)
        return Figures.new(
            params=weights,
            params_unshared=weights,
            params_dense=weights,
            connections=weights,
            macs=weights,
        )

    def shape_steps(self, inputs: Sequence[Shape], output: Shape) -> list[Step]:
        return output_steps(self.output_shape(inputs, [], Symbols()))

    def notes(self, inputs: Sequence[Shape], output: Shape) -> dict[str, str]:
        if self.trainable:
            return {"params_unshared": "trainable: true", "params": "trainable: true"}
        return {
            "non_trainable": "parameter vectors chosen by hand and kept fixed (trainable: false)"
        }


def _inputs(x: Numbers, shape: Shape) -> int:
    """The input units, written as the product the layer flattens: 256 × 6 × 6."""
    return x.named("inputs", units(shape), lambda: " × ".join(map(n, shape)))
