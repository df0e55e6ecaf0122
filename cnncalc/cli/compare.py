"""`cnncalc compare [ARCH ...]`: parameters with sharing, without, and fully connected."""

from __future__ import annotations

import click

from cnncalc.cli import common, presentation


@click.command()
@click.argument("archs", nargs=-1, metavar="[ARCH]...", shell_complete=common.complete_arch)
@click.option(
    "--no-sharing",
    is_flag=True,
    help="The parameters without weight sharing and their ratio to the shared count "
    "(always shown; the flag is kept for scripts that pass it).",
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
    """Weight sharing made visible: parameters with and without sharing and their ratio;
    with one ARCH, per layer; with several, one row per architecture; with none, every
    bundled architecture.

    ARCH is a YAML file, - for stdin, or a bundled name.
    """
    from cnncalc.figures.analysis import analyse
    from cnncalc.reading import catalog
    from cnncalc.reading.sources import load_arch
    from cnncalc.render import compare as render
    from cnncalc.reports.compare import compare as compare_core

    with common.reporting_errors():
        archs_loaded = [load_arch(arch) for arch in archs] or [
            catalog.load(name) for name in catalog.names()
        ]
        analyses = [analyse(arch, strict=strict) for arch in archs_loaded]
    for analysis in analyses:
        common.warn(analysis.warnings)
    local = frozenset(
        layer.name
        for arch in archs_loaded[:1]
        for layer in arch.layers
        if getattr(layer.kind, "sharing", True) is False
    )
    comparison = compare_core(analyses, sort, top, local)
    title = comparison.documents[0].analysis.name if comparison.per_layer else "cnncalc compare"
    if export_svg or export_html:
        picture = render.comparison_table(comparison, dense, sort, presentation.MAX_EXPORT_WIDTH)
        presentation.export(picture, export_svg, export_html, title)
    if output_format == "table":
        common.print_text(
            lambda width, ascii_only: render.comparison_table(
                comparison, dense, sort, width, ascii_only
            )
        )
        return
    formats = {"json": render.to_json, "csv": render.to_csv, "markdown": render.to_markdown}
    common.echo(formats[output_format](comparison, dense))
