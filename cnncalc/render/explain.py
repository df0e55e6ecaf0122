"""`explain` as tables (one per layer), json, csv and markdown."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from cnncalc.figures.explain import Explanation, LayerExplanation
from cnncalc.model.layers.steps import Step
from cnncalc.render.glyphs import glyph_text, to_ascii
from cnncalc.render.text import inputs_text, shape_text, shown, shown_json, thousands

STEP_KEYS = ("key", "label", "formula", "substituted", "value", "note")


def heading(layer: LayerExplanation) -> str:
    inputs = " + ".join(shape_text(shape) for shape in layer.input_shapes)
    return f"{shown(layer.name)} ({layer.type}): {inputs} → {shape_text(layer.output)}"


# The table's look: rich's SIMPLE_HEAD box, padding (0, 1), no padding at the edges.
# Each column's padding (a space each side of an inner edge), and the box's spaces
# (one at each end of a line, one between two columns).
_PADS = (1, 2, 2, 1)
_BOX = 2 + 3
_HEADERS = ("Figure", "Formula", "With the numbers", "Value")
# Narrower than this, a wrapped formula reads a word or two per line: the stacked
# layout reads better.
_NARROWEST_TEXT = 16
_INDENT = 2  # of the formula and numbers under their figure, stacked


def _longest_line(text: str) -> int:
    return max((cell_len(line) for line in text.splitlines()), default=0)


def _longest_word(text: str) -> int:
    return max((cell_len(word) for word in text.split()), default=0)


def _narrowed(widths: list[int], room: int) -> list[int]:
    """``widths`` narrowed to ``room`` in all as rich narrows a table's columns: the
    widest give way first, down to the next widest, and the last of equally wide
    columns gives the odd one (so a layout that fits is the one rich would print)."""
    widths = list(widths)
    while (excess := sum(widths) - room) > 0 and (widest := max(widths)) > 0:
        step = min(excess, widest - max((w for w in widths if w != widest), default=0))
        tied = [i for i, size in enumerate(widths) if size == widest]
        for count, i in enumerate(tied):
            cut = min(step, round(excess / (len(tied) - count)))
            widths[i] -= cut
            excess -= cut
    return widths


class _Cells:
    """One step's texts as the console shows them (ASCII glyphs where it needs them)."""

    def __init__(self, step: Step, ascii_only: bool) -> None:
        def glyphs(text: str) -> str:
            return to_ascii(text) if ascii_only else text

        self.label = step.label
        self.formula = glyphs(shown(step.formula))
        self.numbers = glyphs(shown(step.substituted))
        self.note = glyphs(shown(step.note)) if step.note else ""
        self.value = thousands(step.value)


def _widths(cells: list[_Cells], width: int) -> list[int] | None:
    """The four columns' widths (padding excluded) at ``width``: every label and value
    on one line, no word of a formula or its numbers split, those two columns no
    narrower than ``_NARROWEST_TEXT`` (or their longest line); None when that does not
    fit: the stacked layout."""
    texts = [
        [_HEADERS[0], *(c.label for c in cells)],
        [_HEADERS[1], *(c.formula for c in cells)],
        [_HEADERS[2], *(c.numbers for c in cells), *(c.note for c in cells)],
        [_HEADERS[3], *(c.value for c in cells)],
    ]
    # Widths with padding, as rich reckons them.
    natural = [max(map(_longest_line, t)) + pad for t, pad in zip(texts, _PADS, strict=True)]
    least = [
        pad + max(max(map(_longest_word, texts[i])), min(_NARROWEST_TEXT, natural[i] - pad))
        for i, pad in ((1, _PADS[1]), (2, _PADS[2]))
    ]
    sizes = _narrowed(natural, width - _BOX)
    if (
        sizes[0] != natural[0]
        or sizes[3] != natural[3]
        or sizes[1] < least[0]
        or sizes[2] < least[1]
    ):
        # Rich would narrow a label or a value, or split a word: labels and values keep
        # their width, and the formulas share the rest.
        room = width - _BOX - natural[0] - natural[3]
        if room < sum(least):
            return None
        formula, numbers = _narrowed(natural[1:3], room)
        if formula < least[0]:
            formula, numbers = least[0], room - least[0]
        elif numbers < least[1]:
            formula, numbers = room - least[1], least[1]
        sizes = [natural[0], formula, numbers, natural[3]]
    return [size - pad for size, pad in zip(sizes, _PADS, strict=True)]


def _numbers(step: Step, prefix: str = "") -> RenderableType:
    # Steps name layers (memory notes list the tensors held): shown().
    numbers = glyph_text(prefix + shown(step.substituted))
    if not step.note:
        return numbers
    return Group(numbers, glyph_text(shown(step.note), "dim italic"))


