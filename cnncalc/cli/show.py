"""`cnncalc show ARCH`: one row per layer with every figure, then totals."""

from __future__ import annotations

import click

from cnncalc.cli import common


@click.command()
@click.argument("arch")
@common.input_option
@common.format_option("table", "json", "csv", "markdown")
@common.strict_option
def show(arch: str, input_shape: tuple[int, ...] | None, output_format: str, strict: bool) -> None:
    """Per-layer figures of ARCH: a YAML file, - for stdin, or a bundled name."""
    from cnncalc.analysis import analyse
    from cnncalc.sources import load_arch

    with common.reporting_errors():
        analysis = analyse(load_arch(arch), input_shape, strict=strict)
    common.warn(analysis.warnings)
    if output_format == "table":
        from cnncalc.render.table import analysis_table

        common.console().print(analysis_table(analysis))
        return
    from cnncalc.render import data

    render = {"json": data.to_json, "csv": data.to_csv, "markdown": data.to_markdown}[output_format]
    common.echo(render(analysis))
