"""Propagate shapes through the graph and compute every figure, exactly."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from cnncalc import limits, memory, receptive
from cnncalc.architecture import NETWORK_INPUT, Architecture
from cnncalc.conventions import DEFAULT_COUNT, convention
from cnncalc.errors import CnncalcError, Diagnostic, Position
from cnncalc.graph import evaluation_order
from cnncalc.layers import Figures, LayerError, Note, Shape
from cnncalc.layers.base import units
from cnncalc.names import FIGURE_KEYS
from cnncalc.ties import resolve_ties


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
    # Figures beyond the contract's (issue 7); defaults keep other constructors working.
    receptive_field: tuple[int, int] | None = None  # [h, w] on the network input
    jump: tuple[int, int] | None = None  # effective stride [h, w]; None for vectors
    activation_bytes: int = 0  # the output tensor at the analysis's dtype
    live_bytes: int = 0  # every tensor held while this layer runs (see cnncalc.memory)
    ops: int = 0  # operations under the analysis's counting convention
    shares: str | None = None  # tied weights: the layer that owns these parameters

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
    # Tied weights (`share:`) count once: params and non_trainable above leave out the
    # rows that reuse another layer's parameters; these say how much was left out.
    params_tied: int = 0
    non_trainable_tied: int = 0
    ops: int = 0
    activation_bytes: int = 0  # sum of every layer's output
    peak_activation_bytes: int = 0  # the largest live memory of a forward pass
    param_bytes: int = 0  # (params + non_trainable) × bytes per value

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
    count: str = DEFAULT_COUNT  # the counting convention of `ops`
    dtype: str = memory.DEFAULT_DTYPE  # the number format of the byte figures
    peak_layer: str | None = None  # the layer running when activation memory peaks

    def layer(self, name: str) -> LayerResult:
        for row in self.layers:
            if row.name == name:
                return row
        raise KeyError(name)


def analyse(
    arch: Architecture,
    input_shape: Shape | None = None,
    strict: bool = False,
    *,
    dtype: str = memory.DEFAULT_DTYPE,
    count: str = DEFAULT_COUNT,
) -> Analysis:
    """Every layer's output shape and figures, in file order, plus totals.

    ``input_shape`` overrides the file's input. With ``strict``, a warning (input rows
    that no window reaches) is raised as an error instead. ``dtype`` sets the bytes per
    value of the memory figures (`cnncalc.memory.DTYPES`), ``count`` the convention of
    `ops` (`cnncalc.conventions.CONVENTIONS`); unknown names raise ValueError.
    """
    with limits.paused_gc():
        return _analyse(arch, input_shape, strict, dtype, count)


def _analyse(
    arch: Architecture, input_shape: Shape | None, strict: bool, dtype: str, count: str
) -> Analysis:
    if input_shape is not None:
        arch = replace(arch, input=tuple(input_shape))
    value_bytes = memory.bytes_per_value(dtype)
    bits = limits.current().figure_bits
    counting = convention(count)
    shapes: dict[str, Shape] = {NETWORK_INPUT: arch.input}
    fields_of = {NETWORK_INPUT: receptive.input_field(arch.input)}
    order: list[str] = []
    results: list[LayerResult | None] = [None] * len(arch.layers)
    warnings: list[Diagnostic] = []
    for index in evaluation_order(arch):
        layer = arch.layers[index]
        input_shapes = tuple(shapes[name] for name in layer.inputs)
        notes: list[Note] = []
        try:
            output = layer.kind.output_shape(input_shapes, notes)
            figures = layer.kind.figures(input_shapes, output)
            window = layer.kind.window(input_shapes)
            operations = layer.kind.operations(input_shapes, output, figures)
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
        order.append(layer.name)
        field = receptive.union([receptive.through(window, fields_of[n]) for n in layer.inputs])
        fields_of[layer.name] = field
        rf, jump = receptive.measures(field, output)
        row = _row(
            layer.name,
            layer.type_name,
            layer.inputs,
            input_shapes,
            output,
            figures,
            receptive_field=rf,
            jump=jump,
            activation_bytes=units(output) * value_bytes,
            ops=counting.count(figures.macs, operations),
        )
        if _magnitude(row).bit_length() > bits:
            _check_magnitude(arch, layer.position, f"layer {layer.name!r}", _row_numbers(row), bits)
        results[index] = row
    rows = [r for r in results if r is not None]
    owners = resolve_ties(arch, {row.name: row for row in rows})
    sizes = {row.name: row.activation_bytes for row in rows}
    sizes[NETWORK_INPUT] = units(arch.input) * value_bytes
    reads = {layer.name: layer.inputs for layer in arch.layers}
    live = memory.liveness(order, reads, sizes, NETWORK_INPUT)
    rows = [
        replace(row, live_bytes=live.live[row.name], shares=owners.get(row.name)) for row in rows
    ]
    totals = total(tuple(rows), rows[-1].output)
    totals = replace(
        totals,
        peak_activation_bytes=live.peak,
        param_bytes=(totals.params + totals.non_trainable) * value_bytes,
    )
    _check_magnitude(
        arch, arch.input_position, "the totals", [totals.figure(k) for k in FIGURE_KEYS], bits
    )
    return Analysis(
        name=arch.name,
        description=arch.description,
        source=arch.source,
        input=arch.input,
        layers=tuple(rows),
        totals=totals,
        warnings=tuple(warnings),
        count=counting.name,
        dtype=dtype.lower(),
        peak_layer=live.peak_layer,
    )


_FIGURE_FIELDS = tuple(f.name for f in fields(Figures))


def _row(
    name: str,
    type_name: str,
    inputs: tuple[str, ...],
    input_shapes: tuple[Shape, ...],
    output: Shape,
    figures: Figures,
    **extra: Any,
) -> LayerResult:
    return LayerResult(
        name=name,
        type=type_name,
        inputs=inputs,
        input_shapes=input_shapes,
        output=output,
        neurons=units(output),
        **{name: getattr(figures, name) for name in _FIGURE_FIELDS},
        **extra,
    )


def _magnitude(row: LayerResult) -> int:
    """At least the largest of a row's numbers (all are non-negative), cheaply."""
    return (
        row.neurons
        + row.params
        + row.non_trainable
        + row.params_unshared
        + row.params_dense
        + row.connections
        + row.macs
        + row.activation_bytes
        + row.ops
        + sum(row.output)
        + sum(row.receptive_field or ())
        + sum(row.jump or ())
    )


