"""Layers that change the spatial size without weights: upsampling and adaptive pooling."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cnncalc import fields as f
from cnncalc.layers.base import Figures, LayerError, LayerKind, Note, Shape, chw, units


@dataclass(frozen=True, slots=True)
class Upsample(LayerKind):
    """Nearest or bilinear upsampling by an integer `scale`, or to a fixed `size`.

    No parameters and no multiply-accumulates (the contract counts weights only).
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


def adaptive_windows(size: int, out: int) -> int:
    """Σ over output positions of the window length PyTorch uses along one axis:
    from floor(i·W/out) to ceil((i+1)·W/out)."""
    return sum(-(-((i + 1) * size) // out) - (i * size) // out for i in range(out))


@dataclass(frozen=True, slots=True)
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

    def figures(self, inputs: Sequence[Shape], output: Shape) -> Figures:
        c, h, w = chw(inputs[0], "adaptive_pool")
        # Each output unit reads its window; summed per axis, the windows multiply.
        return Figures(
            connections=c * adaptive_windows(h, self.size[0]) * adaptive_windows(w, self.size[1])
        )
