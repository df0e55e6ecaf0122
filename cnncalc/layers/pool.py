"""Pooling and LeNet-5's trainable subsampling."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cnncalc import fields as f
from cnncalc.layers.base import Figures, LayerKind, Note, Shape, chw, dense_equivalent, units
from cnncalc.layers.conv import Padding, window_output


def _stride_defaults_to_size(values: dict[str, Any]) -> dict[str, Any]:
    if values["stride"] is None:
        values["stride"] = values["size"]
    return values


@dataclass(frozen=True, slots=True)
class Pool(LayerKind):
    type_name = "pool"
    fields = (
        f.Field("mode", f.choice(("max", "avg")), "max"),
        f.Field("size", f.positive_pair),
        f.Field("stride", f.positive_pair, None, "defaults to size"),
        f.Field("padding", f.padding, (0, 0)),
        f.Field("ceil", f.boolean, False),
    )

    mode: str
    size: tuple[int, int]
    stride: tuple[int, int]
    padding: Padding
    ceil: bool

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> LayerKind:
        return cls(**_stride_defaults_to_size(values))

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return window_output(
            inputs[0], "pool", None, self.size, self.stride, self.padding, (1, 1), notes, self.ceil
        )

    def figures(self, inputs: Sequence[Shape], output: Shape) -> Figures:
        # Every output unit reads a size×size window (padded positions count as links).
        return Figures(connections=units(output) * self.size[0] * self.size[1])


@dataclass(frozen=True, slots=True)
class GlobalPool(LayerKind):
    type_name = "global_pool"
    fields = (f.Field("mode", f.choice(("max", "avg")), "avg"),)

    mode: str

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return (chw(inputs[0], "global_pool")[0], 1, 1)

    def figures(self, inputs: Sequence[Shape], output: Shape) -> Figures:
        # A pool whose window is the whole map: each channel's unit reads H·W inputs.
        return Figures(connections=units(inputs[0]))


@dataclass(frozen=True, slots=True)
class Subsample(LayerKind):
    """LeNet-5's S2/S4: sum a size×size window, times one coefficient, plus one bias, per map."""

    type_name = "subsample"
    fields = (
        f.Field("size", f.positive_pair),
        f.Field("stride", f.positive_pair, None, "defaults to size"),
    )

    size: tuple[int, int]
    stride: tuple[int, int]

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> LayerKind:
        return cls(**_stride_defaults_to_size(values))

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return window_output(
            inputs[0], "subsample", None, self.size, self.stride, (0, 0), (1, 1), notes
        )

    def figures(self, inputs: Sequence[Shape], output: Shape) -> Figures:
        neurons = units(output)
        return Figures(
            params=2 * output[0],
            params_unshared=2 * neurons,
            params_dense=dense_equivalent(inputs, output, bias=True),
            connections=neurons * (self.size[0] * self.size[1] + 1),
        )
