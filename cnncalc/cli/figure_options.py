"""`--columns`, `--dtype` and `--count`: which figures a table shows and how they count.

Bad values are bad usage: one line on stderr, `error: --OPTION: what is wrong and how
to fix it`, exit status 2 (no click usage banner, no traceback).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from cnncalc.cli import common
from cnncalc.names import FIGURE_KEYS

F = TypeVar("F", bound=Callable[..., Any])

# Repeated from the core (cnncalc.figures.memory.DTYPES, cnncalc.figures.conventions.CONVENTIONS) so
# that building the command imports nothing heavy; tests/test_conventions.py keeps the
# copies in step.
DTYPES = ("float32", "float16", "bfloat16", "int8")
COUNTS = ("macs", "flops", "torchinfo", "fvcore", "thop")
DEFAULT_COLUMNS = FIGURE_KEYS
EXTRA_COLUMNS = ("receptive_field", "jump", "activation_bytes", "live_bytes", "ops")
ALIASES = {
    "rf": ("receptive_field",),
    "memory": ("activation_bytes", "live_bytes"),
    "bytes": ("activation_bytes",),
    "live": ("live_bytes",),
    "default": DEFAULT_COLUMNS,
    "all": DEFAULT_COLUMNS + EXTRA_COLUMNS,
}


def _fail(option: str, message: str) -> None:
    click.echo(f"error: {option}: {message}", err=True)
    sys.exit(common.EXIT_BAD_INPUT)


def _nearest(word: str, choices: tuple[str, ...]) -> str:
    from cnncalc.reading.fields import nearest

    return nearest(word, choices)


def parse_columns(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> tuple[str, ...] | None:
    """A comma-separated list: figure keys and the aliases above, in the order given.

    A list that starts with `+` adds to the default columns: `--columns +rf,jump`.
    """
    if value is None:
        return None
    text = value.strip()
    columns: list[str] = list(DEFAULT_COLUMNS) if text.startswith("+") else []
    known = (*DEFAULT_COLUMNS, *EXTRA_COLUMNS, *ALIASES)
    for word in text.lstrip("+").split(","):
        word = word.strip().lower().lstrip("+").replace("-", "_")
        if not word:
            continue
        if word in ALIASES:
            expanded: tuple[str, ...] = ALIASES[word]
        elif word in known:
            expanded = (word,)
        else:
            _fail(
                "--columns",
                f"unknown column {word!r}{_nearest(word, known)}; choose from "
                f"{', '.join(known)} (comma-separated; start with + to add to the defaults)",
            )
            raise AssertionError  # unreachable: _fail exits
        columns += [c for c in expanded if c not in columns]
    if not columns:
        _fail("--columns", "no column given; e.g. --columns +rf,jump,memory")
    return tuple(columns)


def _choice(option: str, choices: tuple[str, ...]) -> Callable[..., str]:
    def parse(ctx: click.Context, param: click.Parameter, value: str) -> str:
        word = value.strip().lower()
        if word not in choices:
            _fail(
                option,
                f"{value!r} is not one of {', '.join(choices)}{_nearest(word, choices)}",
            )
        return word

    return parse


def table_columns(columns: tuple[str, ...] | None, count: str) -> tuple[tuple[str, ...], bool]:
    """The table's columns and whether to state the memory assumptions.

    Without --columns: the columns of docs/figures.md, plus `ops` when --count is not macs and
    the memory columns when --dtype was given.
    """
    dtype_given = click.get_current_context().get_parameter_source("dtype") not in (
        click.core.ParameterSource.DEFAULT,
        None,
    )
    if columns is not None:
        return columns, dtype_given
    chosen: tuple[str, ...] = DEFAULT_COLUMNS
    if count != "macs":
        chosen += ("ops",)
    if dtype_given:
        chosen += ("activation_bytes", "live_bytes")
    return chosen, dtype_given


def figure_options(function: F) -> F:
    function = click.option(
        "--columns",
        callback=parse_columns,
        metavar="LIST",
        help="Figure columns of the table, comma-separated, in order: the default "
        "figures (neurons, params, ..., macs) and receptive_field (rf), jump, activation_bytes, "
        "live_bytes (memory = both), ops; `default`, `all`; +LIST adds to the default. "
        "JSON always has every figure.",
    )(function)
    function = click.option(
        "--count",
        default="macs",
        show_default=True,
        callback=_choice("--count", COUNTS),
        metavar="|".join(COUNTS),
        help="Counting convention of the ops figure: conv+dense multiply-accumulates, "
        "FLOPs, or what torchinfo, fvcore or thop print (docs/counting-conventions.md).",
    )(function)
    return click.option(
        "--dtype",
        default="float32",
        show_default=True,
        callback=_choice("--dtype", DTYPES),
        metavar="|".join(DTYPES),
        help="Number format of the memory figures (bytes per value).",
    )(function)
