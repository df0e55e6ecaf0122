"""What every command shares: options, loading, console, error lines, exit codes."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cnncalc.errors import CnncalcError, Diagnostic

if TYPE_CHECKING:
    from rich.console import Console

EXIT_OK = 0
EXIT_BUDGET = 1
EXIT_BAD_INPUT = 2

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


def input_option(function: F) -> F:
    return click.option(
        "--input",
        "input_shape",
        callback=parse_input_shape,
        metavar="C,H,W",
        help="Override the file's input shape, e.g. 3,224,224.",
    )(function)


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
    for diagnostic in diagnostics:
        click.echo(f"warning: {diagnostic}", err=True)


def console() -> Console:
    """The one place the output console is made: NO_COLOR and terminal width respected.

    When stdout is not a terminal (a pipe, a file), tables get room to stay on one line
    per row unless COLUMNS says otherwise.
    """
    from rich.console import Console

    width = None
    if not sys.stdout.isatty() and "COLUMNS" not in os.environ:
        width = 200
    return Console(width=width, highlight=False, soft_wrap=False)


def echo(text: str) -> None:
    click.echo(text, nl=not text.endswith("\n"))
