"""Layers without parameters that act on each unit or only reshape."""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc import fields as f
from cnncalc.conventions import Operations
from cnncalc.layers.base import Figures, LayerKind, Note, Shape, units
from cnncalc.receptive import Window, whole_input

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

    __slots__ = ("fn",)

    def __init__(
        self,
        fn: str,
    ) -> None:
        self.fn = fn

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return None  # position o reads position o

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return inputs[0]

    def operations(self, inputs: Sequence[Shape], output: Shape, figures: Figures) -> Operations:
        neurons = units(output)
        if self.fn in ("linear", "identity"):
            return Operations()
        thop = 0  # thop: ReLU, ReLU6, LeakyReLU 0; modules it has no rule for 0
        if self.fn == "softmax":
            # nn.Softmax over channels (units of a vector): exp, add, divide = 3n − 1
            # per vector of n values.
            vectors = neurons // output[0]
            thop = vectors * (3 * output[0] - 1)
        return Operations(activation=neurons, thop=thop)


class Dropout(LayerKind):
    type_name = "dropout"
    fields = (f.Field("rate", f.rate, 0.5),)

    __slots__ = ("rate",)

    def __init__(
        self,
        rate: float,
    ) -> None:
        self.rate = rate

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return None  # position o reads position o

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return inputs[0]


class Flatten(LayerKind):
    type_name = "flatten"

    __slots__ = ()

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return (units(inputs[0]),)

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return whole_input(inputs[0])  # the vector as a whole sees the whole map
