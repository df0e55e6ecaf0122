"""Convolution: shared, locally connected (`sharing: false`), grouped, or with a
LeNet-5-style connection table."""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.model.layers.base import (
    Figures,
    LayerError,
    LayerKind,
    Note,
    Shape,
    chw,
    dense_equivalent,
    uncovered_note,
)
from cnncalc.model.layers.steps import (
    Step,
    channels_step,
    dense_step,
    n,
    neurons_step,
    step,
    window_steps,
)
from cnncalc.model.receptive import AxisWindow, Window
from cnncalc.model.shapes import Axis, WindowTooLarge, same_padding, window_axis, window_span
from cnncalc.reading import fields as f

Padding = tuple[int, int] | str


def resolve_axes(
    size: tuple[int, int],
    kernel: tuple[int, int],
    stride: tuple[int, int],
    padding: Padding,
    dilation: tuple[int, int],
    ceil: bool = False,
) -> tuple[Axis, Axis]:
    """Both spatial axes of a sliding window, `same` padding resolved."""
    axes = []
    for i in (0, 1):
        if padding == "same":
            before, after = same_padding(size[i], kernel[i], stride[i], dilation[i])
        else:
            assert not isinstance(padding, str)
            before = after = padding[i]
        try:
            axes.append(
                window_axis(size[i], kernel[i], stride[i], before, after, dilation[i], ceil)
            )
        except WindowTooLarge:
            span = (window_span(kernel[0], dilation[0]), window_span(kernel[1], dilation[1]))
            padded = [size[j] + 2 * (0 if isinstance(padding, str) else padding[j]) for j in (0, 1)]
            dilated = f" (dilated to {span[0]}×{span[1]})" if span != kernel else ""
            raise LayerError(
                f"kernel {kernel[0]}×{kernel[1]}{dilated} is larger than its padded input "
                f"{padded[0]}×{padded[1]}; use a smaller kernel or more padding",
                "kernel",
            ) from None
    return axes[0], axes[1]


def window_output(
    shape: Shape,
    what: str,
    channels_out: int | None,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    padding: Padding,
    dilation: tuple[int, int],
    notes: list[Note],
    ceil: bool = False,
) -> Shape:
    """Output shape of a window layer (conv or pool) with the uncovered-input warning."""
    c, h, w = chw(shape, what)
    axes = resolve_axes((h, w), kernel, stride, padding, dilation, ceil)
    spans = (window_span(kernel[0], dilation[0]), window_span(kernel[1], dilation[1]))
    note = uncovered_note(axes, (h, w), spans, stride)
    if note:
        notes.append(note)
    return (c if channels_out is None else channels_out, axes[0].size, axes[1].size)


def window_of(
    shape: Shape,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    padding: Padding,
    dilation: tuple[int, int],
) -> Window:
    """The receptive-field window of a conv or pool (`same` padding resolved); the
    window fits its input (`output_shape` checked that)."""
    windows = []
    for i in (0, 1):
        if padding == "same":
            before = same_padding(shape[i + 1], kernel[i], stride[i], dilation[i])[0]
        else:
            assert not isinstance(padding, str)
            before = padding[i]
        windows.append(AxisWindow(kernel[i], stride[i], before, dilation[i]))
    return windows[0], windows[1]


