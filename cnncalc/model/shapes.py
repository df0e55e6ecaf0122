"""The output-size rules of the layers that change a spatial size, each stated once.

Each rule is integer arithmetic over numbers given by the caller and operations asked
of ``x`` (`cnncalc.model.layers.terms`): the analysis passes `NUMBERS` and plain ints,
so a rule costs what its arithmetic costs; `cnncalc explain` passes `Symbols` and
terms named as a student names them (H, F, S, 2P, ...), and gets the output size as a
term that carries its formula and its substituted text. So explain's output-size steps
are these rules evaluated, not a second statement of them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # terms imports this module's axis names
    from cnncalc.model.layers.terms import Numbers

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


class WindowTooLarge(ValueError):
    """The window (kernel with dilation) does not fit in the padded input."""


def window_span(kernel: int, dilation: int = 1) -> int:
    """Input positions one window covers: D·(F−1) + 1."""
    return dilation * (kernel - 1) + 1


def window_size(
    x: Numbers,
    size: int,
    kernel: int,
    stride: int,
    before: int,
    pads: int,
    dilation: int = 1,
    ceil: bool = False,
) -> tuple[int, int, int]:
    """A sliding window's output size along one axis, padded by ``before`` at the start
    and ``pads`` in all: floor((W − D·(F − 1) − 1 + 2P) / S) + 1, or ceil with
    ``ceil``. Returns (output size, W − D·(F − 1) − 1 + 2P, input positions at the end
    that no window reads).

    With ``ceil`` the last window must still start inside the input or its leading
    padding (PyTorch's rule), so ceil mode never adds a window made only of padding.
    """
    # An undilated window is written W − F, as the textbooks write it.
    room = (size - kernel if dilation == 1 else size - dilation * (kernel - 1) - 1) + pads
    # In ceil mode a window may overhang the end, even when larger than the input, as
    # long as one window remains (PyTorch: a 3×3 stride-2 pool on 2×2 gives 1×1).
    if room < 0 and not (ceil and room > -stride):
        raise WindowTooLarge(size + pads, window_span(kernel, dilation))
    if ceil:
        out = x.ceil_div(room, stride) + 1
        if (out - 1) * stride >= size + before:
            out = out - 1
    else:
        out = x.floor_div(room, stride) + 1
    # The last window ends at (out − 1)·S + D·(F − 1) + 1, in padded positions, and
    # D·(F − 1) + 1 = W + 2P − room: the input past that end is never read.
    dropped = before + room - pads - (out - 1) * stride
    return out, room, dropped if dropped > 0 else 0


def same_size(
    x: Numbers, symbol: str, size: int, kernel: int, stride: int, dilation: int = 1
) -> tuple[int, int]:
    """Keras/TensorFlow `same`: the output size ceil(W / S) and the total padding it
    needs, max((W_out − 1)·S + D·(F − 1) + 1 − W, 0); ``symbol`` names W (H, W, ...)."""
    out = x.ceil_div(size, stride)
    last = (x.num(f"{symbol}_out", out) - 1) * stride
    end = last + kernel if dilation == 1 else last + dilation * (kernel - 1) + 1
    return out, x.max(end - size, 0)


def halves(total: int) -> tuple[int, int]:
    """`same` padding split before and after: the smaller half first."""
    return total // 2, total - total // 2


def transposed_size(
    x: Numbers, size: int, kernel: int, stride: int, pads: int, output_padding: int, dilation: int
) -> int:
    """A transposed conv's output size along one axis, ``pads`` cropped in all (2P):
    (W − 1)·S − 2P + D·(F − 1) + output_padding + 1 (PyTorch's rule)."""
    out = (size - 1) * stride - pads + (kernel - 1 if dilation == 1 else dilation * (kernel - 1))
    if output_padding:
        out = out + output_padding
    return out + 1
