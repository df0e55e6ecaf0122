"""Layers that change the spatial size without weights: upsampling and adaptive pooling."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import partial

from cnncalc.model.layers.base import (
    NO_FIGURES,
    Figures,
    LayerError,
    LayerKind,
    Note,
    Shape,
    expand,
    spatial,
    units,
)
from cnncalc.model.layers.steps import Step, axis_names, output_steps
from cnncalc.model.layers.terms import NUMBERS, SYMBOLS, Numbers, Symbols, n
from cnncalc.model.receptive import UNMAPPED, AxisWindow, WindowSpec
from cnncalc.model.shapes import AXIS_NAMES, AXIS_UNITS, PerAxis
from cnncalc.reading import fields as f


class Upsample(LayerKind):
    """Nearest or bilinear upsampling by an integer `scale`, or to a fixed `size`.

    No parameters and no multiply-accumulates (docs/figures.md counts weights only).
    Nearest copies one input unit into each output unit, like a reshape: no
    connections. Bilinear (linear, trilinear: PyTorch's names by rank) mixes the 2
    nearest inputs along each axis: 2, 4 or 8 connections per output unit, as a pool
    counts its window.
    """

    type_name = "upsample"
    fields = (
        f.Field("scale", f.positive_axes, None, "an integer factor, or one per spatial axis"),
        f.Field(
            "size", f.positive_axes, None, "the output size per spatial axis, instead of scale"
        ),
        f.Field("mode", f.choice(("nearest", "bilinear")), "nearest"),
    )

    scale: PerAxis | None
    size: PerAxis | None
    mode: str

    def output_shape(
        self, inputs: Sequence[Shape], notes: list[Note], x: Numbers = NUMBERS
    ) -> Shape:
        c, sizes = spatial(inputs[0], "upsample")
        channels = x.num("C (unchanged)", c)
        if (self.scale is None) == (self.size is None):
            raise LayerError(
                "give either scale (a factor) or size (the output [height, width]), not "
                + ("both" if self.scale is not None else "neither"),
                "scale",
            )
        if self.size is not None:
            return (channels, *(x.num("size", out) for out in expand(self.size, inputs[0], "size")))
        assert self.scale is not None
        scale = expand(self.scale, inputs[0], "scale")
        names = AXIS_NAMES[len(sizes)]
        return (
            channels,
            *(
                x.num(SYMBOLS[name], size) * x.num("scale", factor)
                for name, size, factor in zip(names, sizes, scale, strict=True)
            ),
        )

    def _corners(self, shape: Shape) -> int:
        """Inputs mixed into one output unit: 2 per axis when interpolating."""
        return 2 ** (len(shape) - 1) if self.mode == "bilinear" else 0

    def figures(self, inputs: Sequence[Shape], output: Shape, x: Numbers = NUMBERS) -> Figures:
        corners = self._corners(inputs[0])
        if not corners:
            return NO_FIGURES
        return Figures.new(connections=corners * x.num("neurons", units(output)))

    def shape_steps(self, inputs: Sequence[Shape], output: Shape) -> list[Step]:
        return output_steps(self.output_shape(inputs, [], Symbols()))

    def notes(self, inputs: Sequence[Shape], output: Shape) -> dict[str, str]:
        square = "×".join("2" for _ in inputs[0][1:])
        return {"connections": f"each output unit mixes a {square} neighbourhood"}

    # window(): the default, receptive.UNMAPPED (fractional stride).


def adaptive_windows(size: int, out: int) -> int:
    """Σ over output positions of the window length PyTorch uses along one axis:
    from floor(i·W/out) to ceil((i+1)·W/out).

    In closed form, so the work does not grow with `out`: the floors telescope to W,
    and each ceiling adds 1 except where out divides j·W, which happens gcd(W, out)
    times for j = 1..out.
    """
    return size + out - math.gcd(size, out)


class AdaptivePool(LayerKind):
    """Pools to a fixed output size whatever the input size (torchvision's AlexNet and
    VGG end their features with one, 6×6 and 7×7). Windows may overlap or, when the
    output is larger than the input, repeat input units."""

    type_name = "adaptive_pool"
    fields = (
        f.Field("size", f.positive_axes, help="the output size per spatial axis"),
        f.Field("mode", f.choice(("max", "avg")), "avg"),
    )

    size: PerAxis
    mode: str

    def out(self, shape: Shape) -> tuple[int, ...]:
        """The output size per spatial axis of the input."""
        spatial(shape, "adaptive_pool")  # a vector input is an error
        return expand(self.size, shape, "size")

    def output_shape(
        self, inputs: Sequence[Shape], notes: list[Note], x: Numbers = NUMBERS
    ) -> Shape:
        sizes = (x.num("size", out) for out in self.out(inputs[0]))
        return (x.num("C (unchanged)", inputs[0][0]), *sizes)

    def window(self, inputs: Sequence[Shape]) -> WindowSpec:
        # A plain pool when the output divides the input (torchvision's 7×7 on 7×7 is
        # the identity); otherwise windows of varying size: not mapped.
        sizes = inputs[0][1:]
        outs = self.out(inputs[0])
        if any(size % out for size, out in zip(sizes, outs, strict=True)):
            return UNMAPPED
        return tuple(
            AxisWindow(size // out, size // out, 0) for size, out in zip(sizes, outs, strict=True)
        )

    def figures(self, inputs: Sequence[Shape], output: Shape, x: Numbers = NUMBERS) -> Figures:
        # Each output unit reads its window; summed per axis, the windows multiply.
        connections = x.num("C", inputs[0][0])
        names = AXIS_NAMES[len(output) - 1]
        for axis, size, out in zip(names, inputs[0][1:], output[1:], strict=True):
            word = f"{AXIS_UNITS[axis]}s"
            big, small = SYMBOLS[axis], SYMBOLS[axis].lower()
            windows = x.named(
                f"Σ over i of ceil((i + 1) × {big} / {small}) − floor(i × {big} / {small})",
                adaptive_windows(size, out),
                partial(_window_lengths, size, out),
            )
            connections = connections * x.step(f"window_{word}", windows)
        return Figures.new(connections=connections)

    def shape_steps(self, inputs: Sequence[Shape], output: Shape) -> list[Step]:
        return output_steps(self.output_shape(inputs, [], Symbols()))

    def notes(self, inputs: Sequence[Shape], output: Shape) -> dict[str, str]:
        return {
            f"window_{AXIS_UNITS[axis]}s": f"input {AXIS_UNITS[axis]}s read by each output, "
            "summed (PyTorch's windows)"
            for axis in axis_names(inputs[0])
        }


def _window_lengths(size: int, out: int) -> str:
    """Each window's length, when there are few to list; else their sum."""
    if out > 16:
        return n(adaptive_windows(size, out))
    return " + ".join(n(-(-((i + 1) * size) // out) - (i * size) // out) for i in range(out))
