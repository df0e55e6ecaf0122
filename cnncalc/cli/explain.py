"""`cnncalc explain ARCH [LAYER ...]`: each figure's derivation, numbers substituted."""

from __future__ import annotations

import click

from cnncalc.cli import common, presentation


@click.command()
@click.argument("arch", shell_complete=common.complete_arch)
@click.argument("layers", nargs=-1, metavar="[LAYER]...")
@common.input_option
@common.format_option("table", "json", "csv", "markdown")
@common.strict_option
@presentation.export_options
def explain(
    arch: str,
    layers: tuple[str, ...],
    input_shape: tuple[int, ...] | None,
    output_format: str,
    strict: bool,
    export_svg: str | None,
    export_html: str | None,
) -> None:
    """How each figure of the chosen LAYERs of ARCH is worked out, step by step (all
    layers with parameters when none is named).

    ARCH is a YAML file, - for stdin, or a bundled name.
    """
    from cnncalc.figures.explain import explain as explain_core
    from cnncalc.reading.sources import load_arch
    from cnncalc.render import explain as render

    with common.reporting_errors():
        explanation = explain_core(load_arch(arch), layers, input_shape, strict=strict)
    common.warn(explanation.warnings)
    view = render.explanation_view(explanation)
    presentation.export(view, export_svg, export_html, f"{explanation.name}: explain")
    if output_format == "table":
        common.console().print(view)
        return
    formats = {"json": render.to_json, "csv": render.to_csv, "markdown": render.to_markdown}
    common.echo(formats[output_format](explanation))
