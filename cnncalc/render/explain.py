"""`explain` as tables (one per layer), json, csv and markdown."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from cnncalc.figures.explain import Explanation, LayerExplanation
from cnncalc.render.glyphs import glyph_text
from cnncalc.render.text import inputs_text, shape_text, shown, shown_json, thousands

STEP_KEYS = ("key", "label", "formula", "substituted", "value", "note")


def heading(layer: LayerExplanation) -> str:
    inputs = " + ".join(shape_text(shape) for shape in layer.input_shapes)
    return f"{shown(layer.name)} ({layer.type}): {inputs} → {shape_text(layer.output)}"


def explanation_view(explanation: Explanation) -> RenderableType:
    parts: list[RenderableType] = [
        glyph_text(f"{shown(explanation.name)} — {inputs_text(explanation)}", "bold")
    ]
    if not explanation.layers:
        parts.append(Text("No layer has parameters; name layers to explain them.", style="dim"))
    for layer in explanation.layers:
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column("Figure", overflow="fold")
        table.add_column("Formula", overflow="fold")
        table.add_column("With the numbers", overflow="fold")
        table.add_column("Value", justify="right", overflow="fold")
        for step in layer.steps:
            # Steps name layers (memory notes list the tensors held): shown().
            numbers: RenderableType = glyph_text(shown(step.substituted))
            if step.note:
                numbers = Group(numbers, glyph_text(shown(step.note), "dim italic"))
            table.add_row(
                step.label,
                glyph_text(shown(step.formula)),
                numbers,
                Text(thousands(step.value), style="bold"),
            )
        parts += [Text(""), glyph_text(heading(layer), "bold cyan"), table]
    return Group(*parts)


def explanation_record(explanation: Explanation) -> dict[str, Any]:
    named = {"inputs": {n: list(shape) for n, shape in explanation.named_inputs}}
    return {
        "name": explanation.name,
        "input": list(explanation.input),
        **(named if explanation.named_inputs else {}),
        "layers": [
            {
                "name": layer.name,
                "type": layer.type,
                "inputs": [list(shape) for shape in layer.input_shapes],
                "output": list(layer.output),
                "steps": [{key: getattr(step, key) for key in STEP_KEYS} for step in layer.steps],
            }
            for layer in explanation.layers
        ],
    }


def to_json(explanation: Explanation) -> str:
    return shown_json(json.dumps(explanation_record(explanation), indent=2, ensure_ascii=False))


def to_csv(explanation: Explanation) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["layer", "type", *STEP_KEYS])
    for layer in explanation.layers:
        for step in layer.steps:
            values = (getattr(step, k) for k in STEP_KEYS)
            writer.writerow(
                [
                    shown(layer.name),
                    layer.type,
                    *(shown(v) if isinstance(v, str) else v for v in values),
                ]
            )
    return buffer.getvalue()


def _escape(cell: str) -> str:
    return shown(cell).replace("|", "\\|")


def to_markdown(explanation: Explanation) -> str:
    lines = [f"**{_escape(explanation.name)}** — {inputs_text(explanation)}"]
    for layer in explanation.layers:
        lines += [
            "",
            f"### {_escape(heading(layer))}",
            "",
            "| Figure | Formula | With the numbers | Value |",
            "|:---|:---|:---|---:|",
        ]
        for step in layer.steps:
            numbers = _escape(step.substituted)
            if step.note:
                numbers += f" <br>*{_escape(step.note)}*"
            lines.append(
                f"| {step.label} | {_escape(step.formula)} | {numbers} | {thousands(step.value)} |"
            )
    return "\n".join(lines) + "\n"
