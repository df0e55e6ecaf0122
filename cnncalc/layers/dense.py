"""Fully connected layers: dense, and LeNet-5's Euclidean RBF output."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cnncalc import fields as f
from cnncalc.layers.base import Figures, LayerKind, Note, Shape, units


@dataclass(frozen=True, slots=True)
class Dense(LayerKind):
    """Flattens a C×H×W input itself, like Keras' summary counts it after Flatten."""

    type_name = "dense"
    fields = (f.Field("units", f.positive), f.Field("bias", f.boolean, True))

    units: int
    bias: bool

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return (self.units,)

    def figures(self, inputs: Sequence[Shape], output: Shape) -> Figures:
        weights = self.units * units(inputs[0])
        params = weights + (self.units if self.bias else 0)
        return Figures(
            params=params,
            params_unshared=params,
            params_dense=params,
            connections=params,
            macs=weights,
        )


@dataclass(frozen=True, slots=True)
class Rbf(LayerKind):
    """Each unit computes Σ (x_j − w_ij)² over its inputs; LeCun et al. chose the w by
    hand and kept them fixed, so by default they are stored but not trained."""

    type_name = "rbf"
    fields = (f.Field("units", f.positive), f.Field("trainable", f.boolean, False))

    units: int
    trainable: bool

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return (self.units,)

    def figures(self, inputs: Sequence[Shape], output: Shape) -> Figures:
        weights = self.units * units(inputs[0])
        trainable = weights if self.trainable else 0
        return Figures(
            params=trainable,
            non_trainable=weights - trainable,
            params_unshared=trainable,
            params_dense=trainable,
            connections=weights,
            macs=weights,
        )
