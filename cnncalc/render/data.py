"""Machine-readable and plain-text formats of `show`: json, csv, markdown."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

from cnncalc.figures.analysis import Analysis
from cnncalc.names import FIGURE_KEYS
from cnncalc.render.records import LAYER_KEYS, analysis_record
from cnncalc.render.text import inputs_text, shape_text, shown, shown_json, thousands

HEADERS = {
    "name": "Layer",
    "type": "Type",
    "output": "Output",
    "neurons": "Neurons",
    "params": "Params",
    "non_trainable": "Non-trainable",
    "params_unshared": "Params (no sharing)",
    "params_dense": "Fully connected",
    "connections": "Connections",
    "macs": "MACs",
}


# Without indent json uses its C encoder; Python ints print exactly, however large.
# One encoder for every call: json.dumps with options builds a new one each time.
_compact = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def json_document(record: Mapping[str, Any], indent: str = "") -> str:
    """``record`` as JSON, one key per line and one line per layer: as readable as an
    indented dump, and several times faster (the indent option takes json's pure
    Python path)."""
    inner = indent + "  "
    lines = []
    for key, value in record.items():
        if key == "layers" and value:
            layers = f",\n{inner}  ".join(_compact(layer) for layer in value)
            text = f"[\n{inner}  {layers}\n{inner}]"
        else:
            text = _compact(value)
        lines.append(f"{inner}{_compact(key)}: {text}")
    return "{\n" + ",\n".join(lines) + f"\n{indent}}}"


def to_json(analysis: Analysis) -> str:
    return shown_json(json_document(analysis_record(analysis)))


def to_csv(analysis: Analysis) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(LAYER_KEYS)
    for row in analysis.layers:
        writer.writerow(
            [
                shown(row.name),
                row.type,
                shape_text(row.output, "x"),
                *(row.figure(k) for k in FIGURE_KEYS),
            ]
        )
    totals = analysis.totals
    writer.writerow(
        ["total", "", shape_text(totals.output, "x"), *(totals.figure(k) for k in FIGURE_KEYS)]
    )
    return buffer.getvalue()


def _escape(cell: str) -> str:
    return shown(cell).replace("|", "\\|")


def to_markdown(analysis: Analysis) -> str:
    header = [HEADERS[key] for key in LAYER_KEYS]
    lines = [
        f"**{_escape(analysis.name)}** — {inputs_text(analysis)}",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join([":---", ":---", ":---"] + ["---:"] * len(FIGURE_KEYS)) + "|",
    ]
    for row in analysis.layers:
        cells = [_escape(row.name), row.type, shape_text(row.output)]
        cells += [thousands(row.figure(k)) for k in FIGURE_KEYS]
        lines.append("| " + " | ".join(cells) + " |")
    totals = analysis.totals
    cells = ["**Total**", "", shape_text(totals.output)]
    cells += [f"**{thousands(totals.figure(k))}**" for k in FIGURE_KEYS]
    lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Total params: {thousands(totals.total_params)}  ",
        f"Trainable params: {thousands(totals.params)}  ",
        f"Non-trainable params: {thousands(totals.non_trainable)}",
    ]
    return "\n".join(lines) + "\n"
