"""What every command shares: options, loading, console, error lines, exit codes."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import IntEnum
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cnncalc.errors import CnncalcError, Diagnostic

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem
    from rich.console import Console
    from rich.text import Text


class ExitStatus(IntEnum):
    """Every status the command exits with (docs/hostile-input.md lists them too)."""

    OK = 0
    BUDGET_EXCEEDED = 1  # `check` only: never used for any other failure
    BAD_INPUT = 2  # bad usage, bad input, or output that cannot be written
    INTERNAL_ERROR = 3  # a defect in cnncalc: please report it
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it)
    BROKEN_PIPE = 141  # the reader went away (128 + SIGPIPE, as shells report it)


EXIT_OK = ExitStatus.OK
EXIT_BUDGET = ExitStatus.BUDGET_EXCEEDED
EXIT_BAD_INPUT = ExitStatus.BAD_INPUT

F = TypeVar("F", bound=Callable[..., Any])


def parse_input_shape(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> tuple[int, ...] | None:
    """`--input 3,224,224` (or `3x224x224`): positive integers, C,H,W (or C,L, C,D,H,W
    or one for a flat input)."""
    if value is None:
        return None
    parts = value.replace("x", ",").replace("×", ",").split(",")
    try:
        numbers = tuple(int(part.strip()) for part in parts)
    except ValueError:
        numbers = ()
    if not 1 <= len(numbers) <= 4 or any(n <= 0 for n in numbers):
        raise click.BadParameter(
            "expected C,H,W as positive integers, like 3,224,224 (or C,L or C,D,H,W); "
            f"got {value!r}"
        )
    return numbers


def complete_arch(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Shell completion of ARCH: the bundled names that start so, and file paths (the
    shell completes those itself)."""
    from click.shell_completion import CompletionItem

    from cnncalc.reading import catalog

    names = [CompletionItem(name) for name in catalog.names() if name.startswith(incomplete)]
    return [*names, CompletionItem(incomplete, type="file")]


def input_option(function: F) -> F:
    return click.option(
        "--input",
        "input_shape",
        callback=parse_input_shape,
        metavar="C,H,W",
        help="Override the file's input shape, e.g. 3,224,224.",
    )(function)


def output_path(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A file to write: an empty name is a usage error, not a silent no-op."""
    if value is not None and not value.strip():
        raise click.BadParameter("needs a file name, got an empty one")
    return value


def format_option(*formats: str) -> Callable[[F], F]:
    def decorate(function: F) -> F:
        return click.option(
            "--format",
            "output_format",
            type=click.Choice(formats),
            default=formats[0],
            show_default=True,
            help="Output format.",
        )(function)

    return decorate


def strict_option(function: F) -> F:
    return click.option(
        "--strict",
        is_flag=True,
        help="Treat warnings (input rows or columns no window reads) as errors.",
    )(function)


def fail(error: CnncalcError) -> None:
    """Print the one-line error and leave with status 2."""
    click.echo(f"error: {error}", err=True)
    sys.exit(EXIT_BAD_INPUT)


@contextmanager
def reporting_errors() -> Iterator[None]:
    try:
        yield
    except CnncalcError as error:
        fail(error)


def warn(diagnostics: tuple[Diagnostic, ...]) -> None:
    """Warnings summarised: one line per file and kind, and a count past a few files."""
    if not diagnostics:
        return
    from cnncalc.render.warnings import summary

    for line in summary(diagnostics, known_as):
        click.echo(f"warning: {line}", err=True)


def known_as(source: str) -> str:
    """A file as the user knows it: a bundled architecture by its name (its path is
    inside the package), any other file by the path given."""
    from cnncalc.reading import catalog

    name = source.removeprefix("architectures/").removesuffix(catalog.SUFFIX)
    return name if source == catalog.display_path(name) and catalog.exists(name) else source


def _columns_variable() -> int | None:
    """COLUMNS as a width, or None when unset; a value that is not a positive whole
    number is ignored, as if unset (it must not blank the output)."""
    value = os.environ.get("COLUMNS")
    if value is None:
        return None
    try:
        width = int(value)
    except ValueError:
        return None
    return width if width > 0 else None


def console() -> Console:
    """The one place the output console is made: NO_COLOR and terminal width respected.

    When stdout is not a terminal (a pipe, a file), tables get room to stay on one line
    per row unless COLUMNS says otherwise.
    """
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            # rich would exit with 1, which `check` reserves for an exceeded budget;
            # the entry point handles a broken pipe like every other command's.
            self.quiet = True
            raise BrokenPipeError

    width = _columns_variable()
    if width is None:
        width = shutil.get_terminal_size((80, 25)).columns if sys.stdout.isatty() else 200
    return _Console(width=width, highlight=False, soft_wrap=False)


def print_text(view: Callable[[int, bool], Text]) -> None:
    """Print ``view(width, ascii_only)``, laid out for the console's width and encoding:
    its lines are printed whole, never wrapped or cut by rich (the view keeps to the
    width itself)."""
    out = console()
    out.print(view(out.width, out.options.ascii_only), soft_wrap=True, crop=False)


def echo(text: str) -> None:
    click.echo(text, nl=not text.endswith("\n"))
