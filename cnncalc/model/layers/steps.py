"""The steps of a derivation, as a student writes them: formula, numbers substituted, value.

A layer's steps are its output shape's (`LayerKind.shape_steps`), its neurons, then
the terms its `figures` built when given `terms.Symbols` (`derive`): the figures'
formulas are written once, and explain shows them. The output shape's steps are the
same: the rules of `cnncalc.model.shapes` and each kind's `output_shape`, evaluated
over terms (`output_steps`, `window_steps`); only the words beside a step (a division
that is not whole, rows no window reads) are written here.
"""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.model.layers.terms import SYMBOLS, Numbers, Symbols, Term, as_term, n
from cnncalc.model.shapes import (
    AXIS_NAMES,
    AXIS_UNITS,
    Shape,
    halves,
    same_size,
    units,
    window_size,
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


def term_step(key: str, term: int, note: str = "") -> Step:
    """The step of a term: its formula, its substituted text and its value."""
    term = as_term(term)
    return step(key, term.formula, term.text, int(term), note)


def neurons_step(output: Shape) -> Step:
    """neurons = H × W × C (L × C, D × H × W × C, or the length of a vector output)."""
    x = Symbols()
    if len(output) == 1:
        return term_step("neurons", x.num("units", output[0]))
    if len(output) - 1 in AXIS_NAMES:
        return term_step("neurons", x.positions(output[1:]) * x.num("C", output[0]))
    product = x.named("product of the output shape", units(output), lambda: times(output))
    return term_step("neurons", product)


def times(values: Sequence[int]) -> str:
    """Numbers multiplied in a substituted expression: 3 × 3."""
    return " × ".join(map(n, values))


def output_steps(shape: Shape) -> list[Step]:
    """A step for each size of an output shape that a kind wrote over `Symbols` (its
    `output_shape` evaluated with terms): the spatial sizes, then the channels (or a
    vector's units). A size passed through as a plain int gets no step."""
    axes = AXIS_NAMES.get(len(shape) - 1, ())
    steps = [
        term_step(f"output_{axis}", size)
        for axis, size in zip(axes, shape[1:], strict=True)
        if isinstance(size, Term)
    ]
    if isinstance(shape[0], Term):
        steps.append(term_step("output_units" if len(shape) == 1 else "output_channels", shape[0]))
    return steps


def both_sides(x: Numbers, padding: int) -> int:
    """The padding of both ends of an axis, P at each: written 2P."""
    return x.named("2P", padding + padding, lambda: f"2 × {n(padding)}")


def window_steps(
    axis: str,
    size: int,
    kernel: int,
    stride: int,
    padding: int | str,
    dilation: int = 1,
    ceil: bool = False,
) -> list[Step]:
    """Output size along one spatial axis ("height", "width", ...) of a sliding window:
    `shapes.window_size` (or `same_size`) evaluated over terms, with the notes that say
    in words what the numbers mean (a division that is not whole, unread input)."""
    x = Symbols()
    symbol = SYMBOLS[axis]
    w, f, s, d = x.num(symbol, size), x.num("F", kernel), x.num("S", stride), x.num("D", dilation)
    key = f"output_{axis}"
    if padding == "same":
        out, total = same_size(x, symbol, w, f, s, d)
        before, after = halves(int(total))
        dropped = window_size(x, w, f, s, before, before + after, d)[2]
        shown = as_term(out)
        return [
            step(key, f"{shown.formula}  (padding same)", shown.text, int(shown)),
            term_step(
                f"padding_{axis}",
                total,
                f"{before} before, {after} after" + _dropped_text(dropped, axis),
            ),
        ]
    assert isinstance(padding, int)
    pads = both_sides(x, padding)
    out, room, dropped = window_size(x, w, f, s, padding, pads, d, ceil)
    exact = room % stride == 0
    note = "" if exact else f"{n(room)} / {n(stride)} = {room / stride:g} is not a whole number"
    if ceil and out < -(-room // stride) + 1:
        # PyTorch's rule: a last window that would start in the trailing padding is dropped.
        note = (note + "; " if note else "") + (
            "the last window would start in the trailing padding, so it is dropped"
        )
    if not exact:
        if dropped:
            note += _dropped_text(dropped, axis)
        elif not ceil:
            note += ": the windows stop short of the trailing padding, no input is lost"
    return [term_step(key, out, note)]


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
        steps.append(term_step(key, term, notes.get(key, "")))
    for key in FIGURE_ORDER:
        value: int = getattr(figures, key)
        if value:
            steps.append(term_step(key, value, notes.get(key, "")))
    return steps
