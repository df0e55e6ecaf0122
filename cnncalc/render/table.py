"""The rich table of `show` and `list`."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from cnncalc.analysis import Analysis, LayerResult, Totals
from cnncalc.names import FIGURE_KEYS
from cnncalc.render.cells import Cell
from cnncalc.render.text import shape_text, thousands

SHORT_HEADERS = {
    "neurons": "Neurons",
    "params": "Params",
    "non_trainable": "Non-\ntrainable",
    "params_unshared": "Params\nno sharing",
    "params_dense": "Fully\nconnected",
    "connections": "Connections",
    "macs": "MACs",
}

NEURONS_NOTE = (
    "Total neurons count the layers with parameters (the network's units, as the "
    "AlexNet paper counts them)."
)


# What rich reads in a str as console markup or an :emoji: code.
_MARKUP_OR_EMOJI = re.compile(r"\[|:\S*?:")


def _text(text: str, style: str = "") -> Text | str:
    """``text`` as rich prints a str: a plain Text when it holds no markup and no emoji
    code (rich would parse it on every render, and import its emoji table), else as is."""
    return text if _MARKUP_OR_EMOJI.search(text) else Text(text, style=style)


def _cell(text: str, style: str = "") -> Cell | Text | str:
    """A body cell: a `Cell` for one line of plain text (rich lays it out without
    wrapping it), else as `_text` gives it."""
    if "\n" in text or _MARKUP_OR_EMOJI.search(text):
        return _text(text, style)
    return Cell(text, style)


def _number_column(table: Table, header: str) -> None:
    # fold, never ellipsis: a narrow terminal must not hide digits.
    table.add_column(_text(header), justify="right", overflow="fold")


# Optional columns of `show --columns` (issue 7), after the contract's figures.
EXTRA_HEADERS = {
    "receptive_field": "Receptive\nfield",
    "jump": "Jump",
    "activation_bytes": "Output\nbytes",
    "live_bytes": "Live\nbytes",
    "ops": "Ops",
}
MEMORY_COLUMNS = ("activation_bytes", "live_bytes")


def _pair_text(value: tuple[int, ...] | None) -> str:
    return "–" if value is None else shape_text(value)


def _figure_text(row: LayerResult, key: str) -> str:
    if key in ("receptive_field", "jump"):
        return _pair_text(getattr(row, key))
    text = thousands(row.figure(key))
    if key == "params" and row.shares is not None:
        return f"{text} tied"
    return text


def _total_cell(totals: Totals, key: str) -> str:
    if key in ("receptive_field", "jump"):
        return ""
    if key == "live_bytes":
        return thousands(totals.peak_activation_bytes)  # the peak, not a sum
    return thousands(totals.figure(key))


def memory_caption(analysis: Analysis) -> str:
    from cnncalc.memory import DTYPES

    totals = analysis.totals
    return (
        f"memory at {analysis.dtype} ({DTYPES[analysis.dtype]} bytes per value), batch 1: "
        f"peak {thousands(totals.peak_activation_bytes)} bytes while "
        f"{analysis.peak_layer} runs (network input held, every tensor freed after its "
        f"last reader, no in-place layers); parameters {thousands(totals.param_bytes)} bytes"
    )


def analysis_table(
    analysis: Analysis, columns: Sequence[str] | None = None, memory: bool = False
) -> RenderableType:
    """The `show` table. ``columns``: the figure columns in order (default: the
    contract's); ``memory``: add the memory assumptions to the caption (implied by a
    memory column)."""
    from cnncalc.conventions import convention

    keys = tuple(FIGURE_KEYS if columns is None else columns)
    counting = convention(analysis.count)
    title = analysis.name
    caption = f"input {shape_text(analysis.input)} · counting {counting.summary}"
    if memory or any(key in MEMORY_COLUMNS for key in keys):
        caption += "\n" + memory_caption(analysis)
    table = Table(
        title=_text(title, "table.title"),
        caption=_text(caption, "table.caption"),
        box=box.SIMPLE_HEAD,
        show_footer=False,
    )
    table.add_column(_text("Layer"), overflow="fold")
    table.add_column(_text("Type"), overflow="fold")
    table.add_column(_text("Output"), overflow="fold")
    for key in keys:
        header = counting.header if key == "ops" else SHORT_HEADERS.get(key, EXTRA_HEADERS.get(key))
        _number_column(table, header or key)
    for row in analysis.layers:
        table.add_row(
            _cell(row.name),
            _cell(row.type),
            _cell(shape_text(row.output)),
            *(_cell(_figure_text(row, k)) for k in keys),
        )
    totals = analysis.totals
    table.add_section()
    table.add_row(
        Cell("Total", "bold"),
        Cell(""),
        _cell(shape_text(totals.output)),
        *(Cell(_total_cell(totals, k), "bold") for k in keys),
    )
    summary = Text.assemble(
        ("Total params: ", "bold"),
        thousands(totals.total_params),
        "\n",
        ("Trainable params: ", "bold"),
        thousands(totals.params),
        "\n",
        ("Non-trainable params: ", "bold"),
        thousands(totals.non_trainable),
        "\n",
        (NEURONS_NOTE, "dim"),
    )
    tied = [row for row in analysis.layers if row.shares is not None]
    if tied and "params" in keys:
        pairs = ", ".join(f"{row.name} → {row.shares}" for row in tied)
        summary.append_text(
            Text(
                f"\nTied weights ({pairs}): each tied row shows the parameters it uses; the "
                f"totals count them once ({thousands(totals.params_tied)} params left out).",
                style="dim",
            )
        )
    return Group(table, summary)


def list_table(entries: Sequence[tuple[str, Analysis]]) -> RenderableType:
    table = Table(title=_text("Bundled architectures", "table.title"), box=box.SIMPLE_HEAD)
    table.add_column(_text("Name"), overflow="fold")
    table.add_column(_text("Architecture"), overflow="fold")
    table.add_column(_text("Input"), overflow="fold")
    table.add_column(_text("Layers"), justify="right")
    for key in ("params", "connections", "macs"):
        _number_column(table, SHORT_HEADERS[key])
    for name, analysis in entries:
        totals = analysis.totals
        cells = (
            name,
            analysis.name,
            shape_text(analysis.input),
            thousands(len(analysis.layers)),
            thousands(totals.params),
            thousands(totals.connections),
            thousands(totals.macs),
        )
        table.add_row(*(_text(cell) for cell in cells))
    return table
