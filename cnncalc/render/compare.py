"""`compare` as a table with log-scale bars, and as json, csv and markdown (no bars)."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from cnncalc.compare import Comparison, Counts
from cnncalc.render.data import json_document
from cnncalc.render.glyphs import Fallback, glyph_text
from cnncalc.render.records import analysis_record
from cnncalc.render.text import thousands

BAR_WIDTH = 36  # characters the longest bar may take


@dataclass(frozen=True, slots=True)
class Series:
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


class LogBar:
    """Overlaid bars on one line, longest drawn first so every count's end stays
    visible (of equal lengths the shared count is on top). The bar takes the width
    its cell gets, up to BAR_WIDTH, so a narrow terminal shrinks bars, not numbers."""

    def __init__(self, row: Counts, shown: Sequence[Series], span: int) -> None:
        self.values = [(getattr(row, s.key), order, s) for order, s in enumerate(shown)]
        self.span = span

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(min(8, options.max_width), min(BAR_WIDTH, options.max_width))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = min(BAR_WIDTH, options.max_width)
        lengths = sorted(
            ((bar_length(value, self.span, width), order, s) for value, order, s in self.values),
            key=lambda entry: (-entry[0], -entry[1]),
        )
        cells: list[Series | None] = [None] * (lengths[0][0] if lengths else 0)
        for length, _, drawn in lengths:
            for i in range(length):
                cells[i] = drawn
        text = Text(no_wrap=True, overflow="crop")
        for cell in cells:
            if cell is not None:
                text.append(cell.plain if options.ascii_only else cell.fancy, style=cell.style)
        yield text


def legend(shown: Sequence[Series], span: int) -> Fallback:
    fancy, plain = Text("bars: ", style="dim"), Text("bars: ", style="dim")
    for s in shown:
        fancy.append(s.fancy * 2, style=s.style)
        plain.append(s.plain * 2, style=s.style)
        fancy.append(f" {s.title}  ")
        plain.append(f" {s.title}  ")
    scale = f"log scale, a full bar is 10^{span}"
    fancy.append(scale, style="dim")
    plain.append(scale, style="dim")
    return Fallback(fancy, plain)


def comparison_table(
    comparison: Comparison, no_sharing: bool, dense: bool, sort: str | None = None
) -> RenderableType:
    shown = series(no_sharing, dense)
    everything = [*comparison.rows, comparison.total]
    largest = max((getattr(row, s.key) for row in everything for s in shown), default=1)
    span = decades(largest)
    if comparison.per_layer:
        title = f"{comparison.documents[0].analysis.name}: parameters and weight sharing"
    else:
        title = "Parameters and weight sharing"
    table = Table(title=title, box=box.SIMPLE_HEAD)
    table.add_column("Layer" if comparison.per_layer else "Architecture", overflow="fold")
    if comparison.per_layer:
        table.add_column("Type", overflow="fold")
    table.add_column("Params", justify="right", overflow="fold")
    if no_sharing:
        table.add_column("No sharing", justify="right", overflow="fold")
        table.add_column("vs shared", justify="right", overflow="fold")
    if dense:
        table.add_column("Fully\nconnected", justify="right", overflow="fold")
        table.add_column("vs shared", justify="right", overflow="fold")
    table.add_column("Log scale", overflow="crop")

    def cells(row: Counts, bold: bool) -> list[RenderableType]:
        style = "bold" if bold else ""
        out: list[RenderableType] = [Text(row.name, style=style)]
        if comparison.per_layer:
            out.append(row.type)
        out.append(Text(thousands(row.params), style=style))
        if no_sharing:
            out.append(Text(thousands(row.params_unshared), style=style))
            out.append(glyph_text(ratio_text(row.ratio_unshared), style))
        if dense:
            out.append(Text(thousands(row.params_dense), style=style))
            out.append(glyph_text(ratio_text(row.ratio_dense), style))
        out.append(LogBar(row, shown, span))
        return out

    for row in comparison.rows:
        table.add_row(*cells(row, bold=False))
    table.add_section()
    table.add_row(*cells(comparison.total, bold=True))
    parts: list[RenderableType] = [table, legend(shown, span)]
    if comparison.shown < comparison.of:
        what = "layers with parameters" if comparison.per_layer else "architectures"
        parts.append(
            Text(
                f"Showing the top {comparison.shown} of {comparison.of} {what} by "
                f"{sort or 'params'}; the total covers all of them.",
                style="dim",
            )
        )
    return Group(*parts)


def _with_ratios(record: dict[str, Any], row: Counts, no_sharing: bool, dense: bool) -> None:
    if no_sharing:
        record["ratio_unshared"] = ratio_number(row.ratio_unshared)
    if dense:
        record["ratio_dense"] = ratio_number(row.ratio_dense)


def to_json(comparison: Comparison, no_sharing: bool, dense: bool) -> str:
    """A list of show's documents, with `ratio_unshared` / `ratio_dense` per layer and in
    the totals when asked for (null where the shared count is 0)."""
    documents = []
    for doc in comparison.documents:
        record = analysis_record(doc.analysis)
        for layer, row in zip(record["layers"], doc.layers, strict=True):
            _with_ratios(layer, row, no_sharing, dense)
        _with_ratios(record["totals"], doc.total, no_sharing, dense)
        documents.append(record)
    if not documents:
        return "[]"
    return "[\n  " + ",\n  ".join(json_document(doc, "  ") for doc in documents) + "\n]"


def _columns(comparison: Comparison, no_sharing: bool, dense: bool) -> list[str]:
    columns = ["layer", "type"] if comparison.per_layer else ["architecture"]
    columns.append("params")
    if no_sharing:
        columns += ["params_unshared", "ratio_unshared"]
    if dense:
        columns += ["params_dense", "ratio_dense"]
    return columns


def _csv_row(comparison: Comparison, row: Counts, no_sharing: bool, dense: bool) -> list[str]:
    def number(value: Fraction | None) -> str:
        return "" if value is None else repr(float(value))

    cells = [row.name, row.type] if comparison.per_layer else [row.name]
    cells.append(str(row.params))
    if no_sharing:
        cells += [str(row.params_unshared), number(row.ratio_unshared)]
    if dense:
        cells += [str(row.params_dense), number(row.ratio_dense)]
    return cells


def to_csv(comparison: Comparison, no_sharing: bool, dense: bool) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_columns(comparison, no_sharing, dense))
    for row in comparison.rows:
        writer.writerow(_csv_row(comparison, row, no_sharing, dense))
    total = _csv_row(comparison, comparison.total, no_sharing, dense)
    total[0] = "total"
    writer.writerow(total)
    return buffer.getvalue()


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|")


def to_markdown(comparison: Comparison, no_sharing: bool, dense: bool) -> str:
    header = ["Layer", "Type"] if comparison.per_layer else ["Architecture"]
    align = [":---"] * len(header)
    header.append("Params")
    if no_sharing:
        header += ["No sharing", "vs shared"]
    if dense:
        header += ["Fully connected", "vs shared"]
    align += ["---:"] * (len(header) - len(align))

    def cells(row: Counts, bold: bool) -> list[str]:
        def b(text: str) -> str:
            return f"**{text}**" if bold and text else text

        out = [b(_escape(row.name))] + ([row.type] if comparison.per_layer else [])
        out.append(b(thousands(row.params)))
        if no_sharing:
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
    lines.append("| " + " | ".join(cells(comparison.total, bold=True)) + " |")
    return "\n".join(lines) + "\n"
