"""Convolution: shared, locally connected (`sharing: false`), grouped, or with a
LeNet-5-style connection table."""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.model.layers.base import (
    Computed,
    Figures,
    LayerError,
    LayerKind,
    Note,
    Shape,
    dense_equivalent,
    expand,
    spatial,
    units,
)
from cnncalc.model.layers.steps import Step, term_step, window_steps
from cnncalc.model.layers.terms import NUMBERS, Numbers, Symbols
from cnncalc.model.receptive import AxisWindow, Window, WindowSpec
from cnncalc.model.shapes import (
    AXIS_NAMES,
    AXIS_UNITS,
    PerAxis,
    WindowTooLarge,
    halves,
    same_size,
    window_size,
    window_span,
)
from cnncalc.reading import fields as f
from cnncalc.record import Record

Padding = PerAxis | str


class Geometry(Record):
    """A sliding window's settings spread over the input's spatial axes."""

    sizes: tuple[int, ...]
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[int, ...] | str
    dilation: tuple[int, ...]


def geometry(
    shape: Shape,
    what: str,
    kernel: PerAxis,
    stride: PerAxis,
    padding: Padding,
    dilation: PerAxis,
    kernel_name: str = "kernel",
) -> Geometry:
    """The settings per spatial axis of the input; a list of another rank is an error."""
    sizes = spatial(shape, what)[1]
    return Geometry(
        sizes,
        expand(kernel, shape, kernel_name),
        expand(stride, shape, "stride"),
        padding if isinstance(padding, str) else expand(padding, shape, "padding"),
        expand(dilation, shape, "dilation"),
    )


def slide(
    shape: Shape, g: Geometry, channels: int, notes: list[Note], ceil: bool = False
) -> tuple[Shape, Window]:
    """Output shape (with the uncovered-input warning) and receptive-field window of a
    window layer (conv or pool): `shapes.window_size` along each spatial axis, `same`
    padding resolved by `shapes.same_size`."""
    output = [channels]
    windows: list[AxisWindow] = []
    lost: list[tuple[int, int, int]] = []  # (axis, room, dropped) where input is unread
    paddings = (None,) * len(g.sizes) if isinstance(g.padding, str) else g.padding
    for size, kernel, stride, dilation, padding in zip(
        g.sizes, g.kernel, g.stride, g.dilation, paddings, strict=True
    ):
        if padding is None:
            before, after = halves(same_size(NUMBERS, "", size, kernel, stride, dilation)[1])
            pads = before + after
        else:
            before, pads = padding, padding + padding
        try:
            out, room, dropped = window_size(
                NUMBERS, size, kernel, stride, before, pads, dilation, ceil
            )
        except WindowTooLarge:
            raise _too_large(g) from None
        if dropped:
            lost.append((len(windows), room, dropped))
        output.append(out)
        windows.append(AxisWindow(kernel, stride, before, dilation))
    if lost:
        notes.append(_uncovered(g, lost))
    return tuple(output), tuple(windows)


def _uncovered(g: Geometry, lost: list[tuple[int, int, int]]) -> Note:
    """The warning naming the input rows/columns (slices, positions) that no window
    reaches. Only real input counts: when the windows merely stop short of trailing
    padding, nothing is lost and nothing is said."""
    names = AXIS_NAMES[len(g.sizes)]
    parts = []
    formulas = []
    for axis, room, dropped in lost:
        word = AXIS_UNITS[names[axis]]
        parts.append(f"the last {word}" if dropped == 1 else f"the last {dropped} {word}s")
        span, stride = window_span(g.kernel[axis], g.dilation[axis]), g.stride[axis]
        formulas.append(f"({room + span} − {span}) / {stride} = {room / stride:g}")
    verb = "is" if len(lost) == 1 and lost[0][2] == 1 else "are"
    return Note(
        f"the windows do not tile the {'×'.join(map(str, g.sizes))} input "
        f"({'; '.join(dict.fromkeys(formulas))} is not a whole number): "
        f"{' and '.join(parts)} of the input {verb} never read",
        "stride",
    )


def _too_large(g: Geometry) -> LayerError:
    spans = tuple(map(window_span, g.kernel, g.dilation))
    pads = (0,) * len(g.sizes) if isinstance(g.padding, str) else g.padding
    padded = [size + 2 * pad for size, pad in zip(g.sizes, pads, strict=True)]
    dilated = f" (dilated to {_times(spans)})" if spans != g.kernel else ""
    return LayerError(
        f"kernel {_times(g.kernel)}{dilated} is larger than its padded input "
        f"{_times(padded)}; use a smaller kernel or more padding",
        "kernel",
    )


