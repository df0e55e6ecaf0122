"""The rich table of `show` and `list`."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from cnncalc.figures.analysis import Analysis, LayerResult, Totals
from cnncalc.names import FIGURE_KEYS
from cnncalc.render.grid import Column, Grid, kept_columns, render, wrapped
from cnncalc.render.text import inputs_text, shape_text, shown, thousands

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


# One legend line for the columns whose names do not say what they count.
LEGEND = {
    "params_dense": "Fully connected: parameters if every output were wired to every input",
    "connections": "Connections: links into each output, bias included",
    "macs": "MACs: conv, dense and rbf multiply-accumulates",
}


def legend(keys: Sequence[str]) -> str:
    return " · ".join(LEGEND[key] for key in LEGEND if key in keys)


# Optional columns of `show --columns`, after the figures of docs/figures.md.
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
    from cnncalc.figures.memory import DTYPES

    totals = analysis.totals
    held = "network inputs held from the start" if analysis.named_inputs else "network input held"
    return (
        f"memory at {analysis.dtype} ({DTYPES[analysis.dtype]} bytes per value), batch 1: "
        f"peak {thousands(totals.peak_activation_bytes)} bytes while "
        f"{shown(str(analysis.peak_layer))} runs ({held}, every tensor freed after its "
        f"last reader, no in-place layers); parameters {thousands(totals.param_bytes)} bytes"
    )


# Columns that may leave a narrow table, first to leave first; layer, type, output
# and params always stay.
DROP_ORDER = (
    "jump",
    "receptive_field",
    "live_bytes",
    "activation_bytes",
    "non_trainable",
    "neurons",
    "connections",
    "params_dense",
    "ops",
    "macs",
    "params_unshared",
)
KEPT_FIGURES = ("params",)


def _figure_column(key: str, header: str) -> Column:
    rank = None if key in KEPT_FIGURES else DROP_ORDER.index(key) if key in DROP_ORDER else -1
    return Column(header, right=True, rank=rank)


def analysis_table(
    analysis: Analysis,
    columns: Sequence[str] | None = None,
    memory: bool = False,
    width: int = 200,
    ascii_only: bool = False,
) -> Text:
    """The `show` table as it fits ``width`` columns. ``columns``: the figure columns in
    order (default: those of docs/figures.md); ``memory``: add the memory assumptions to the
    caption (implied by a memory column)."""
    from cnncalc.figures.conventions import convention

    keys = tuple(FIGURE_KEYS if columns is None else columns)
    counting = convention(analysis.count)
    caption = f"{inputs_text(analysis)} · counting {counting.summary}"
    if memory or any(key in MEMORY_COLUMNS for key in keys):
        caption += "\n" + memory_caption(analysis)
    headers = [
        counting.header if key == "ops" else SHORT_HEADERS.get(key, EXTRA_HEADERS.get(key, key))
        for key in keys
    ]
    totals = analysis.totals
    grid = Grid(
        title=shown(analysis.name),
        columns=(
            Column("Layer"),
            Column("Type"),
            Column("Output"),
            *(_figure_column(key, header) for key, header in zip(keys, headers, strict=True)),
        ),
        rows=[
            (
                shown(row.name),
                row.type,
                shape_text(row.output),
                *(_figure_text(row, k) for k in keys),
            )
            for row in analysis.layers
        ],
        total=("Total", "", shape_text(totals.output), *(_total_cell(totals, k) for k in keys)),
        caption=caption,
    )
    view = render(grid, width, ascii_only)
    view.append("\n")
    view.append_text(
        Text.assemble(
            ("Total params: ", "bold"),
            thousands(totals.total_params),
            "\n",
            ("Trainable params: ", "bold"),
            thousands(totals.params),
            "\n",
            ("Non-trainable params: ", "bold"),
            thousands(totals.non_trainable),
            "\n",
            (wrapped(NEURONS_NOTE, width), "dim"),
        )
    )
    shown_keys = [keys[i - 3] for i in kept_columns(grid, width) if i >= 3]
    if any(key in LEGEND for key in shown_keys):
        view.append("\n" + wrapped(legend(shown_keys), width), "dim")
    tied = [row for row in analysis.layers if row.shares is not None]
    if tied and "params" in keys:
        pairs = ", ".join(f"{shown(row.name)} → {shown(row.shares or '')}" for row in tied)
        note = (
            f"Tied weights ({pairs}): each tied row shows the parameters it uses; the "
            f"totals count them once ({thousands(totals.params_tied)} params left out)."
        )
        view.append("\n" + wrapped(note, width), "dim")
    return view


def list_table(
    entries: Sequence[tuple[str, Analysis]], width: int = 200, ascii_only: bool = False
) -> Text:
    grid = Grid(
        title="Bundled architectures",
        columns=(
            Column("Name"),
            Column("Architecture"),
            Column("Input", rank=0),
            Column("Layers", right=True, rank=1),
            Column(SHORT_HEADERS["params"], right=True),
            Column(SHORT_HEADERS["connections"], right=True, rank=2),
            Column(SHORT_HEADERS["macs"], right=True, rank=3),
        ),
        rows=[
            (
                shown(name),
                shown(analysis.name),
                shape_text(analysis.input),
                thousands(len(analysis.layers)),
                thousands(analysis.totals.params),
                thousands(analysis.totals.connections),
                thousands(analysis.totals.macs),
            )
            for name, analysis in entries
        ],
        hint="a wider terminal or --format json shows them",
    )
    return render(grid, width, ascii_only)
