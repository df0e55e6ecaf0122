"""Receptive field and jump (effective stride) of every tensor, on graphs.

Each layer kind says how one output position reads its input (`LayerKind.window`): per
spatial axis a kernel, stride, leading padding and dilation, or ``None`` when position
o reads position o only (activations, normalisation, merges). This module turns those
windows into fields, with no knowledge of any kind.

On one axis of the network input, output unit o of a tensor reached by a path with
jump j (the product of the strides along the path) can look at the interval
[lo + o·j, hi + o·j]: positions before 0 or past the image are padding, and they count,
as in Araujo et al., "Computing Receptive Fields of Convolutional Neural Networks",
Distill 2019. Through a window (k, s, p, d) an interval becomes
j' = j·s, lo' = lo − p·j, hi' = hi + (d·(k−1) − p)·j — the recurrence
r' = r + d·(k−1)·j of Dang Ha The Hien's "guide to receptive field arithmetic".

Merge rule (`add`, `concat`): a merged unit can look wherever any of its inputs can,
so its field is the union of the inputs' fields and the reported receptive field is the
extent of that union. When the paths are centred alike (odd kernels, symmetric
padding: the usual case) this is simply the largest field over the inputs' paths; with
`same` padding of even kernels the paths can be offset, and the union is then wider
than any one path, as a brute-force index-set propagation confirms. Paths with different
jumps are kept apart (one interval per distinct jump), so the union stays exact; the
reported jump is then the largest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

from cnncalc.model.shapes import Shape
from cnncalc.record import Record


class AxisWindow(Record):
    """How output position o reads one input axis: o·stride − pad_before + t·dilation,
    for t = 0 … kernel − 1 (positions outside the input are padding)."""

    kernel: int
    stride: int
    pad_before: int
    dilation: int = 1


Window = tuple[AxisWindow, ...]  # one per spatial axis


class Unmapped:
    """A layer whose positions do not map to its input's by one window (upsampling,
    transposed convolution, adaptive pooling that does not divide its input): fields
    are not reported past it (``None``), rather than reported wrong."""

    def __repr__(self) -> str:
        return "UNMAPPED"


UNMAPPED = Unmapped()
WindowSpec = Window | Unmapped | None


def whole_input(shape: Shape) -> Window | None:
    """Every output unit reads the whole map (dense, flatten, global pooling).

    That is a window as large as the input with a stride as large as the input; a flat
    input already spans everything it can see, so nothing changes (``None``).
    """
    if len(shape) < 2:
        return None
    return tuple(AxisWindow(size, size, 0) for size in shape[1:])


class AxisField(Record):
    """One axis of a tensor's field: an interval (jump, lo, hi) per distinct jump."""

    spans: tuple[tuple[int, int, int], ...]

    def through(self, window: AxisWindow) -> AxisField:
        k, s, p, d = window.kernel, window.stride, window.pad_before, window.dilation
        if len(self.spans) == 1:  # one path (a chain): nothing to merge
            ((j, lo, hi),) = self.spans
            return AxisField(((j * s, lo - p * j, hi + (d * (k - 1) - p) * j),))
        return _combine((j * s, lo - p * j, hi + (d * (k - 1) - p) * j) for j, lo, hi in self.spans)

    def extent(self, size: int) -> int:
        """The widest field over the tensor's `size` units on this axis.

        Each unit's extent is max(hi + o·j) − min(lo + o·j) + 1, a convex function of
        o, so its largest value is at the first or the last unit.
        """
        if len(self.spans) == 1:  # one interval: every unit's extent is the same
            _, lo, hi = self.spans[0]
            return hi - lo + 1
        return max(
            max(hi + o * j for j, _, hi in self.spans)
            - min(lo + o * j for j, lo, _ in self.spans)
            + 1
            for o in {0, max(size - 1, 0)}
        )

    @property
    def jump(self) -> int:
        if len(self.spans) == 1:
            return self.spans[0][0]
        return max(j for j, _, _ in self.spans)


