"""Options that choose which rows a table shows and where a picture of it goes:
`--sort`, `--top`, `--export-svg`, `--export-html` (shared by show, compare, explain)."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cnncalc.cli import common
from cnncalc.visible import visible

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.text import Text

F = TypeVar("F", bound=Callable[..., Any])

# The figures --sort accepts (cnncalc.reports.compare.SORT_KEYS; repeated here so that building
# the command does not import the core).
SORT_CHOICES = ("params", "params_unshared", "params_dense", "connections", "macs", "neurons")
MIN_EXPORT_WIDTH = 40
MAX_EXPORT_WIDTH = 240


def sort_options(function: F) -> F:
    function = click.option(
        "--top",
        type=click.IntRange(min=1),
        metavar="N",
        help="Keep only the N heaviest rows (by --sort, else by params). Totals still "
        "cover every row.",
    )(function)
    return click.option(
        "--sort",
        type=click.Choice(SORT_CHOICES),
        help="Order the rows by this figure, heaviest first.",
    )(function)


def export_options(function: F) -> F:
    function = click.option(
        "--export-html",
        metavar="FILE",
        callback=common.output_path,
        help="Also write the table, as rich renders it, to FILE as HTML.",
    )(function)
    return click.option(
        "--export-svg",
        metavar="FILE",
        callback=common.output_path,
        help="Also write the table, as rich renders it, to FILE as an SVG picture.",
    )(function)


def export(renderable: RenderableType, svg: str | None, html: str | None, title: str) -> None:
    """Render the table view on a recording console and save it (whatever --format is).

    The picture is as wide as the table needs (within limits), not the terminal.
    """
    if svg is None and html is None:
        return
    from rich.console import Console
    from rich.measure import Measurement
    from rich.text import Text

    # A height too: without one, rich sizes a TERM=dumb console at 80 columns.
    probe = Console(file=io.StringIO(), width=MAX_EXPORT_WIDTH, height=25)
    needed = Measurement.get(probe, probe.options, renderable).maximum
    width = min(max(needed, MIN_EXPORT_WIDTH), MAX_EXPORT_WIDTH)
    recorder = Console(
        file=io.StringIO(),
        record=True,
        width=width,
        height=25,
        force_terminal=True,
        color_system="truecolor",
        highlight=False,
        soft_wrap=False,
    )
    if os.environ.get("NO_COLOR") and isinstance(renderable, Text):
        renderable = _without_colour(renderable, recorder)
    recorder.print(renderable)
    if svg is not None:
        _write(svg, recorder.export_svg(title=visible(title), clear=False))
    if html is not None:
        _write(html, recorder.export_html(clear=False))


def _without_colour(text: Text, console: Console) -> Text:
    """``text`` with bold, italic and dim kept and every colour dropped (NO_COLOR)."""
    from rich.text import Span

    plain = text.copy()
    plain.spans = [
        Span(span.start, span.end, console.get_style(span.style).without_color)
        for span in text.spans
    ]
    return plain


def _write(path: str, text: str) -> None:
    from cnncalc import output_files
    from cnncalc.reading.sources import files_read

    with common.reporting_errors():
        output_files.write(path, text.encode("utf-8"), "export file", files_read())
