"""What an ARCH argument names: a file, `-` for standard input, or a bundled name."""

from __future__ import annotations

import os
import sys

from cnncalc import catalog, limits
from cnncalc.architecture import Architecture, decode, from_text, load_file
from cnncalc.errors import CnncalcError, Position
from cnncalc.fields import nearest

STDIN = "-"


def load_arch(argument: str, input_shape: tuple[int, ...] | None = None) -> Architecture:
    """``input_shape`` sizes a model file whose input is dynamic (a YAML file's is fixed)."""
    if argument.lower().endswith(".onnx"):
        from cnncalc.importing import load_model

        return load_model(argument, input_shape)
    if argument == STDIN:
        data = sys.stdin.buffer.read(limits.current().file_bytes + 1)
        return from_text(decode(data, "<stdin>"), "<stdin>")
    if os.path.exists(argument) or _looks_like_path(argument):
        return load_file(argument)
    if catalog.exists(argument):
        return catalog.load(argument)
    raise CnncalcError(
        argument,
        Position(1, 1),
        f"no such file, and no bundled architecture of that name"
        f"{nearest(argument, catalog.names())}; `cnncalc list` shows the bundled ones",
    )


def _looks_like_path(argument: str) -> bool:
    return os.sep in argument or "/" in argument or argument.endswith((".yaml", ".yml"))
