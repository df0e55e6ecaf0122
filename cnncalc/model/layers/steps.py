"""The steps of a derivation, as a student writes them: formula, numbers substituted, value.

Each layer kind builds its own steps (`LayerKind.derivation`); the helpers here are the
pieces several kinds share: one spatial axis of a sliding window, the neuron count, and
the formulas of docs/figures.md as a fallback for figures a kind does not derive itself. A window's
output size, padding and uncovered rows are the values of `cnncalc.model.shapes`, the rule
the kinds compute with; the tests evaluate each substituted text and hold it to its
value, so the words cannot drift from the rule.
"""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.model.shapes import (
    AXIS_NAMES,
    AXIS_UNITS,
    Shape,
    same_padding,
    units,
    window_axis,
    window_span,
)
from cnncalc.record import Record

# Keys of steps that are not figures but parts of the output shape.
OUTPUT_KEYS = (
    "output_channels",
    "output_length",
    "output_depth",
    "output_height",
    "output_width",
    "output_units",
)

# The letter of each spatial axis in formulas.
SYMBOLS = {"length": "L", "depth": "D", "height": "H", "width": "W"}

LABELS = {
    "output_channels": "output channels",
    "output_length": "output length",
    "output_depth": "output depth",
    "output_height": "output height",
    "output_width": "output width",
    "output_units": "output units",
    "neurons": "neurons",
    "params": "parameters with sharing",
    "non_trainable": "non-trainable parameters",
    "params_unshared": "parameters without sharing",
    "params_dense": "fully connected equivalent",
    "connections": "connections",
    "macs": "multiply-accumulates",
}

# What docs/figures.md says each figure is, for kinds without their own steps.
CONTRACT_FORMULAS = {
    "params": "trainable parameters of the layer",
    "non_trainable": "stored parameters that are not trained",
    "params_unshared": "every output neuron owns a private copy of its weights and bias",
    "params_dense": "in_units × out_units (+ out_units with bias)",
    "connections": "links from input units to output units (+ one per biased output unit)",
    "macs": "multiply-accumulates of one forward pass",
}

FIGURE_ORDER = ("params_unshared", "params", "non_trainable", "connections", "params_dense", "macs")


class Step(Record):
    """One line of a derivation.

    ``key`` is a figure key (``params``, ``connections``, ...), an output-shape key
    (``output_height``, ...) or, for an intermediate quantity, a key of its own
    (``padding_height``, ``fan_in``); ``substituted`` is ``formula`` with the layer's
    numbers in it, and evaluates to ``value``.
    """

    key: str
    label: str
    formula: str
    substituted: str
    value: int
    note: str = ""


def n(value: int) -> str:
    """A number inside a substituted expression: thousands separators, like the tables."""
    return f"{value:,}"


def step(key: str, formula: str, substituted: str, value: int, note: str = "") -> Step:
    return Step(key, LABELS.get(key, key.replace("_", " ")), formula, substituted, value, note)


def axis_names(shape: Shape) -> tuple[str, ...]:
    """The spatial axes of a C×L, C×H×W or C×D×H×W shape ("length", "height", ...)."""
    return AXIS_NAMES[len(shape) - 1]


def positions_formula(shape: Shape) -> str:
    """'L', 'H × W' or 'D × H × W': the output positions of a spatial shape."""
    return " × ".join(SYMBOLS[name] for name in axis_names(shape))


def times(values: Sequence[int]) -> str:
    """Numbers multiplied in a substituted expression: 3 × 3."""
    return " × ".join(map(n, values))


def kernel_formula(kernel: Sequence[int]) -> str:
    """'F', 'F × F', 'Fh × Fw', 'F × F × F' or 'Fd × Fh × Fw'."""
    if len(set(kernel)) == 1:
        return " × ".join("F" * len(kernel))
    names = AXIS_NAMES[len(kernel)]
    return " × ".join(f"F{SYMBOLS[name].lower()}" for name in names)


def neurons_step(output: Shape) -> Step:
    """neurons = H × W × C (L × C, D × H × W × C, or the length of a vector output)."""
    if len(output) == 1:
        return step("neurons", "units", n(output[0]), output[0])
    if len(output) - 1 in AXIS_NAMES:
        return step(
            "neurons",
            f"{positions_formula(output)} × C",
            f"{times(output[1:])} × {n(output[0])}",
            units(output),
        )
    return step("neurons", "product of the output shape", " × ".join(map(n, output)), units(output))


def channels_step(formula: str, substituted: str, value: int) -> Step:
    return step("output_channels", formula, substituted, value)


