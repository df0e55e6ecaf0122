"""`cnncalc plot ARCH... -o FILE`: a bar chart of parameters with and without sharing."""

from __future__ import annotations

import click

from cnncalc.cli import common


@click.command()
@click.argument(
    "archs", nargs=-1, required=True, metavar="ARCH...", shell_complete=common.complete_arch
)
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    metavar="FILE",
    help="The chart file: .svg, .png or .pdf.",
)
@common.strict_option
def plot(archs: tuple[str, ...], output: str, strict: bool) -> None:
    """Chart parameters with weight sharing, without it and fully connected on a log
    axis: per layer for one ARCH, per architecture for several.

    ARCH is a YAML file, - for stdin, or a bundled name. Needs matplotlib:
    pip install 'cnncalc[plot]'.
    """
    from cnncalc.errors import CnncalcError, Position
    from cnncalc.render import plot as charts

    with common.reporting_errors():
        charts.chart_format(output)  # an unknown extension fails before any work
    try:
        import matplotlib  # noqa: F401 - only to say how to install it when missing
    except ImportError:
        click.echo(f"error: plot needs matplotlib: {charts.INSTALL}", err=True)
        raise SystemExit(common.EXIT_BAD_INPUT) from None
    from cnncalc.figures.analysis import analyse
    from cnncalc.reading.sources import load_arch

    with common.reporting_errors():
        analyses = [analyse(load_arch(arch), strict=strict) for arch in archs]
    for analysis in analyses:
        common.warn(analysis.warnings)
    try:
        charts.draw(charts.bars(analyses), output)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        common.fail(CnncalcError(output, Position(1, 1), f"cannot write the chart: {reason}"))
