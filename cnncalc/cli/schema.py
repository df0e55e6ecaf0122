"""`cnncalc schema`: the JSON Schema of the architecture file, for editors and CI."""

from __future__ import annotations

import click

from cnncalc.cli import common


@click.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of the architecture file format.

    Save it (cnncalc schema > cnncalc.schema.json) and point your editor at it, e.g.
    with a first line `# yaml-language-server: $schema=cnncalc.schema.json`.
    """
    from cnncalc.reports.schema import shipped

    common.echo(shipped())