def _row_numbers(row: LayerResult) -> list[int]:
    numbers = [row.figure(key) for key in FIGURE_KEYS]
    numbers += (*row.output, row.activation_bytes, row.ops)
    numbers += row.receptive_field or ()
    numbers += row.jump or ()
    return numbers


def _check_magnitude(
    arch: Architecture, position: Position, what: str, numbers: list[int], bits: int
) -> None:
    """Refuse figures too long to print (Python prints integers of up to 4,300 digits)."""
    if max(max(numbers), -min(numbers)).bit_length() > bits:
        digits = limits.current().figure_digits
        raise CnncalcError(
            arch.source,
            position,
            f"{what}: a figure exceeds 10^{digits}; cnncalc refuses numbers this large "
            "(CNNCALC_MAX_FIGURE_DIGITS raises the bound)",
        )


def total(rows: tuple[LayerResult, ...], output: Shape) -> Totals:
    """Column sums; a row that shares another layer's parameters adds none of them."""
    sums = {key: 0 for key in FIGURE_KEYS}
    tied = {"params": 0, "non_trainable": 0}
    for row in rows:
        for key in FIGURE_KEYS:
            if row.shares is not None and key in tied:
                tied[key] += row.figure(key)
            elif key != "neurons" or row.has_parameters:
                sums[key] += row.figure(key)
    return Totals(
        output=output,
        **sums,
        params_tied=tied["params"],
        non_trainable_tied=tied["non_trainable"],
        ops=sum(row.ops for row in rows),
        activation_bytes=sum(row.activation_bytes for row in rows),
    )
