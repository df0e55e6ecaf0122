"""Shape arithmetic shared by every sliding-window layer: pure integers in and out."""

from __future__ import annotations

import math

from cnncalc.record import Record

Shape = tuple[int, ...]
# A per-axis setting as written: one int for every spatial axis, or one per axis.
PerAxis = int | tuple[int, ...]

# The spatial axes of a C×L, C×H×W or C×D×H×W tensor, by rank.
AXIS_NAMES = {1: ("length",), 2: ("height", "width"), 3: ("depth", "height", "width")}
# What one index of each axis is, in warnings about input that no window reads.
AXIS_UNITS = {"length": "position", "depth": "slice", "height": "row", "width": "column"}


def units(shape: Shape) -> int:
    """Number of units in a tensor: C·H·W, or the length of a vector."""
    return math.prod(shape)


class Axis(Record):
    """One spatial axis of a sliding window."""

    size: int
    pad_before: int
    pad_after: int
    dropped: int


class WindowTooLarge(ValueError):
    """The window (kernel with dilation) does not fit in the padded input."""


def window_span(kernel: int, dilation: int = 1) -> int:
    """Input positions one window covers: D·(F−1) + 1."""
    return dilation * (kernel - 1) + 1


def window_axis(
    size: int,
    kernel: int,
    stride: int,
    pad_before: int,
    pad_after: int,
    dilation: int = 1,
    ceil: bool = False,
) -> Axis:
    """floor((W + P_before + P_after − D·(F−1) − 1) / S) + 1, or ceil with ``ceil``.

    With ``ceil`` the last window must still start inside the input or its leading
    padding (PyTorch's rule), so ceil mode never adds a window made only of padding.
    """
    span = window_span(kernel, dilation)
    room = size + pad_before + pad_after - span
    # In ceil mode a window may overhang the end, even when larger than the input, as
    # long as one window remains (PyTorch: a 3×3 stride-2 pool on 2×2 gives 1×1).
    if room < 0 and not (ceil and room > -stride):
        raise WindowTooLarge(size + pad_before + pad_after, span)
    if ceil:
        out = -(-room // stride) + 1
        if (out - 1) * stride >= size + pad_before:
            out -= 1
    else:
        out = room // stride + 1
    covered_end = (out - 1) * stride + span  # in padded coordinates
    dropped = max(0, pad_before + size - covered_end)
    return Axis(out, pad_before, pad_after, dropped)


def same_padding(size: int, kernel: int, stride: int, dilation: int = 1) -> tuple[int, int]:
    """Keras/TensorFlow `same`: output ceil(W/S); the smaller half of the padding first."""
    out = -(-size // stride)
    total = max((out - 1) * stride + window_span(kernel, dilation) - size, 0)
    return total // 2, total - total // 2
