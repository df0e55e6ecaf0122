"""Layers without parameters that act on each unit or only reshape."""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.model.layers.base import LayerKind, Note, Shape, units
from cnncalc.model.receptive import Window, whole_input
from cnncalc.reading import fields as f

# Parameter-free functions only: PReLU learns its slopes, so it is not listed here
# (it would be counted as 0 parameters, which is wrong).
ACTIVATIONS = (
    "relu",
    "relu6",
    "leaky_relu",
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


class Activation(LayerKind):
    type_name = "activation"
    fields = (f.Field("fn", f.choice(ACTIVATIONS)),)

    fn: str

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return None  # position o reads position o

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return inputs[0]


class Dropout(LayerKind):
    type_name = "dropout"
    fields = (f.Field("rate", f.rate, 0.5),)

    rate: float

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return None  # position o reads position o

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return inputs[0]


class Flatten(LayerKind):
    type_name = "flatten"

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return (units(inputs[0]),)

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return whole_input(inputs[0])  # the vector as a whole sees the whole map
