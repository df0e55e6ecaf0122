"""Pooling and LeNet-5's trainable subsampling."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cnncalc.model.layers.base import (
    Computed,
    Figures,
    LayerKind,
    Note,
    Shape,
    dense_equivalent,
    spatial,
    units,
)
from cnncalc.model.layers.conv import (
    Geometry,
    Padding,
    axes_steps,
    geometry,
    slide,
)
from cnncalc.model.layers.steps import Step, output_steps, term_step
from cnncalc.model.layers.terms import NUMBERS, Numbers, Symbols
from cnncalc.model.receptive import Window, WindowSpec, whole_input
from cnncalc.model.shapes import AXIS_NAMES, PerAxis
from cnncalc.reading import fields as f


def _stride_defaults_to_size(values: dict[str, Any]) -> dict[str, Any]:
    if values["stride"] is None:
        values["stride"] = values["size"]
    return values


def _unchanged(shape: Shape) -> Step:
    """A window layer's output channels: its input's."""
    return term_step("output_channels", Symbols().num("C (unchanged)", shape[0]))


class Pool(LayerKind):
    type_name = "pool"
    fields = (
        f.Field("mode", f.choice(("max", "avg")), "max"),
        f.Field("size", f.positive_axes),
        f.Field("stride", f.positive_axes, None, "defaults to size"),
        f.Field("padding", f.padding, 0),
        f.Field("ceil", f.boolean, False),
    )

    mode: str
    size: PerAxis
    stride: PerAxis
    padding: Padding
    ceil: bool

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> LayerKind:
        return cls(**_stride_defaults_to_size(values))

    def geometry(self, shape: Shape) -> Geometry:
        return geometry(shape, "pool", self.size, self.stride, self.padding, 1, "size")

    def compute(self, inputs: Sequence[Shape], notes: list[Note]) -> Computed:
        g = self.geometry(inputs[0])  # once, for the shape, the figures and the window
        output, window = slide(inputs[0], g, inputs[0][0], notes, self.ceil)
        return Computed(output, self._figures(output, g.kernel), window)

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return self.compute(inputs, notes).output

    def window(self, inputs: Sequence[Shape]) -> WindowSpec:
        return self.compute(inputs, []).window

    def figures(self, inputs: Sequence[Shape], output: Shape, x: Numbers = NUMBERS) -> Figures:
        return self._figures(output, self.geometry(inputs[0]).kernel, x)

    def _figures(self, output: Shape, kernel: Shape, x: Numbers = NUMBERS) -> Figures:
        # Every output unit reads its window (padded positions count as links).
        return Figures.new(connections=x.num("neurons", units(output)) * x.kernel(kernel))

    def shape_steps(self, inputs: Sequence[Shape], output: Shape) -> list[Step]:
        return [*axes_steps(self.geometry(inputs[0]), self.ceil), _unchanged(inputs[0])]

    def notes(self, inputs: Sequence[Shape], output: Shape) -> dict[str, str]:
        return {"connections": "one link per window position; no parameters"}


# The output channels of a global pool, by rank: the spatial sizes become 1.
_ONES = {rank: f"C (unchanged); {' and '.join(names)} 1" for rank, names in AXIS_NAMES.items()}


class GlobalPool(LayerKind):
    type_name = "global_pool"
    fields = (f.Field("mode", f.choice(("max", "avg")), "avg"),)

    mode: str

    def output_shape(
        self, inputs: Sequence[Shape], notes: list[Note], x: Numbers = NUMBERS
    ) -> Shape:
        channels, sizes = spatial(inputs[0], "global_pool")
        return (x.num(_ONES[len(sizes)], channels), *(1 for _ in sizes))

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return whole_input(inputs[0])

    def figures(self, inputs: Sequence[Shape], output: Shape, x: Numbers = NUMBERS) -> Figures:
        # A pool whose window is the whole map: each channel's unit reads its H·W inputs.
        c, sizes = spatial(inputs[0], "global_pool")
        return Figures.new(connections=x.num("C", c) * x.positions(sizes))

    def shape_steps(self, inputs: Sequence[Shape], output: Shape) -> list[Step]:
        return output_steps(self.output_shape(inputs, [], Symbols()))

    def notes(self, inputs: Sequence[Shape], output: Shape) -> dict[str, str]:
        return {"connections": "of the input: each channel's unit reads its whole map"}


class Subsample(LayerKind):
    """LeNet-5's S2/S4: sum a size×size window, times one coefficient, plus one bias, per map."""

    type_name = "subsample"
    fields = (
        f.Field("size", f.positive_axes),
        f.Field("stride", f.positive_axes, None, "defaults to size"),
    )

    size: PerAxis
    stride: PerAxis

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> LayerKind:
        return cls(**_stride_defaults_to_size(values))

    def geometry(self, shape: Shape) -> Geometry:
        return geometry(shape, "subsample", self.size, self.stride, 0, 1, "size")

    def compute(self, inputs: Sequence[Shape], notes: list[Note]) -> Computed:
        g = self.geometry(inputs[0])  # once, for the shape, the figures and the window
        output, window = slide(inputs[0], g, inputs[0][0], notes)
        return Computed(output, self._figures(inputs, output, g.kernel), window)

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return self.compute(inputs, notes).output

    def window(self, inputs: Sequence[Shape]) -> WindowSpec:
        return self.compute(inputs, []).window

    def figures(self, inputs: Sequence[Shape], output: Shape, x: Numbers = NUMBERS) -> Figures:
        return self._figures(inputs, output, self.geometry(inputs[0]).kernel, x)

    def _figures(
        self, inputs: Sequence[Shape], output: Shape, kernel: Shape, x: Numbers = NUMBERS
    ) -> Figures:
        neurons = x.num("neurons", units(output))
        window = x.kernel(kernel)
        return Figures.new(
            params=2 * x.num("C", output[0]),
            params_unshared=2 * neurons,
            params_dense=dense_equivalent(x, inputs, output, bias=True),
            connections=neurons * (window + 1),
        )

    def shape_steps(self, inputs: Sequence[Shape], output: Shape) -> list[Step]:
        return [*axes_steps(self.geometry(inputs[0])), _unchanged(inputs[0])]

    def notes(self, inputs: Sequence[Shape], output: Shape) -> dict[str, str]:
        return {
            "params_unshared": "a coefficient and a bias for every unit",
            "params": "one coefficient and one bias per map",
        }
