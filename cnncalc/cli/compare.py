"""`cnncalc compare [ARCH ...]`: parameters with sharing, without, and fully connected."""

from __future__ import annotations

import click

from cnncalc.cli import common, presentation


@click.command()
@click.argument("archs", nargs=-1, metavar="[ARCH]...")
@click.option(
    "--no-sharing",
    is_flag=True,
    help="Add the parameters without weight sharing and their ratio to the shared count.",
)
@click.option(
    "--dense",
    is_flag=True,
    help="Add the fully connected equivalent and its ratio to the shared count.",
)
@common.format_option("table", "json", "csv", "markdown")
@presentation.sort_options
@common.strict_option
@presentation.export_options
def compare(
    archs: tuple[str, ...],
    no_sharing: bool,
    dense: bool,
    output_format: str,
    sort: str | None,
    top: int | None,
    strict: bool,
    export_svg: str | None,
    export_html: str | None,
) -> None:
    """Weight sharing made visible: with one ARCH, per layer; with several, one row per
    architecture; with none, every bundled architecture.

    ARCH is a YAML file, - for stdin, or a bundled name.
    """
    from cnncalc import catalog
    from cnncalc.analysis import analyse
    from cnncalc.compare import compare as compare_core
    from cnncalc.render import compare as render
    from cnncalc.sources import load_arch

    with common.reporting_errors():
        if archs:
            analyses = [analyse(load_arch(arch), strict=strict) for arch in archs]
        else:
            analyses = [analyse(catalog.load(name), strict=strict) for name in catalog.names()]
    for analysis in analyses:
        common.warn(analysis.warnings)
    comparison = compare_core(analyses, sort, top)
    view = render.comparison_table(comparison, no_sharing, dense, sort)
    title = comparison.documents[0].analysis.name if comparison.per_layer else "cnncalc compare"
    presentation.export(view, export_svg, export_html, title)
    if output_format == "table":
        common.console().print(view)
        return
    formats = {"json": render.to_json, "csv": render.to_csv, "markdown": render.to_markdown}
    common.echo(formats[output_format](comparison, no_sharing, dense))
