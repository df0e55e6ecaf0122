"""What an ARCH argument names: a file, `-` for standard input, or a bundled name."""

from __future__ import annotations

import os
import sys

from cnncalc.errors import CnncalcError, Position
from cnncalc.reading import catalog, limits
from cnncalc.reading.architecture import Architecture, decode, from_text, load_file
from cnncalc.reading.fields import nearest

STDIN = "-"
_READ: list[str] = []  # files loaded by this process, never to be written over


def files_read() -> tuple[str, ...]:
    """The architecture files this process has loaded (what an export must not replace)."""
    return tuple(_READ)


def load_arch(argument: str, input_shape: tuple[int, ...] | None = None) -> Architecture:
    """``input_shape`` sizes a model file whose input is dynamic (a YAML file's is fixed)."""
    if argument.lower().endswith(".onnx"):
        from cnncalc.reading.onnx import load_model

        arch = load_model(argument, input_shape)
        _READ.append(argument)
        return arch
    if argument == STDIN:
        if sys.stdin is None:
            raise CnncalcError("<stdin>", Position(1, 1), "standard input is closed")
        try:
            data = limits.read_bounded(sys.stdin.buffer, limits.current().file_bytes)
        except OSError as exc:
            raise CnncalcError(
                "<stdin>", Position(1, 1), f"cannot read standard input: {exc.strerror}"
            ) from None
        return from_text(decode(data, "<stdin>"), "<stdin>")
    bundled = os.path.splitext(argument)[0]
    written_as_file = argument in (bundled + ".yaml", bundled + ".yml") and not any(
        separator in argument for separator in ("/", os.sep)
    )
    # `show lenet5.yaml` where no such file is: the user meant the bundled lenet5.
    if written_as_file and not os.path.exists(argument) and catalog.exists(bundled):
        raise CnncalcError(
            argument,
            Position(1, 1),
            f"no such file; the bundled architecture is named {bundled!r} (cnncalc show {bundled})",
        )
    if os.path.exists(argument) or _looks_like_path(argument):
        arch = load_file(argument)
        _READ.append(argument)
        return arch
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
