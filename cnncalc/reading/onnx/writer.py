"""An imported model as architecture-file text: one flow mapping per layer, like the
bundled files, `input:`/`inputs:` only where the graph branches, skipped nodes as
comments where they were."""

from __future__ import annotations

import json
import os
import re
from typing import TYPE_CHECKING, Any

from cnncalc.reading.architecture import NETWORK_INPUT
from cnncalc.reading.onnx.model_file import one_line

if TYPE_CHECKING:
    from cnncalc.reading.onnx.graph import Imported, Skipped

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*\Z")
# Words YAML reads as something other than text.
_RESERVED = frozenset({"true", "false", "yes", "no", "on", "off", "y", "n", "null"})


def to_yaml(imported: Imported) -> str:
    shown = os.path.basename(imported.source)
    origin = f"Imported from {shown}" + (f" ({imported.producer})" if imported.producer else "")
    lines = [
        f"# {one_line(origin)} by `cnncalc import`.",
        f"name: {value(imported.name)}",
        f"description: {value(origin)}",
        f"input: {value(list(imported.input))}",
        "layers:",
    ]
    previous = NETWORK_INPUT
    for index, layer in enumerate(imported.layers):
        lines += _skipped_before(imported.skipped, index)
        items: dict[str, Any] = {"name": layer.name, "type": layer.type_name}
        if len(layer.reads) > 1:
            items["inputs"] = list(layer.reads)
        elif layer.reads[0] != previous:
            items["input"] = layer.reads[0]
        items.update(layer.settings)
        line = "  - {" + ", ".join(f"{key}: {value(v)}" for key, v in items.items()) + "}"
        if layer.comment:
            line += f"  # {one_line(layer.comment)}"
        lines.append(line)
        previous = layer.name
    lines += _skipped_before(imported.skipped, len(imported.layers))
    return "\n".join(lines) + "\n"


def _skipped_before(skipped: tuple[Skipped, ...], index: int) -> list[str]:
    return [
        f"  # skipped: {one_line(s.op_type)} node {one_line(repr(s.node))}, not counted"
        + (f": {one_line(s.reason)}" if s.reason else "")
        for s in skipped
        if s.after == index
    ]


def value(item: Any) -> str:
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, float):
        text = repr(item)
        # YAML 1.1 reads 1e-05 as text: its floats need a point before the exponent.
        mantissa, _, exponent = text.partition("e")
        if exponent and "." not in mantissa:
            text = f"{mantissa}.0e{exponent}"
        return text
    if isinstance(item, list | tuple):
        return "[" + ", ".join(value(v) for v in item) + "]"
    text = str(item)
    if _PLAIN.match(text) and text.lower() not in _RESERVED:
        return text
    return json.dumps(text, ensure_ascii=False)
