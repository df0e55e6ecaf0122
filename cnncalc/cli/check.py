"""`cnncalc check [ARCH ...]`: budgets in CI, as a table, JSON, GitHub annotations or JUnit."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TextIO

import click

from cnncalc.cli import common
from cnncalc.names import BUDGET_FIGURES

# The figures a budget may cap; cnncalc.names imports nothing, so `--help` stays light.
FIGURES = BUDGET_FIGURES
FLAG_HELP = {
    "params": "Maximum trainable parameters, e.g. 25M (overrides the file's budget).",
    "non_trainable": "Maximum non-trainable parameters.",
    "params_unshared": "Maximum parameters without weight sharing.",
    "params_dense": "Maximum parameters of the fully connected equivalent.",
    "connections": "Maximum connections.",
    "macs": "Maximum multiply-accumulates, e.g. 4.1G.",
    "neurons": "Maximum neurons (layers with parameters).",
}

F = Callable[..., Any]


def budget_options(function: F) -> F:
    for figure in reversed(FIGURES):
        function = click.option(
            "--max-" + figure.replace("_", "-"),
            "max_" + figure,
            metavar="N",
            help=FLAG_HELP[figure],
        )(function)
    return function


def wants_progress(stream: TextIO, environ: Mapping[str, str]) -> bool:
    """A progress bar only for a person watching: stderr a terminal, not CI, not dumb."""
    return stream.isatty() and not environ.get("CI") and environ.get("TERM") != "dumb"


@contextmanager
def _progress_bar(arguments: tuple[str, ...]) -> Iterator[Callable[[int], None] | None]:
    """A rich progress bar on stderr while many files are checked, else nothing."""
    import os
    import sys

    if not wants_progress(sys.stderr, os.environ):
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    from cnncalc.reports.budget_check import expand_arguments

    total = len(expand_arguments(arguments))
    if total < 2:
        yield None
        return
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("checking", total=total)
        yield lambda files: bar.advance(task, files)


@click.command()
@click.argument("arch", nargs=-1, shell_complete=common.complete_arch)
@budget_options
@common.format_option("table", "json", "github")
@click.option(
    "--junit",
    "junit_path",
    metavar="FILE",
    callback=common.output_path,
    help="Also write a JUnit XML report (one testcase per architecture and budget).",
)
@common.strict_option
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    metavar="N",
    help="Worker processes for many files (0: one per CPU). "
    "Fewer than 64 files are checked in one process; the report is the same.",
)
def check(
    arch: tuple[str, ...],
    output_format: str,
    junit_path: str | None,
    strict: bool,
    jobs: int,
    **maxima: str | None,
) -> None:
    """Check architectures against their budgets (the file's budgets: and --max-* flags).

    ARCH is a YAML file, a directory (every *.yaml/*.yml under it), - for stdin, or a
    bundled name; with no ARCH, every bundled architecture. Sizes read 61000, 61_000,
    61k, 25M or 4.1G. Exit status: 0 all within budget, 1 a budget exceeded, 2 an
    invalid file or option (the other files are still checked).
    """
    from cnncalc.reading.sizes import SizeError
    from cnncalc.reports.budget_check import check as run_check
    from cnncalc.reports.budget_check import parse_limits

    try:
        limits = parse_limits({key[len("max_") :]: value for key, value in maxima.items()})
    except SizeError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(common.EXIT_BAD_INPUT) from None
    if junit_path is not None:
        from cnncalc import output_files

        with common.reporting_errors():  # before any work: a bad target wastes none
            output_files.prepare(junit_path, "JUnit report", arch)
    if arch:
        with _progress_bar(arch) as progress:
            report = run_check(arch, limits, strict=strict, jobs=jobs, progress=progress)
    else:
        from cnncalc.reading import catalog

        report = run_check(
            catalog.names(), limits, loader=catalog.load, strict=strict, expand=False
        )

    from cnncalc.render import check as render

    errors = list(report.errors)
    if junit_path is not None:
        from cnncalc import output_files
        from cnncalc.errors import CnncalcError

        # Written before the report is shown, so a failure reads like any other error.
        try:
            output_files.write(junit_path, render.to_junit(report), "JUnit report", arch)
        except CnncalcError as failure:
            errors.append(failure)
    for error in errors:
        click.echo(f"error: {error}", err=True)
    if output_format != "github":
        common.warn(report.warnings)

    if output_format == "table":
        common.print_text(
            lambda width, ascii_only: render.check_table(report, width, ascii_only, common.known_as)
        )
    elif output_format == "json":
        common.echo(render.to_json(report))
    else:
        common.echo(render.to_github(report))

    if len(errors) > len(report.errors):
        raise SystemExit(common.EXIT_BAD_INPUT)
    exit_codes = {
        "passed": common.EXIT_OK,
        "failed": common.EXIT_BUDGET,
        "invalid": common.EXIT_BAD_INPUT,
    }
    raise SystemExit(exit_codes[report.outcome])
