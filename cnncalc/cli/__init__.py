"""The `cnncalc` command: a group whose subcommands load only when called."""

from __future__ import annotations

import codecs
import importlib
import io
import sys
from typing import Any

import click

from cnncalc._version import __version__

# name -> "module:attribute". Each command lives in its own module, imported on use,
# so `cnncalc --version` and `cnncalc list` pay only for what they run.
COMMANDS = {
    "show": "cnncalc.cli.show:show",
    "list": "cnncalc.cli.list_:list_command",
    "compare": "cnncalc.cli.compare:compare",
    "explain": "cnncalc.cli.explain:explain",
    "check": "cnncalc.cli.check:check",
    "schema": "cnncalc.cli.schema:schema",
    "import": "cnncalc.cli.import_:import_command",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module_name, attribute = target.split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attribute)
        return command


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "--version", "-V", prog_name="cnncalc")
def cli() -> None:
    """Exact per-layer figures of convolutional neural networks.

    Describe an architecture in a small YAML file (or pick a bundled one: `cnncalc
    list`), and cnncalc reports output shapes, neurons, connections, multiply-
    accumulates and parameters, with and without weight sharing.

    Exit status: 0 success, 1 a budget exceeded, 2 bad usage or bad input.
    """


def _ascii_fallback(error: UnicodeError) -> tuple[str, int]:
    """Encode-error handler: ×, −, · and friends become x, -, *; anything else ?."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    from cnncalc.render.glyphs import to_ascii

    text = to_ascii(error.object[error.start : error.end])
    return "".join(c if ord(c) < 128 else "?" for c in text), error.end


def _survive_ascii_terminals() -> None:
    # A terminal or pipe that cannot encode our glyphs must not end in a traceback.
    for stream in (sys.stdout, sys.stderr):
        try:
            "×–·→".encode(stream.encoding or "ascii")
        except (UnicodeEncodeError, LookupError):
            if isinstance(stream, io.TextIOWrapper):
                codecs.register_error("cnncalc-ascii", _ascii_fallback)
                stream.reconfigure(errors="cnncalc-ascii")


def main(argv: list[str] | None = None) -> Any:
    _survive_ascii_terminals()
    return cli.main(args=argv, prog_name="cnncalc")
