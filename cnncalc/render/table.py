"""The rich table of `show` and `list`."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from cnncalc.analysis import FIGURE_KEYS, Analysis
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


def _number_column(table: Table, header: str) -> None:
    # fold, never ellipsis: a narrow terminal must not hide digits.
    table.add_column(header, justify="right", overflow="fold")


def analysis_table(analysis: Analysis) -> RenderableType:
    title = analysis.name
    caption = f"input {shape_text(analysis.input)}"
    table = Table(title=title, caption=caption, box=box.SIMPLE_HEAD, show_footer=False)
    table.add_column("Layer", overflow="fold")
    table.add_column("Type", overflow="fold")
    table.add_column("Output", overflow="fold")
    for key in FIGURE_KEYS:
        _number_column(table, SHORT_HEADERS[key])
    for row in analysis.layers:
        table.add_row(
            row.name,
            row.type,
            shape_text(row.output),
            *(thousands(row.figure(k)) for k in FIGURE_KEYS),
        )
    totals = analysis.totals
    table.add_section()
    table.add_row(
        Text("Total", style="bold"),
        "",
        shape_text(totals.output),
        *(Text(thousands(totals.figure(k)), style="bold") for k in FIGURE_KEYS),
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
    return Group(table, summary)


def list_table(entries: Sequence[tuple[str, Analysis]]) -> RenderableType:
    table = Table(title="Bundled architectures", box=box.SIMPLE_HEAD)
    table.add_column("Name", overflow="fold")
    table.add_column("Architecture", overflow="fold")
    table.add_column("Input", overflow="fold")
    table.add_column("Layers", justify="right")
    for key in ("params", "connections", "macs"):
        _number_column(table, SHORT_HEADERS[key])
    for name, analysis in entries:
        totals = analysis.totals
        table.add_row(
            name,
            analysis.name,
            shape_text(analysis.input),
            thousands(len(analysis.layers)),
            thousands(totals.params),
            thousands(totals.connections),
            thousands(totals.macs),
        )
    return table
