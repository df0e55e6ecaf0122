"""The steps of a derivation, as a student writes them: formula, numbers substituted, value.

A layer's steps are its output shape's (`LayerKind.shape_steps`), its neurons, then
the terms its `figures` built when given `terms.Symbols` (`derive`): the figures'
formulas are written once, and explain shows them. The helpers here are the pieces
several kinds share: one spatial axis of a sliding window and the neuron count. A
window's output size, padding and uncovered rows are the values of
`cnncalc.model.shapes`, the rule the kinds compute with; the tests evaluate each
substituted text and hold it to its value, so the words cannot drift from the rule.
"""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.model.layers.terms import SYMBOLS, Term, as_term, n
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


def derive(
    shape_steps: list[Step],
    output: Shape,
    intermediate: list[tuple[str, Term]],
    figures: object,
    notes: dict[str, str],
) -> list[Step]:
    """A layer's steps: its output shape's, its neurons, the intermediate quantities its
    formulas name, then each non-zero figure, in the order of `FIGURE_ORDER`."""
    steps = [*shape_steps, neurons_step(output)]
    for key, term in intermediate:
        steps.append(step(key, term.formula, term.text, int(term), notes.get(key, "")))
    for key in FIGURE_ORDER:
        value: int = getattr(figures, key)
        if value:
            term = as_term(value)
            steps.append(step(key, term.formula, term.text, int(term), notes.get(key, "")))
    return steps
