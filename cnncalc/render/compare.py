"""`compare` as a table with log-scale bars, and as json, csv and markdown (no bars)."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from rich.text import Text

from cnncalc.record import Record
from cnncalc.render.data import json_document
from cnncalc.render.grid import CellText, Column, Grid, natural_width, render, wrapped
from cnncalc.render.records import analysis_record
from cnncalc.render.text import shown as shown_text
from cnncalc.render.text import shown_json, thousands
from cnncalc.reports.compare import Comparison, Counts

BAR_WIDTH = 36  # characters the longest bar may take


class Series(Record):
    """One count drawn in the bars: which column, its glyphs and its colour."""

    key: str
    title: str
    fancy: str
    plain: str
    style: str


SHARED = Series("params", "with sharing", "█", "#", "green")
UNSHARED = Series("params_unshared", "without sharing", "▓", "=", "yellow")
DENSE = Series("params_dense", "fully connected", "░", "-", "red")


def series(no_sharing: bool, dense: bool) -> tuple[Series, ...]:
    return (SHARED, *((UNSHARED,) if no_sharing else ()), *((DENSE,) if dense else ()))


def ratio_text(value: Fraction | None, times: str = "×") -> str:
    """3,025× — whole numbers from 100 up, one decimal from 10, two below; '-' for none."""
    if value is None:
        return "-"
    number = float(value)
    if number >= 100:
        return f"{number:,.0f}{times}"
    if number >= 10:
        return f"{number:,.1f}{times}"
    return f"{number:,.2f}{times}"


def ratio_number(value: Fraction | None) -> float | None:
    """For json and csv: the nearest float (the counts beside it stay exact)."""
    return None if value is None else float(value)


def decades(largest: int) -> int:
    """Factors of 10 a full-width bar spans: 10^12 → 12 (at least 1)."""
    return max(1, math.ceil(math.log10(largest))) if largest > 1 else 1


def bar_length(value: int, span: int, width: int) -> int:
    """Characters for ``value`` on a log scale where ``width`` characters are 10^span;
    a non-zero count always gets at least one."""
    if value <= 0:
        return 0
    return min(width, max(1, round(math.log10(value) / span * width)))


def bar(row: Counts, shown: Sequence[Series], span: int, width: int, ascii_only: bool) -> Text:
    """Overlaid bars on one line, longest drawn first so every count's end stays
    visible (of equal lengths the shared count is on top)."""
    lengths = sorted(
        ((bar_length(getattr(row, s.key), span, width), order, s) for order, s in enumerate(shown)),
        key=lambda entry: (-entry[0], -entry[1]),
    )
    cells: list[Series] = []
    for length, _, drawn in lengths:
        cells[:length] = [drawn] * length
    text = Text()
    for cell in cells:
        text.append(cell.plain if ascii_only else cell.fancy, style=cell.style)
    return text


def legend(shown: Sequence[Series], span: int, ascii_only: bool) -> Text:
    text = Text("bars: ", style="dim")
    for s in shown:
        text.append((s.plain if ascii_only else s.fancy) * 2, style=s.style)
        text.append(f" {s.title}  ")
    text.append(f"log scale, a full bar is 10^{span}", style="dim")
    return text


MEANINGS = {
    "params_unshared": "No sharing: the parameters if every output position had weights of its own",
    "params_dense": "Fully connected: the parameters if every output unit were wired to every "
    "input value",
}


def comparison_table(
    comparison: Comparison,
    dense: bool,
    sort: str | None = None,
    width: int = 200,
    ascii_only: bool = False,
) -> Text:
    """The `compare` table as it fits ``width`` columns, bars included where they fit."""
    shown = series(True, dense)
    everything = [*comparison.rows, *([comparison.total] if comparison.total else [])]
    largest = max((getattr(row, s.key) for row in everything for s in shown), default=1)
    span = decades(largest)
    times = "x" if ascii_only else "×"
    if comparison.per_layer:
        title = (
            f"{shown_text(comparison.documents[0].analysis.name)}: parameters and weight sharing"
        )
    else:
        title = "Parameters and weight sharing"
    columns = [Column("Layer" if comparison.per_layer else "Architecture")]
    if comparison.per_layer:
        columns.append(Column("Type"))
    columns += [
        Column("Params", right=True),
        Column("No sharing", right=True, rank=2),
        Column("vs shared", right=True, rank=1),
    ]
    if dense:
        columns += [
            Column("Fully\nconnected", right=True, rank=4),
            Column("vs shared", right=True, rank=3),
        ]

    def cells(row: Counts) -> list[CellText]:
        out: list[CellText] = [shown_text(row.name)]
        if comparison.per_layer:
            out.append(row.type)
        out += [
            thousands(row.params),
            thousands(row.params_unshared),
            ratio_text(row.ratio_unshared, times),
        ]
        if dense:
            out += [thousands(row.params_dense), ratio_text(row.ratio_dense, times)]
        return out

    rows = [cells(row) for row in comparison.rows]
    total = cells(comparison.total) if comparison.total else None
    # The bars take what room the numbers leave, up to BAR_WIDTH, at least 8.
    hint = "a wider terminal or --format csv shows them"
    numbers = Grid(title, tuple(columns), rows, total, hint=hint)
    room = min(BAR_WIDTH, width - natural_width(numbers) - 3)
    if room >= 8:
        columns.append(Column("Log scale"))
        rows = [
            [*r, bar(row, shown, span, room, ascii_only)]
            for r, row in zip(rows, comparison.rows, strict=True)
        ]
        if total is not None and comparison.total is not None:
            total = [*total, bar(comparison.total, shown, span, room, ascii_only)]
    view = render(Grid(title, tuple(columns), rows, total, hint=hint), width, ascii_only)
    if room >= 8:
        view.append("\n")
        view.append_text(legend(shown, span, ascii_only))
    meanings = "; ".join(MEANINGS[s.key] for s in shown if s.key in MEANINGS)
    view.append("\n" + wrapped(meanings + ".", width), "dim")
    if comparison.shown < comparison.of:
        what = "layers with parameters" if comparison.per_layer else "architectures"
        covers = "; the total covers all of them" if comparison.total else ""
        note = (
            f"Showing the top {comparison.shown} of {comparison.of} {what} by "
            f"{sort or 'params'}{covers}."
        )
        view.append("\n" + wrapped(note, width), "dim")
    return view


def _with_ratios(record: dict[str, Any], row: Counts, dense: bool) -> None:
    record["ratio_unshared"] = ratio_number(row.ratio_unshared)
    if dense:
        record["ratio_dense"] = ratio_number(row.ratio_dense)


def to_json(comparison: Comparison, dense: bool) -> str:
    """A list of show's documents, with `ratio_unshared` (and `ratio_dense` with
    --dense) per layer and in the totals (null where the shared count is 0)."""
    documents = []
    for doc in comparison.documents:
        record = analysis_record(doc.analysis)
        for layer, row in zip(record["layers"], doc.layers, strict=True):
            _with_ratios(layer, row, dense)
        _with_ratios(record["totals"], doc.total, dense)
        documents.append(record)
    if not documents:
        return "[]"
    return shown_json("[\n  " + ",\n  ".join(json_document(doc, "  ") for doc in documents) + "\n]")


def _columns(comparison: Comparison, dense: bool) -> list[str]:
    columns = ["layer", "type"] if comparison.per_layer else ["architecture"]
    columns += ["params", "params_unshared", "ratio_unshared"]
    if dense:
        columns += ["params_dense", "ratio_dense"]
    return columns


def _csv_row(comparison: Comparison, row: Counts, dense: bool) -> list[str]:
    def number(value: Fraction | None) -> str:
        return "" if value is None else repr(float(value))

    cells = [shown_text(row.name), row.type] if comparison.per_layer else [shown_text(row.name)]
    cells += [str(row.params), str(row.params_unshared), number(row.ratio_unshared)]
    if dense:
        cells += [str(row.params_dense), number(row.ratio_dense)]
    return cells


def to_csv(comparison: Comparison, dense: bool) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_columns(comparison, dense))
    for row in comparison.rows:
        writer.writerow(_csv_row(comparison, row, dense))
    if comparison.total is not None:
        total = _csv_row(comparison, comparison.total, dense)
        total[0] = "total"
        writer.writerow(total)
    return buffer.getvalue()


def _escape(cell: str) -> str:
    return shown_text(cell).replace("|", "\\|")


def to_markdown(comparison: Comparison, dense: bool) -> str:
    header = ["Layer", "Type"] if comparison.per_layer else ["Architecture"]
    align = [":---"] * len(header)
    header += ["Params", "No sharing", "vs shared"]
    if dense:
        header += ["Fully connected", "vs shared"]
    align += ["---:"] * (len(header) - len(align))

    def cells(row: Counts, bold: bool) -> list[str]:
        def b(text: str) -> str:
            return f"**{text}**" if bold and text else text

        out = [b(_escape(row.name))] + ([row.type] if comparison.per_layer else [])
        out.append(b(thousands(row.params)))
        out += [b(thousands(row.params_unshared)), b(ratio_text(row.ratio_unshared))]
        if dense:
            out += [b(thousands(row.params_dense)), b(ratio_text(row.ratio_dense))]
        return out

    lines = []
    if comparison.per_layer:
        lines += [f"**{_escape(comparison.documents[0].analysis.name)}**", ""]
    lines += ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    for row in comparison.rows:
        lines.append("| " + " | ".join(cells(row, bold=False)) + " |")
    if comparison.total is not None:
        lines.append("| " + " | ".join(cells(comparison.total, bold=True)) + " |")
    return "\n".join(lines) + "\n"
