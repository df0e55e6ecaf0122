"""Layers that change the spatial size without weights: upsampling and adaptive pooling."""

from __future__ import annotations

import math
from collections.abc import Sequence

from cnncalc.model.layers.base import Figures, LayerError, LayerKind, Note, Shape, chw, units
from cnncalc.model.layers.steps import Step, channels_step, n, neurons_step, step
from cnncalc.model.receptive import UNMAPPED, AxisWindow, WindowSpec
from cnncalc.reading import fields as f


class Upsample(LayerKind):
    """Nearest or bilinear upsampling by an integer `scale`, or to a fixed `size`.

    No parameters and no multiply-accumulates (docs/figures.md counts weights only).
    Nearest copies one input unit into each output unit, like a reshape: no
    connections. Bilinear mixes a 2×2 neighbourhood: 4 connections per output unit,
    as a pool counts its window.
    """

    type_name = "upsample"
    fields = (
        f.Field("scale", f.positive_pair, None, "an integer factor, or [height, width]"),
        f.Field("size", f.positive_pair, None, "the output [height, width], instead of scale"),
        f.Field("mode", f.choice(("nearest", "bilinear")), "nearest"),
    )

    scale: tuple[int, int] | None
    size: tuple[int, int] | None
    mode: str

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        c, h, w = chw(inputs[0], "upsample")
        if (self.scale is None) == (self.size is None):
            raise LayerError(
                "give either scale (a factor) or size (the output [height, width]), not "
                + ("both" if self.scale is not None else "neither"),
                "scale",
            )
        if self.size is not None:
            return (c, self.size[0], self.size[1])
        assert self.scale is not None
        return (c, h * self.scale[0], w * self.scale[1])

    def figures(self, inputs: Sequence[Shape], output: Shape) -> Figures:
        return Figures(connections=4 * units(output) if self.mode == "bilinear" else 0)

    def derivation(self, inputs: Sequence[Shape], output: Shape) -> list[Step]:
        c, h, w = chw(inputs[0], "upsample")
        steps = []
        for i, (axis, size) in enumerate((("height", h), ("width", w))):
            if self.scale is not None:
                symbol = "H" if axis == "height" else "W"
                steps.append(
                    step(
                        f"output_{axis}",
                        f"{symbol} × scale",
                        f"{n(size)} × {n(self.scale[i])}",
                        output[1 + i],
                    )
                )
            else:
                steps.append(step(f"output_{axis}", "size", n(output[1 + i]), output[1 + i]))
        steps += [channels_step("C (unchanged)", n(c), c), neurons_step(output)]
        if self.mode == "bilinear":
            neurons = units(output)
            steps.append(
                step(
                    "connections",
                    "4 × neurons",
                    f"4 × {n(neurons)}",
                    4 * neurons,
                    "each output unit mixes a 2×2 neighbourhood",
                )
            )
        return steps

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
        f.Field("size", f.positive_pair, help="the output [height, width]"),
        f.Field("mode", f.choice(("max", "avg")), "avg"),
    )

    size: tuple[int, int]
    mode: str

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        c = chw(inputs[0], "adaptive_pool")[0]
        return (c, self.size[0], self.size[1])

    def window(self, inputs: Sequence[Shape]) -> WindowSpec:
        # A plain pool when the output divides the input (torchvision's 7×7 on 7×7 is
        # the identity); otherwise windows of varying size: not mapped.
        _, h, w = chw(inputs[0], "adaptive_pool")
        if h % self.size[0] or w % self.size[1]:
            return UNMAPPED
        kh, kw = h // self.size[0], w // self.size[1]
        return (AxisWindow(kh, kh, 0), AxisWindow(kw, kw, 0))

    def figures(self, inputs: Sequence[Shape], output: Shape) -> Figures:
        c, h, w = chw(inputs[0], "adaptive_pool")
        # Each output unit reads its window; summed per axis, the windows multiply.
        return Figures(
            connections=c * adaptive_windows(h, self.size[0]) * adaptive_windows(w, self.size[1])
        )

    def derivation(self, inputs: Sequence[Shape], output: Shape) -> list[Step]:
        c, h, w = chw(inputs[0], "adaptive_pool")
        steps = [
            step("output_height", "size", n(self.size[0]), self.size[0]),
            step("output_width", "size", n(self.size[1]), self.size[1]),
            channels_step("C (unchanged)", n(c), c),
            neurons_step(output),
        ]
        sums = []
        for axis, big, small, size, out in (
            ("rows", "H", "h", h, self.size[0]),
            ("columns", "W", "w", w, self.size[1]),
        ):
            total = adaptive_windows(size, out)
            text = n(total)
            if out <= 16:
                lengths = [-(-((i + 1) * size) // out) - (i * size) // out for i in range(out)]
                text = " + ".join(map(n, lengths))
            sums.append(
                step(
                    f"window_{axis}",
                    f"Σ over i of ceil((i + 1) × {big} / {small}) − floor(i × {big} / {small})",
                    text,
                    total,
                    f"input {axis} read by each output, summed (PyTorch's windows)",
                )
            )
        rows, columns = sums
        steps += [
            *sums,
            step(
                "connections",
                "C × window rows × window columns",
                f"{n(c)} × {n(rows.value)} × {n(columns.value)}",
                c * rows.value * columns.value,
            ),
        ]
        return steps
