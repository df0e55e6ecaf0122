"""Pooling and LeNet-5's trainable subsampling."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cnncalc.model.layers.base import Figures, LayerKind, Note, Shape, chw, dense_equivalent, units
from cnncalc.model.layers.conv import Padding, axes_steps, window_of, window_output
from cnncalc.model.layers.steps import Step, channels_step, dense_step, n, neurons_step, step
from cnncalc.model.receptive import AxisWindow, Window, whole_input
from cnncalc.reading import fields as f


def _stride_defaults_to_size(values: dict[str, Any]) -> dict[str, Any]:
    if values["stride"] is None:
        values["stride"] = values["size"]
    return values


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

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return window_of(inputs[0], self.size, self.stride, self.padding, (1, 1))

    def figures(self, inputs: Sequence[Shape], output: Shape) -> Figures:
        # Every output unit reads a size×size window (padded positions count as links).
        return Figures(connections=units(output) * self.size[0] * self.size[1])

    def derivation(self, inputs: Sequence[Shape], output: Shape) -> list[Step]:
        c, h, w = chw(inputs[0], "pool")
        fh, fw = self.size
        neurons = units(output)
        return [
            *axes_steps(self.size, self.stride, self.padding, (1, 1), h, w, self.ceil),
            channels_step("C (unchanged)", n(c), c),
            neurons_step(output),
            step(
                "connections",
                "neurons × F × F" if fh == fw else "neurons × Fh × Fw",
                f"{n(neurons)} × {n(fh)} × {n(fw)}",
                neurons * fh * fw,
                "one link per window position; no parameters",
            ),
        ]


class GlobalPool(LayerKind):
    type_name = "global_pool"
    fields = (f.Field("mode", f.choice(("max", "avg")), "avg"),)

    mode: str

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return (chw(inputs[0], "global_pool")[0], 1, 1)

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return whole_input(inputs[0])

    def figures(self, inputs: Sequence[Shape], output: Shape) -> Figures:
        # A pool whose window is the whole map: each channel's unit reads H·W inputs.
        return Figures(connections=units(inputs[0]))

    def derivation(self, inputs: Sequence[Shape], output: Shape) -> list[Step]:
        c, h, w = chw(inputs[0], "global_pool")
        return [
            channels_step("C (unchanged); height and width 1", n(c), c),
            neurons_step(output),
            step(
                "connections",
                "C × H × W of the input",
                f"{n(c)} × {n(h)} × {n(w)}",
                c * h * w,
                "each channel's unit reads its whole map",
            ),
        ]


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

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return (
            AxisWindow(self.size[0], self.stride[0], 0),
            AxisWindow(self.size[1], self.stride[1], 0),
        )

    def figures(self, inputs: Sequence[Shape], output: Shape) -> Figures:
        neurons = units(output)
        return Figures(
            params=2 * output[0],
            params_unshared=2 * neurons,
            params_dense=dense_equivalent(inputs, output, bias=True),
            connections=neurons * (self.size[0] * self.size[1] + 1),
        )

    def derivation(self, inputs: Sequence[Shape], output: Shape) -> list[Step]:
        c, h, w = chw(inputs[0], "subsample")
        fh, fw = self.size
        neurons = units(output)
        window = "F × F" if fh == fw else "Fh × Fw"
        return [
            *axes_steps(self.size, self.stride, (0, 0), (1, 1), h, w),
            channels_step("C (unchanged)", n(c), c),
            neurons_step(output),
            step(
                "params_unshared",
                "2 × neurons",
                f"2 × {n(neurons)}",
                2 * neurons,
                "a coefficient and a bias for every unit",
            ),
            step("params", "2 × C", f"2 × {n(c)}", 2 * c, "one coefficient and one bias per map"),
            step(
                "connections",
                f"neurons × ({window} + 1)",
                f"{n(neurons)} × ({n(fh)} × {n(fw)} + 1)",
                neurons * (fh * fw + 1),
            ),
            dense_step(inputs, output, bias=True),
        ]
