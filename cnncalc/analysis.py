"""Propagate shapes through the graph and compute every figure, exactly."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from cnncalc.architecture import NETWORK_INPUT, Architecture
from cnncalc.errors import CnncalcError, Diagnostic
from cnncalc.graph import evaluation_order
from cnncalc.layers import Figures, LayerError, Note, Shape
from cnncalc.layers.base import units

FIGURE_KEYS = (
    "neurons",
    "params",
    "non_trainable",
    "params_unshared",
    "params_dense",
    "connections",
    "macs",
)


@dataclass(frozen=True, slots=True)
class LayerResult:
    """One row: a layer's output shape and its figures (contract section 2)."""

    name: str
    type: str
    inputs: tuple[str, ...]
    input_shapes: tuple[Shape, ...]
    output: Shape
    neurons: int
    params: int
    non_trainable: int
    params_unshared: int
    params_dense: int
    connections: int
    macs: int

    @property
    def has_parameters(self) -> bool:
        """Trainable or fixed: the layers whose units the AlexNet paper counts as neurons."""
        return self.params > 0 or self.non_trainable > 0

    def figure(self, key: str) -> int:
        value: int = getattr(self, key)
        return value


@dataclass(frozen=True, slots=True)
class Totals:
    """Sums over all layers, except neurons: only layers with parameters count."""

    output: Shape
    neurons: int
    params: int
    non_trainable: int
    params_unshared: int
    params_dense: int
    connections: int
    macs: int

    @property
    def total_params(self) -> int:
        """Keras' "Total params": trainable plus non-trainable."""
        return self.params + self.non_trainable

    def figure(self, key: str) -> int:
        value: int = getattr(self, key)
        return value


@dataclass(frozen=True, slots=True)
class Analysis:
    name: str
    description: str | None
    source: str
    input: Shape
    layers: tuple[LayerResult, ...]
    totals: Totals
    warnings: tuple[Diagnostic, ...]

    def layer(self, name: str) -> LayerResult:
        for row in self.layers:
            if row.name == name:
                return row
        raise KeyError(name)


def analyse(arch: Architecture, input_shape: Shape | None = None, strict: bool = False) -> Analysis:
    """Every layer's output shape and figures, in file order, plus totals.

    ``input_shape`` overrides the file's input. With ``strict``, a warning (input rows
    that no window reaches) is raised as an error instead.
    """
    if input_shape is not None:
        arch = replace(arch, input=tuple(input_shape))
    shapes: dict[str, Shape] = {NETWORK_INPUT: arch.input}
    results: list[LayerResult | None] = [None] * len(arch.layers)
    warnings: list[Diagnostic] = []
    for index in evaluation_order(arch):
        layer = arch.layers[index]
        input_shapes = tuple(shapes[name] for name in layer.inputs)
        notes: list[Note] = []
        try:
            output = layer.kind.output_shape(input_shapes, notes)
            figures = layer.kind.figures(input_shapes, output)
        except LayerError as exc:
            raise CnncalcError(
                arch.source, layer.position_of(exc.field), f"layer {layer.name!r}: {exc.message}"
            ) from None
        for note in notes:
            diagnostic = Diagnostic(
                arch.source, layer.position_of(note.field), f"layer {layer.name!r}: {note.message}"
            )
            if strict:
                raise diagnostic.as_error()
            warnings.append(diagnostic)
        shapes[layer.name] = output
        results[index] = _row(
            layer.name, layer.type_name, layer.inputs, input_shapes, output, figures
        )
    rows = tuple(r for r in results if r is not None)
    return Analysis(
        name=arch.name,
        description=arch.description,
        source=arch.source,
        input=arch.input,
        layers=rows,
        totals=total(rows, rows[-1].output),
        warnings=tuple(warnings),
    )


def _row(
    name: str,
    type_name: str,
    inputs: tuple[str, ...],
    input_shapes: tuple[Shape, ...],
    output: Shape,
    figures: Figures,
) -> LayerResult:
    return LayerResult(
        name=name,
        type=type_name,
        inputs=inputs,
        input_shapes=input_shapes,
        output=output,
        neurons=units(output),
        **{f.name: getattr(figures, f.name) for f in fields(Figures)},
    )


def total(rows: tuple[LayerResult, ...], output: Shape) -> Totals:
    sums = {key: 0 for key in FIGURE_KEYS}
    for row in rows:
        for key in FIGURE_KEYS:
            if key != "neurons" or row.has_parameters:
                sums[key] += row.figure(key)
    return Totals(output=output, **sums)