def _table(steps: tuple[Step, ...], widths: list[int]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for header, size in zip(_HEADERS, widths, strict=True):
        table.add_column(header, width=size, overflow="fold")
    table.columns[-1].justify = "right"
    for step in steps:
        table.add_row(
            Text(step.label),
            glyph_text(shown(step.formula)),
            _numbers(step),
            Text(thousands(step.value), style="bold"),
        )
    return table


def _stacked(steps: tuple[Step, ...], cells: list[_Cells], width: int) -> Table:
    """Each figure and its value on one line, its formula and numbers indented under it."""
    value = max(cell_len(_HEADERS[3]), *(cell_len(c.value) for c in cells))
    texts = [
        _HEADERS[0],
        *(c.label for c in cells),
        *(" " * _INDENT + text for c in cells for text in (c.formula, "= " + c.numbers, c.note)),
    ]
    # Two columns: the box's three spaces and one pad each.
    figure = min(max(map(_longest_line, texts)), max(1, width - 5 - value))
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    # Below about 40 columns a label or a long name may still fold: it is never cut.
    table.add_column(_HEADERS[0], width=figure, overflow="fold")
    table.add_column(_HEADERS[3], justify="right", width=value, overflow="fold")
    for step in steps:
        table.add_row(
            Group(
                Text(step.label),
                Padding(glyph_text(shown(step.formula)), (0, 0, 0, _INDENT)),
                Padding(_numbers(step, "= "), (0, 0, 0, _INDENT)),
            ),
            Text(thousands(step.value), style="bold"),
        )
    return table


class _Steps:
    """A layer's steps as a table laid out for the console's width (see ``_widths``)."""

    def __init__(self, steps: tuple[Step, ...]) -> None:
        self.steps = steps

    def _view(self, width: int, ascii_only: bool) -> Table:
        cells = [_Cells(step, ascii_only) for step in self.steps]
        widths = _widths(cells, width)
        if widths is None:
            return _stacked(self.steps, cells, width)
        return _table(self.steps, widths)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self._view(options.max_width, options.ascii_only)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self._view(options.max_width, options.ascii_only))


def explanation_view(explanation: Explanation) -> RenderableType:
    """Each layer's steps as a table, laid out for the width it is printed at."""
    parts: list[RenderableType] = [
        glyph_text(f"{shown(explanation.name)} — {inputs_text(explanation)}", "bold")
    ]
    if not explanation.layers:
        parts.append(Text("No layer has parameters; name layers to explain them.", style="dim"))
    for layer in explanation.layers:
        parts += [Text(""), glyph_text(heading(layer), "bold cyan"), _Steps(layer.steps)]
    return Group(*parts)


def explanation_record(explanation: Explanation) -> dict[str, Any]:
    named = {"inputs": {n: list(shape) for n, shape in explanation.named_inputs}}
    return {
        "name": explanation.name,
        "input": list(explanation.input),
        **(named if explanation.named_inputs else {}),
        "layers": [
            {
                "name": layer.name,
                "type": layer.type,
                "inputs": [list(shape) for shape in layer.input_shapes],
                "output": list(layer.output),
                "steps": [{key: getattr(step, key) for key in STEP_KEYS} for step in layer.steps],
            }
            for layer in explanation.layers
        ],
    }


def to_json(explanation: Explanation) -> str:
    return shown_json(json.dumps(explanation_record(explanation), indent=2, ensure_ascii=False))


def to_csv(explanation: Explanation) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["layer", "type", *STEP_KEYS])
    for layer in explanation.layers:
        for step in layer.steps:
            values = (getattr(step, k) for k in STEP_KEYS)
            writer.writerow(
                [
                    shown(layer.name),
                    layer.type,
                    *(shown(v) if isinstance(v, str) else v for v in values),
                ]
            )
    return buffer.getvalue()


def _escape(cell: str) -> str:
    return shown(cell).replace("|", "\\|")


def to_markdown(explanation: Explanation) -> str:
    lines = [f"**{_escape(explanation.name)}** — {inputs_text(explanation)}"]
    for layer in explanation.layers:
        lines += [
            "",
            f"### {_escape(heading(layer))}",
            "",
            "| Figure | Formula | With the numbers | Value |",
            "|:---|:---|:---|---:|",
        ]
        for step in layer.steps:
            numbers = _escape(step.substituted)
            if step.note:
                numbers += f" <br>*{_escape(step.note)}*"
            lines.append(
                f"| {step.label} | {_escape(step.formula)} | {numbers} | {thousands(step.value)} |"
            )
    return "\n".join(lines) + "\n"
