"""`cnncalc show ARCH`: one row per layer with every figure, then totals."""

from __future__ import annotations

import click

from cnncalc.cli import common, figure_options, presentation


@click.command()
@click.argument("arch", shell_complete=common.complete_arch)
@common.input_option
@common.format_option("table", "json", "csv", "markdown")
@common.strict_option
@presentation.sort_options
@presentation.export_options
@figure_options.figure_options
def show(
    arch: str,
    input_shape: tuple[int, ...] | None,
    output_format: str,
    strict: bool,
    sort: str | None = None,
    top: int | None = None,
    export_svg: str | None = None,
    export_html: str | None = None,
    columns: tuple[str, ...] | None = None,
    count: str = "macs",
    dtype: str = "float32",
) -> None:
    """Per-layer figures of ARCH: a YAML file, - for stdin, or a bundled name."""
    from cnncalc.figures.analysis import analyse
    from cnncalc.reading.sources import load_arch

    with common.reporting_errors():
        analysis = analyse(
            load_arch(arch, input_shape), input_shape, strict=strict, dtype=dtype, count=count
        )
    common.warn(analysis.warnings)
    columns, memory = figure_options.table_columns(columns, count)
    if sort or top:
        from cnncalc.reports.compare import select_layers

        shown = len(analysis.layers)
        analysis = select_layers(analysis, sort, top)
        note = (
            f"Showing {len(analysis.layers)} of {shown} layers by {sort or 'params'}, "
            "heaviest first; the totals cover every layer."
        )
    if export_svg or export_html or output_format == "table":
        from rich.text import Text

        from cnncalc.render.grid import wrapped
        from cnncalc.render.table import analysis_table

        def view(width: int, ascii_only: bool = False) -> Text:
            text = analysis_table(analysis, columns, memory, width, ascii_only)
            if sort or top:
                text.append("\n" + wrapped(note, width), "dim")
            return text

        if export_svg or export_html:
            picture = view(presentation.MAX_EXPORT_WIDTH)
            presentation.export(picture, export_svg, export_html, analysis.name)
        if output_format == "table":
            common.print_text(view)
            return
    from cnncalc.render import data

    render = {"json": data.to_json, "csv": data.to_csv, "markdown": data.to_markdown}[output_format]
    common.echo(render(analysis))
