"""`cnncalc import MODEL -o FILE`: an existing model (ONNX) as an architecture file."""

from __future__ import annotations

import click

from cnncalc.cli import common


@click.command("import")
@click.argument("model")
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Write the architecture file here (default: standard output).",
)
@click.option(
    "--input",
    "input_shape",
    callback=common.parse_input_shape,
    metavar="C,H,W",
    help="The input size, for a model that leaves it open (or to override it), e.g. 3,224,224.",
)
@click.option(
    "--skip-unsupported",
    is_flag=True,
    help="Leave out operators cnncalc cannot express (marked as comments in the file, "
    "warned about) instead of failing.",
)
def import_command(
    model: str, output: str | None, input_shape: tuple[int, ...] | None, skip_unsupported: bool
) -> None:
    """Write MODEL (an .onnx file) as an architecture file: layer names from the graph,
    kinds and settings from its operators, the input shape from the model (or --input).

    An operator cnncalc cannot express is an error naming it (exit 2), never a silent
    zero; with --skip-unsupported it is left out and marked.
    """
    from cnncalc import output_files
    from cnncalc.figures.analysis import analyse
    from cnncalc.reading.architecture import from_text
    from cnncalc.reading.onnx import import_model, to_yaml
    from cnncalc.reading.onnx.model_file import one_line

    with common.reporting_errors():
        if output is not None:
            output_files.prepare(output, "architecture file", [model])
        imported = import_model(model, input_shape, skip_unsupported)
        text = to_yaml(imported)
        # What is written must load and analyse: checked before anything is written.
        analyse(from_text(text, output or "<stdout>"))
    counts: dict[str, int] = {}
    for skipped in imported.skipped:
        counts[skipped.op_type] = counts.get(skipped.op_type, 0) + 1
    for op_type, count in counts.items():
        first = next(s for s in imported.skipped if s.op_type == op_type)
        message = (
            f"{model}: {count} {op_type} node{'s' if count > 1 else ''} left out, "
            f"not counted (first: {first.node!r})"
        )
        click.echo(f"warning: {one_line(message)}", err=True)
    if output is None:
        common.echo(text)
        return
    with common.reporting_errors():
        output_files.write(output, text.encode("utf-8"), "architecture file", [model])