def dense_step(inputs: Sequence[Shape], output: Shape, bias: bool) -> Step:
    """The layer replaced by a dense layer between the same units."""
    in_units = sum(units(shape) for shape in inputs)
    out_units = units(output)
    if bias:
        return step(
            "params_dense",
            "in_units × out_units + out_units",
            f"{n(in_units)} × {n(out_units)} + {n(out_units)}",
            in_units * out_units + out_units,
        )
    return step(
        "params_dense",
        "in_units × out_units (no bias)",
        f"{n(in_units)} × {n(out_units)}",
        in_units * out_units,
    )


def window_steps(
    axis: str,
    size: int,
    kernel: int,
    stride: int,
    padding: int | str,
    dilation: int = 1,
    ceil: bool = False,
) -> list[Step]:
    """Output size along one spatial axis ("height", "width", ...) of a sliding window.

    ((W − F + 2P) / S) + 1, with D·(F − 1) + 1 for F when dilated; floor (or ceil) and a
    note when the division is not exact. ``padding`` is an int or ``"same"``. The values
    are `cnncalc.model.shapes`' (the rule the kinds compute with); the text here states it.
    """
    w = SYMBOLS[axis]
    key = f"output_{axis}"
    span = window_span(kernel, dilation)
    span_formula = "F" if dilation == 1 else "D × (F − 1) − 1"
    span_text = n(kernel) if dilation == 1 else f"{n(dilation)} × ({n(kernel)} − 1) − 1"
    if padding == "same":
        before, after = same_padding(size, kernel, stride, dilation)
        window = window_axis(size, kernel, stride, before, after, dilation)
        span_sub = n(span) if dilation == 1 else f"{n(dilation)} × ({n(kernel)} − 1) + 1"
        return [
            step(
                key, f"ceil({w} / S)  (padding same)", f"ceil({n(size)} / {n(stride)})", window.size
            ),
            step(
                f"padding_{axis}",
                f"max(({w}_out − 1) × S + {'F' if dilation == 1 else 'D × (F − 1) + 1'} − {w}, 0)",
                f"max(({n(window.size)} − 1) × {n(stride)} + {span_sub} − {n(size)}, 0)",
                before + after,
                f"{before} before, {after} after" + _dropped_text(window.dropped, axis),
            ),
        ]
    assert isinstance(padding, int)
    window = window_axis(size, kernel, stride, padding, padding, dilation, ceil)
    room = size + 2 * padding - span
    numerator_formula = f"{w} − {span_formula} + 2P"
    numerator_text = f"{n(size)} − {span_text} + 2 × {n(padding)}"
    exact = room % stride == 0
    if exact:
        formula = f"({numerator_formula}) / S + 1"
        substituted = f"({numerator_text}) / {n(stride)} + 1"
    elif ceil:
        formula = f"ceil(({numerator_formula}) / S) + 1"
        substituted = f"ceil(({numerator_text}) / {n(stride)}) + 1"
    else:
        formula = f"floor(({numerator_formula}) / S) + 1"
        substituted = f"floor(({numerator_text}) / {n(stride)}) + 1"
    note = ""
    if not exact:
        note = f"{n(room)} / {n(stride)} = {room / stride:g} is not a whole number"
    if ceil and window.size < -(-room // stride) + 1:
        # PyTorch's rule: a last window that would start in the trailing padding is dropped.
        substituted += " − 1"
        formula += " − 1"
        note = (note + "; " if note else "") + (
            "the last window would start in the trailing padding, so it is dropped"
        )
    if not exact:
        if window.dropped:
            note += _dropped_text(window.dropped, axis)
        elif not ceil:
            note += ": the windows stop short of the trailing padding, no input is lost"
    return [step(key, formula, substituted, window.size, note)]


def _dropped_text(dropped: int, axis: str) -> str:
    if not dropped:
        return ""
    if dropped == 1:
        return f": the last {AXIS_UNITS[axis]} of the input is never read"
    return f": the last {dropped} {AXIS_UNITS[axis]}s of the input are never read"


def figure_steps(figures: object, inputs: Sequence[Shape], output: Shape) -> list[Step]:
    """Steps of docs/figures.md for every non-zero figure, for kinds without their own."""
    steps = []
    in_units = sum(units(shape) for shape in inputs)
    out_units = units(output)
    for key in FIGURE_ORDER:
        value: int = getattr(figures, key)
        if not value:
            continue
        if key == "params_dense" and value in (in_units * out_units, (in_units + 1) * out_units):
            steps.append(dense_step(inputs, output, bias=value != in_units * out_units))
            continue
        steps.append(step(key, CONTRACT_FORMULAS[key], n(value), value))
    return steps
