"""Plain-data records of an analysis: what json, csv and markdown print."""

from __future__ import annotations

from typing import Any

from cnncalc.figures.analysis import Analysis, LayerResult, Totals
from cnncalc.names import FIGURE_KEYS

LAYER_KEYS = ("name", "type", "output", *FIGURE_KEYS)
# Beyond the figures of docs/figures.md: additions, never replacements.
EXTRA_TOTAL_KEYS = (
    "params_tied",
    "non_trainable_tied",
    "ops",
    "activation_bytes",
    "peak_activation_bytes",
    "param_bytes",
)


def _pair(value: tuple[int, ...] | None) -> list[int] | None:
    return None if value is None else list(value)


def layer_record(row: LayerResult) -> dict[str, Any]:
    return {
        "name": row.name,
        "type": row.type,
        "output": list(row.output),
        **{key: row.figure(key) for key in FIGURE_KEYS},
        "receptive_field": _pair(row.receptive_field),
        "jump": _pair(row.jump),
        "activation_bytes": row.activation_bytes,
        "live_bytes": row.live_bytes,
        "ops": row.ops,
        "shares": row.shares,
    }


def totals_record(totals: Totals) -> dict[str, Any]:
    return {key: totals.figure(key) for key in (*FIGURE_KEYS, *EXTRA_TOTAL_KEYS)}


def analysis_record(analysis: Analysis) -> dict[str, Any]:
    named = {"inputs": {n: list(shape) for n, shape in analysis.named_inputs}}
    return {
        "name": analysis.name,
        "input": list(analysis.input),
        **(named if analysis.named_inputs else {}),
        "layers": [layer_record(row) for row in analysis.layers],
        "totals": totals_record(analysis.totals),
        "count": analysis.count,
        "dtype": analysis.dtype,
        "peak_layer": analysis.peak_layer,
    }
