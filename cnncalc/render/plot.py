"""`cnncalc plot`: parameters with sharing, without sharing and fully connected as a bar
chart on a log axis, per layer (one architecture) or per architecture (several).

matplotlib is an optional extra (`pip install 'cnncalc[plot]'`), imported only here.
No click, no rich.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import ClassVar

from cnncalc.errors import CnncalcError, Position
from cnncalc.figures.analysis import Analysis
from cnncalc.record import Record

FORMATS = (".svg", ".png", ".pdf")
INSTALL = "pip install 'cnncalc[plot]'"
# (figure key, legend label, colour): the compare table's three series and colours.
SERIES = (
    ("params", "with weight sharing", "#2a9d3f"),
    ("params_unshared", "without weight sharing", "#d9a400"),
    ("params_dense", "fully connected", "#c8102e"),
)


class Bars(Record):
    """What the chart draws: a title, one label per group, the three counts per group."""

    # Holds a dict: compared by value, never hashed.
    __hash__: ClassVar[None] = None  # type: ignore[assignment]

    title: str
    axis: str  # what the groups are: "layer" or "architecture"
    labels: tuple[str, ...]
    values: dict[str, tuple[int, ...]]  # figure key -> one count per group


def chart_format(path: str) -> str:
    """The file's format from its extension, or the exit-2 error naming the choices."""
    extension = os.path.splitext(path)[1].lower()
    if extension not in FORMATS:
        raise CnncalcError(
            path,
            Position(1, 1),
            f"cannot tell the chart's format from {extension or 'no extension'!r}; "
            "name the file .svg, .png or .pdf",
        )
    return extension[1:]


def bars(analyses: Sequence[Analysis]) -> Bars:
    if len(analyses) == 1:
        analysis = analyses[0]
        # Bars of 0 have no height on a log axis: layers with none of the three counts
        # (LeNet-5's fixed RBF output, say) would be empty groups.
        layers = [row for row in analysis.layers if any(row.figure(k) for k, _, _ in SERIES)]
        return Bars(
            f"{analysis.name}: parameters per layer",
            "layer",
            tuple(row.name for row in layers),
            {key: tuple(row.figure(key) for row in layers) for key, _, _ in SERIES},
        )
    return Bars(
        "Parameters per architecture",
        "architecture",
        tuple(a.name for a in analyses),
        {key: tuple(a.totals.figure(key) for a in analyses) for key, _, _ in SERIES},
    )


def draw(data: Bars, path: str) -> None:
    """Write the chart to ``path`` (svg, png or pdf by its extension). Raises
    ImportError without matplotlib, OSError when the file cannot be written."""
    import matplotlib
    from matplotlib.figure import Figure  # no pyplot: no GUI backend, no global state

    file_format = chart_format(path)
    groups = len(data.labels)
    width = 0.27
    figure = Figure(figsize=(max(6.4, 0.45 * groups + 2.5), 4.8), layout="constrained")
    axes = figure.add_subplot()
    for offset, (key, label, colour) in enumerate(SERIES):
        positions = [i + (offset - 1) * width for i in range(groups)]
        axes.bar(positions, data.values[key], width, label=label, color=colour)
    axes.set_yscale("log")
    crowded = groups > 10
    axes.set_xticks(
        range(groups),
        data.labels,
        rotation=60 if crowded else 0,
        ha="right" if crowded else "center",
    )
    axes.set_xlabel(data.axis)
    axes.set_ylabel("parameters (log scale)")
    axes.set_title(data.title)
    axes.legend()
    axes.grid(axis="y", which="major", alpha=0.3)
    # Text as text in an SVG: searchable, selectable, read by screen readers.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "cnncalc"}):
        figure.savefig(path, format=file_format, metadata=_metadata(file_format, data.title))


def _metadata(file_format: str, title: str) -> dict[str, str | None]:
    # The title in the file; no creation date, so the same network draws the same bytes.
    if file_format == "svg":
        return {"Title": title, "Date": None}
    if file_format == "pdf":
        return {"Title": title, "CreationDate": None}
    return {"Title": title}
