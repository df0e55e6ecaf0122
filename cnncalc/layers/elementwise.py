"""Layers without parameters that act on each unit or only reshape."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cnncalc import fields as f
from cnncalc.layers.base import LayerKind, Note, Shape, units

ACTIVATIONS = (
    "relu",
    "relu6",
    "leaky_relu",
    "prelu",
    "elu",
    "selu",
    "gelu",
    "silu",
    "swish",
    "mish",
    "hardswish",
    "hardsigmoid",
    "sigmoid",
    "tanh",
    "softmax",
    "log_softmax",
    "softplus",
    "softsign",
    "linear",
    "identity",
)


@dataclass(frozen=True, slots=True)
class Activation(LayerKind):
    type_name = "activation"
    fields = (f.Field("fn", f.choice(ACTIVATIONS)),)

    fn: str

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return inputs[0]


@dataclass(frozen=True, slots=True)
class Dropout(LayerKind):
    type_name = "dropout"
    fields = (f.Field("rate", f.rate, 0.5),)

    rate: float

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return inputs[0]


@dataclass(frozen=True, slots=True)
class Flatten(LayerKind):
    type_name = "flatten"

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return (units(inputs[0]),)
