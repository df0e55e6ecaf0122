"""Plain-data records of an analysis: what json, csv and markdown print."""

from __future__ import annotations

from typing import Any

from cnncalc.analysis import FIGURE_KEYS, Analysis, LayerResult, Totals

LAYER_KEYS = ("name", "type", "output", *FIGURE_KEYS)


def layer_record(row: LayerResult) -> dict[str, Any]:
    return {
        "name": row.name,
        "type": row.type,
        "output": list(row.output),
        **{key: row.figure(key) for key in FIGURE_KEYS},
    }


def totals_record(totals: Totals) -> dict[str, Any]:
    return {key: totals.figure(key) for key in FIGURE_KEYS}


def analysis_record(analysis: Analysis) -> dict[str, Any]:
    return {
        "name": analysis.name,
        "input": list(analysis.input),
        "layers": [layer_record(row) for row in analysis.layers],
        "totals": totals_record(analysis.totals),
    }