def _times(values: Sequence[int]) -> str:
    return "×".join(map(str, values))


class Conv(LayerKind):
    type_name = "conv"
    fields = (
        f.Field("filters", f.positive),
        f.Field("kernel", f.positive_axes),
        f.Field("stride", f.positive_axes, 1),
        f.Field("padding", f.padding, 0),
        f.Field("dilation", f.positive_axes, 1),
        f.Field("groups", f.positive, 1),
        f.Field("bias", f.boolean, True),
        f.Field("sharing", f.boolean, True),
        f.Field("table", f.index_table, None),
    )

    filters: int
    kernel: PerAxis
    stride: PerAxis
    padding: Padding
    dilation: PerAxis
    groups: int
    bias: bool
    sharing: bool
    table: tuple[tuple[int, ...], ...] | None

    def compute(self, inputs: Sequence[Shape], notes: list[Note]) -> Computed:
        g = self.geometry(inputs[0])  # once, for the shape, the figures and the window
        channels = inputs[0][0]
        if self.table is not None:
            self._check_table(channels)
        elif channels % self.groups or self.filters % self.groups:
            raise LayerError(
                f"groups {self.groups} must divide both the input channels ({channels}) "
                f"and the filters ({self.filters})",
                "groups",
            )
        output, window = slide(inputs[0], g, self.filters, notes)
        return Computed(output, self._figures(inputs, output, g.kernel), window)

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return self.compute(inputs, notes).output

    def geometry(self, shape: Shape) -> Geometry:
        return geometry(shape, "conv", self.kernel, self.stride, self.padding, self.dilation)

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

    def window(self, inputs: Sequence[Shape]) -> WindowSpec:
        return self.compute(inputs, []).window

    def figures(self, inputs: Sequence[Shape], output: Shape, x: Numbers = NUMBERS) -> Figures:
        return self._figures(inputs, output, self.geometry(inputs[0]).kernel, x)

    def _figures(
        self, inputs: Sequence[Shape], output: Shape, window: Shape, x: Numbers = NUMBERS
    ) -> Figures:
        kernel = x.kernel(window)
        if self.table is None:
            # Every filter has the same fan-in: the kernel's size·Cin/groups.
            fan_in = kernel * x.num("Cin", inputs[0][0])
            if self.groups > 1:
                fan_in = fan_in // x.num("groups", self.groups)
            neurons = x.num("neurons", units(output))
            per_filter = fan_in + 1 if self.bias else fan_in
            unshared = neurons * per_filter
            shared = x.num("filters", self.filters) * per_filter
            macs = neurons * fan_in
        else:
            # LeNet-5's C3: filters reading the same number of maps are grouped.
            sizes: dict[int, int] = {}
            for entry in self.table:
                sizes[len(entry)] = sizes.get(len(entry), 0) + 1
            fan_ins = [(count, kernel * x.num("|entry|", size)) for size, count in sizes.items()]
            per_filters = [(count, fan + 1 if self.bias else fan) for count, fan in fan_ins]
            shared = x.total("filters", per_filters)
            positions = x.positions(output[1:])
            unshared = positions * shared
            macs = positions * x.total("filters", fan_ins)
        return Figures.new(
            params=shared
            if self.sharing
            else x.num("parameters without sharing (sharing: false, locally connected)", unshared),
            params_unshared=unshared,
            params_dense=dense_equivalent(x, inputs, output, self.bias),
            connections=unshared,
            macs=macs,
        )

    def shape_steps(self, inputs: Sequence[Shape], output: Shape) -> list[Step]:
        filters = Symbols().num("filters", self.filters)
        return [*axes_steps(self.geometry(inputs[0])), term_step("output_channels", filters)]

    def notes(self, inputs: Sequence[Shape], output: Shape) -> dict[str, str]:
        return {
            "connections": "one link per weight at every output position"
            + (", plus one per bias" if self.bias else "")
            + "; padded positions count"
        }


def axes_steps(g: Geometry, ceil: bool = False) -> list[Step]:
    """Output size of a sliding window, one derivation per spatial axis."""
    steps: list[Step] = []
    for i, axis in enumerate(AXIS_NAMES[len(g.sizes)]):
        pad: int | str = g.padding if isinstance(g.padding, str) else g.padding[i]
        steps += window_steps(axis, g.sizes[i], g.kernel[i], g.stride[i], pad, g.dilation[i], ceil)
    return steps