class Conv(LayerKind):
    type_name = "conv"
    fields = (
        f.Field("filters", f.positive),
        f.Field("kernel", f.positive_pair),
        f.Field("stride", f.positive_pair, (1, 1)),
        f.Field("padding", f.padding, (0, 0)),
        f.Field("dilation", f.positive_pair, (1, 1)),
        f.Field("groups", f.positive, 1),
        f.Field("bias", f.boolean, True),
        f.Field("sharing", f.boolean, True),
        f.Field("table", f.index_table, None),
    )

    filters: int
    kernel: tuple[int, int]
    stride: tuple[int, int]
    padding: Padding
    dilation: tuple[int, int]
    groups: int
    bias: bool
    sharing: bool
    table: tuple[tuple[int, ...], ...] | None

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        channels = chw(inputs[0], "conv")[0]
        if self.table is not None:
            self._check_table(channels)
        elif channels % self.groups or self.filters % self.groups:
            raise LayerError(
                f"groups {self.groups} must divide both the input channels ({channels}) "
                f"and the filters ({self.filters})",
                "groups",
            )
        return window_output(
            inputs[0],
            "conv",
            self.filters,
            self.kernel,
            self.stride,
            self.padding,
            self.dilation,
            notes,
        )

    def _check_table(self, channels: int) -> None:
        assert self.table is not None
        if self.groups != 1:
            raise LayerError("a connection table and groups cannot be combined", "groups")
        if len(self.table) != self.filters:
            raise LayerError(
                f"table has {len(self.table)} entries but the layer has {self.filters} filters; "
                "give one list of input channels per filter",
                "table",
            )
        for number, entry in enumerate(self.table):
            for index in entry:
                if index >= channels:
                    raise LayerError(
                        f"table entry {number} reads input channel {index}, but the input has "
                        f"{channels} channels (0 to {channels - 1})",
                        "table",
                    )

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return window_of(inputs[0], self.kernel, self.stride, self.padding, self.dilation)

    def fan_ins(self, channels: int) -> int:
        """Σ over filters of the weights one filter applies at one position."""
        kh, kw = self.kernel
        if self.table is not None:
            return sum(kh * kw * len(entry) for entry in self.table)
        return self.filters * kh * kw * (channels // self.groups)

    def figures(self, inputs: Sequence[Shape], output: Shape) -> Figures:
        positions = output[1] * output[2]
        weights = self.fan_ins(inputs[0][0])
        per_position = weights + (self.filters if self.bias else 0)
        unshared = positions * per_position
        return Figures(
            params=per_position if self.sharing else unshared,
            params_unshared=unshared,
            params_dense=dense_equivalent(inputs, output, self.bias),
            connections=unshared,
            macs=positions * weights,
        )

    def derivation(self, inputs: Sequence[Shape], output: Shape) -> list[Step]:
        channels, height, width = chw(inputs[0], "conv")
        steps = axes_steps(self.kernel, self.stride, self.padding, self.dilation, height, width)
        steps += [channels_step("filters", n(self.filters), self.filters), neurons_step(output)]
        neurons, positions = output[0] * output[1] * output[2], output[1] * output[2]
        b, bias = (1, " + 1") if self.bias else (0, "")
        kh, kw = self.kernel
        kernel = "F × F" if kh == kw else "Fh × Fw"
        if self.table is None:
            # Every filter has the same fan-in: kh·kw·Cin/groups.
            fan_in = kh * kw * (channels // self.groups)
            per_group = " / groups" if self.groups > 1 else ""
            fan = f"{kernel} × Cin{per_group}"
            fan_text = f"{n(kh)} × {n(kw)} × {n(channels)}" + (
                f" / {n(self.groups)}" if self.groups > 1 else ""
            )
            unshared = step(
                "params_unshared",
                f"neurons × ({fan}{bias})",
                f"{n(neurons)} × ({fan_text}{bias})",
                neurons * (fan_in + b),
            )
            shared_value = self.filters * (fan_in + b)
            shared_formula = f"filters × ({fan}{bias})"
            shared_text = f"{n(self.filters)} × ({fan_text}{bias})"
            macs = step("macs", f"neurons × {fan}", f"{n(neurons)} × {fan_text}", neurons * fan_in)
        else:
            # LeNet-5's C3: filters reading the same number of maps are grouped.
            sizes: dict[int, int] = {}
            for entry in self.table:
                sizes[len(entry)] = sizes.get(len(entry), 0) + 1
            fan = f"{kernel} × |entry|"
            terms = [(count, f"{n(kh)} × {n(kw)} × {n(size)}") for size, count in sizes.items()]
            shared_value = sum(count * (kh * kw * size + b) for size, count in sizes.items())
            shared_formula = f"Σ over filters ({fan}{bias})"
            shared_text = " + ".join(f"{n(c)} × ({t}{bias})" for c, t in terms)
            weights = sum(count * kh * kw * size for size, count in sizes.items())
            unshared = step(
                "params_unshared",
                f"H × W × Σ over filters ({fan}{bias})",
                f"{n(output[1])} × {n(output[2])} × ({shared_text})",
                positions * shared_value,
            )
            macs = step(
                "macs",
                f"H × W × Σ over filters {fan}",
                f"{n(output[1])} × {n(output[2])} × ("
                + " + ".join(f"{n(c)} × {t}" for c, t in terms)
                + ")",
                positions * weights,
            )
        if self.sharing:
            shared = step("params", shared_formula, shared_text, shared_value)
        else:
            shared = step(
                "params",
                "parameters without sharing (sharing: false, locally connected)",
                n(unshared.value),
                unshared.value,
            )
        connections = step(
            "connections",
            unshared.formula,
            unshared.substituted,
            unshared.value,
            "one link per weight at every output position"
            + (", plus one per bias" if self.bias else "")
            + "; padded positions count",
        )
        return [*steps, unshared, shared, connections, dense_step(inputs, output, self.bias), macs]


def axes_steps(
    kernel: tuple[int, int],
    stride: tuple[int, int],
    padding: Padding,
    dilation: tuple[int, int],
    height: int,
    width: int,
    ceil: bool = False,
) -> list[Step]:
    """Output height and width of a sliding window, one derivation per axis."""
    steps: list[Step] = []
    for i, (axis, size) in enumerate((("height", height), ("width", width))):
        pad: int | str = padding if isinstance(padding, str) else padding[i]
        steps += window_steps(axis, size, kernel[i], stride[i], pad, dilation[i], ceil)
    return steps
