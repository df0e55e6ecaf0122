"""`cnncalc list`: the bundled architectures with their totals."""

from __future__ import annotations

import json

import click

from cnncalc.cli import common


@click.command("list")
@common.format_option("table", "json")
def list_command(output_format: str) -> None:
    """List the bundled architectures with their totals."""
    from cnncalc.figures.analysis import analyse
    from cnncalc.reading import catalog

    with common.reporting_errors():
        entries = [(name, analyse(catalog.load(name))) for name in catalog.names()]
    if output_format == "json":
        from cnncalc.render.records import totals_record

        records = [
            {
                "name": name,
                "title": a.name,
                "input": list(a.input),
                "layers": len(a.layers),
                "totals": totals_record(a.totals),
            }
            for name, a in entries
        ]
        click.echo(json.dumps(records, indent=2))
        return
    from cnncalc.render.table import list_table

    common.print_text(lambda width, ascii_only: list_table(entries, width, ascii_only))