def _combine(spans: Iterable[tuple[int, int, int]]) -> AxisField:
    spans = list(spans)
    jump = spans[0][0] if spans else 0
    if spans and all(j == jump for j, _, _ in spans):
        # One jump (every path has the same stride, as in most residual blocks): one
        # interval, what the merge below gives, without the dict and the sort.
        return AxisField(((jump, min([s[1] for s in spans]), max([s[2] for s in spans])),))
    merged: dict[int, tuple[int, int]] = {}
    for j, lo, hi in spans:
        if j in merged:
            old_lo, old_hi = merged[j]
            merged[j] = (min(lo, old_lo), max(hi, old_hi))
        else:
            merged[j] = (lo, hi)
    return AxisField(tuple((j, lo, hi) for j, (lo, hi) in sorted(merged.items())))


Field = tuple[AxisField, ...]  # one per spatial axis


def input_field(shape: Shape) -> Field | None:
    """The network input: unit o sees position o. A flat input has no spatial field."""
    if len(shape) < 2:
        return None
    unit = AxisField(((1, 0, 0),))
    return (unit,) * (len(shape) - 1)


def through(window: WindowSpec, field: Field | None) -> Field | None:
    """The field of a layer's output from its input's field and the layer's window."""
    if window is None or field is None:
        return None if window is UNMAPPED else field
    if isinstance(window, Unmapped):
        return None
    return tuple(map(AxisField.through, field, window))  # one window per axis of the field


def union(fields: Sequence[Field | None]) -> Field | None:
    """The merge rule: a unit of an `add` or `concat` sees what any of its inputs sees."""
    if len(fields) == 1:
        return fields[0]
    if not fields or None in fields:
        return None
    present = cast("Sequence[Field]", fields)  # None is not among them
    rank = len(present[0])
    for field in present:
        if len(field) != rank:
            return None  # inputs of different spatial ranks share no field
    if len(present) == 2 and len(present[0]) == 2:
        # Two one-path fields of one jump (a residual add): one interval per axis,
        # what _combine gives, without building lists; this runs once per merge.
        (height_a, width_a), (height_b, width_b) = present
        if (
            len(height_a.spans)
            == len(height_b.spans)
            == len(width_a.spans)
            == 1
            == len(width_b.spans)
        ):
            (jh, lo_ha, hi_ha), (jh_b, lo_hb, hi_hb) = height_a.spans[0], height_b.spans[0]
            (jw, lo_wa, hi_wa), (jw_b, lo_wb, hi_wb) = width_a.spans[0], width_b.spans[0]
            if jh == jh_b and jw == jw_b:
                return (
                    AxisField(((jh, min(lo_ha, lo_hb), max(hi_ha, hi_hb)),)),
                    AxisField(((jw, min(lo_wa, lo_wb), max(hi_wa, hi_wb)),)),
                )
    return tuple(
        _combine([span for f in present for span in f[axis].spans])
        for axis in range(len(present[0]))
    )


# Jumps are products of strides, square in most networks: one tuple of each small one.
_SQUARE_JUMPS = [(jump, jump) for jump in range(65)]


def measures(field: Field | None, output: Shape) -> tuple[tuple[int, ...] | None, ...]:
    """(receptive field per axis, jump per axis) of a tensor; jump is None for vectors."""
    if field is None:
        return (None, None)
    if len(output) < 2:
        return (tuple(axis.extent(1) for axis in field), None)
    if len(field) != 2 or len(output) != 3:
        return (
            tuple(axis.extent(size) for axis, size in zip(field, output[1:], strict=True)),
            tuple(axis.jump for axis in field),
        )
    height, width = field
    if len(height.spans) == 1 and len(width.spans) == 1:
        # One path on each axis (chains, most blocks): AxisField.extent and .jump
        # inlined; this runs once per layer.
        (jump_h, lo_h, hi_h), (jump_w, lo_w, hi_w) = height.spans[0], width.spans[0]
        rf_h, rf_w = hi_h - lo_h + 1, hi_w - lo_w + 1
        if rf_w == rf_h:  # square (most fields): one int object, not two, kept per row
            rf_w = rf_h
        if jump_h == jump_w and jump_h < len(_SQUARE_JUMPS):  # most jumps: rows share one
            return ((rf_h, rf_w), _SQUARE_JUMPS[jump_h])
        return ((rf_h, rf_w), (jump_h, jump_w))
    return (
        (height.extent(output[1]), width.extent(output[2])),
        (height.jump, width.jump),
    )
