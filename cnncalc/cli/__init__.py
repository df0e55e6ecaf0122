"""The `cnncalc` command: a group whose subcommands load only when called."""

from __future__ import annotations

import codecs
import importlib
import io
import os
import sys

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
    "plot": "cnncalc.cli.plot:plot",
    "import": "cnncalc.cli.import_:import_command",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            from cnncalc.reading.fields import nearest

            ctx.fail(f"No such command {name!r}{nearest(name, self.list_commands(ctx))}.")
        return super().resolve_command(ctx, args)

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

    Exit status: 0 success, 1 a budget exceeded, 2 bad usage, bad input or output that
    cannot be written, 3 an internal error, 130 interrupted (docs/hostile-input.md).
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
        if stream is None:  # started with the stream closed
            continue
        try:
            "×–·→".encode(stream.encoding or "ascii")
        except (UnicodeEncodeError, LookupError):
            if isinstance(stream, io.TextIOWrapper):
                codecs.register_error("cnncalc-ascii", _ascii_fallback)
                stream.reconfigure(errors="cnncalc-ascii")


def main(argv: list[str] | None = None) -> int:
    """Run a command; every way it can end becomes one line on stderr and a status.

    Failures of the environment (a full disk, a closed stream), Ctrl-C and unexpected
    exceptions are handled here, once, rather than in each command.
    """
    from cnncalc.cli.common import ExitStatus

    if sys.stdout is None:
        # Started with standard output closed (`cnncalc list >&-`).
        _complain("error: cannot write the output: standard output is closed")
        return ExitStatus.BAD_INPUT
    try:
        _survive_ascii_terminals()
        try:
            cli.main(args=argv, prog_name="cnncalc", standalone_mode=False)
            status: object = ExitStatus.OK
        except SystemExit as exit_:
            status = exit_.code
        except click.exceptions.Exit as exit_:
            status = exit_.exit_code
        except click.ClickException as error:
            error.show()
            status = error.exit_code
        # Buffered output reaches a full disk only when it is flushed: here, inside the
        # handlers, rather than at interpreter exit.
        sys.stdout.flush()
    except (KeyboardInterrupt, click.Abort):
        return ExitStatus.INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return ExitStatus.BROKEN_PIPE
    except OSError as error:
        _silence_stdout()
        _complain(f"error: cannot write the output: {error.strerror or error}")
        return ExitStatus.BAD_INPUT
    except Exception as error:  # a defect: one line, the traceback only on request
        if os.environ.get("CNNCALC_DEBUG"):
            import traceback

            traceback.print_exc()
        from cnncalc.visible import visible

        _complain(
            f"error: internal error: {type(error).__name__}: {visible(str(error))[:500]}; "
            "please report it (set CNNCALC_DEBUG=1 to see the traceback)"
        )
        return ExitStatus.INTERNAL_ERROR
    if status is None:
        return ExitStatus.OK
    if isinstance(status, int):
        return status
    _complain(str(status))
    return ExitStatus.BAD_INPUT


def _complain(line: str) -> None:
    try:
        if sys.stderr is not None:
            print(line, file=sys.stderr, flush=True)
    except OSError:
        pass  # nowhere left to say it; the status still tells


def _silence_stdout() -> None:
    # What is still buffered cannot be written; without this, the interpreter's own
    # flush at exit would report the same failure again.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
