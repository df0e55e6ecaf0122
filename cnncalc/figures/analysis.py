"""Propagate shapes through the graph and compute every figure, exactly."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cnncalc.errors import CnncalcError, Diagnostic
from cnncalc.figures import memory
from cnncalc.figures.conventions import DEFAULT_COUNT, Convention, convention
from cnncalc.model import receptive
from cnncalc.model.graph import evaluation_order, parts, tensor
from cnncalc.model.layers import LayerError, Note, Shape
from cnncalc.model.layers.base import units
from cnncalc.names import FIGURE_KEYS
from cnncalc.reading import limits
from cnncalc.reading.architecture import NETWORK_INPUT, Architecture, Layer
from cnncalc.record import Record, replace


class LayerResult(Record):
    """One row: a layer's output shape and its figures (docs/figures.md)."""

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
    # Figures beyond the contract's.
    receptive_field: tuple[int, ...] | None = None  # per axis ([h, w]) on the input
    jump: tuple[int, ...] | None = None  # effective stride per axis; None for vectors
    activation_bytes: int = 0  # the output tensor at the analysis's dtype
    live_bytes: int = 0  # every tensor held while this layer runs (see cnncalc.figures.memory)
    ops: int = 0  # operations under the analysis's counting convention
    shares: str | None = None  # tied weights: the layer that owns these parameters

    @property
    def has_parameters(self) -> bool:
        """Trainable or fixed: the layers whose units the AlexNet paper counts as neurons."""
        return self.params > 0 or self.non_trainable > 0

    def figure(self, key: str) -> int:
        value: int = getattr(self, key)
        return value


class Totals(Record):
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


class Analysis(Record):
    name: str
    description: str | None
    source: str
    input: Shape
    layers: tuple[LayerResult, ...]
    totals: Totals
    warnings: tuple[Diagnostic, ...]
    count: str = DEFAULT_COUNT  # the counting convention of `ops`
    # A file's `inputs:` as (name, shape); `input` is the first one's shape. Empty for
    # a file with one `input:`.
    named_inputs: tuple[tuple[str, Shape], ...] = ()
    dtype: str = memory.DEFAULT_DTYPE  # the number format of the byte figures
    peak_layer: str | None = None  # the layer running when activation memory peaks

    @property
    def network_inputs(self) -> tuple[tuple[str, Shape], ...]:
        """Every network input as (the name layers read it by, its shape)."""
        return self.named_inputs or ((NETWORK_INPUT, self.input),)

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
    value of the memory figures (`cnncalc.figures.memory.DTYPES`), ``count`` the convention of
    `ops` (`cnncalc.figures.conventions.CONVENTIONS`); unknown names raise ValueError.
    """
    if not isinstance(arch, Architecture):
        raise TypeError(
            "analyse() needs an Architecture (cnncalc.load, cnncalc.bundled), "
            f"got {type(arch).__name__}"
        )
    if input_shape is not None and (
        not 1 <= len(input_shape) <= 4
        or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in input_shape)
    ):
        raise CnncalcError(
            arch.source,
            arch.input_position,
            f"input must be C,L, C,H,W, C,D,H,W or units as positive integers, like "
            f"(3, 224, 224); "
            f"got {tuple(input_shape)!r}",
        )
    if input_shape is not None and arch.named_inputs:
        raise CnncalcError(
            arch.source,
            arch.input_position,
            f"this network has {len(arch.named_inputs)} inputs "
            f"({', '.join(name for name, _ in arch.named_inputs)}); change their shapes "
            "in the file's inputs:",
        )
    if input_shape is not None:
        arch = replace(arch, input=tuple(input_shape))
    value_bytes = memory.bytes_per_value(dtype)
    counting = convention(count)
    bits = limits.current().figure_bits
    order = [arch.layers[index] for index in evaluation_order(arch)]

    shapes = dict(arch.network_inputs)
    fields = {name: receptive.input_field(shape) for name, shape in shapes.items()}
    facts: dict[str, dict[str, Any]] = {}  # per layer: its row's fields, by name
    warnings: list[Diagnostic] = []
    for layer in order:
        input_shapes = tuple([shapes[name] for name in layer.inputs])
        row, window, notes = _row(arch, layer, input_shapes, counting, value_bytes)
        for note in notes:
            warning = Diagnostic(
                arch.source, layer.position_of(note.field), f"layer {layer.name!r}: {note.message}"
            )
            if strict:
                raise warning.as_error()
            warnings.append(warning)
        read = layer.inputs[: len(layer.inputs) - layer.kind.references()]
        field = receptive.union([receptive.through(window, fields[n]) for n in read])
        row["receptive_field"], row["jump"] = receptive.measures(field, row["output"])
        _check_magnitude(arch, layer, _largest(row), bits)
        facts[layer.name] = row
        shapes[layer.name] = row["output"]
        fields[layer.name] = field
        if layer.kind.outputs():  # a split: its parts are read by name
            for i, part in enumerate(layer.kind.part_shapes(input_shapes[0])):
                shapes[f"{layer.name}.{i}"], fields[f"{layer.name}.{i}"] = part, field

    sizes = {name: row["activation_bytes"] for name, row in facts.items()}
    sizes.update({name: units(shape) * value_bytes for name, shape in arch.network_inputs})
    named_parts = parts(arch)  # a part is a view: reading it holds the split's output
    reads = {layer.name: tuple(tensor(n, named_parts) for n in layer.inputs) for layer in order}
    live = memory.liveness(list(reads), reads, sizes, [name for name, _ in arch.network_inputs])
    if live.peak_layer is not None:  # the largest live memory is the peak's
        peak_layer = next(layer for layer in order if layer.name == live.peak_layer)
        _check_magnitude(arch, peak_layer, live.peak, bits)
    rows = {
        layer.name: LayerResult(**facts[layer.name], live_bytes=live.live[layer.name])
        for layer in arch.layers
    }
    for tied, owner in _owners(arch, rows).items():
        rows[tied] = replace(rows[tied], shares=owner)
    results = tuple(rows.values())
    totals = total(
        results, results[-1].output, peak_activation_bytes=live.peak, value_bytes=value_bytes
    )
    _check_magnitude(arch, None, max(totals.figure(k) for k in FIGURE_KEYS), bits)
    return Analysis(
        name=arch.name,
        description=arch.description,
        source=arch.source,
        input=arch.input,
        layers=results,
        totals=totals,
        warnings=tuple(warnings),
        count=counting.name,
        dtype=dtype.lower(),
        peak_layer=live.peak_layer,
        named_inputs=arch.named_inputs,
    )


def _row(
    arch: Architecture,
    layer: Layer,
    input_shapes: tuple[Shape, ...],
    counting: Convention,
    value_bytes: int,
) -> tuple[dict[str, Any], receptive.WindowSpec, list[Note]]:
    """What the layer's kind computes from its input shapes: the fields of its row
    that need no other layer, its receptive window and its warnings."""
    kind = layer.kind
    notes: list[Note] = []
    try:
        output = kind.output_shape(input_shapes, notes)
        figures = kind.figures(input_shapes, output)
        window = kind.window(input_shapes)
    except LayerError as exc:
        raise CnncalcError(
            arch.source, layer.position_of(exc.field), f"layer {layer.name!r}: {exc.message}"
        ) from None
    ops = counting.figure(kind, input_shapes, output, figures)  # the tools count frozen ones too
    if not layer.trainable:
        figures = replace(figures, params=0, non_trainable=figures.params + figures.non_trainable)
    neurons = units(output)
    row = {
        "name": layer.name,
        "type": kind.type_name,
        "inputs": layer.inputs,
        "input_shapes": input_shapes,
        "output": output,
        "neurons": neurons,
        "params": figures.params,
        "non_trainable": figures.non_trainable,
        "params_unshared": figures.params_unshared,
        "params_dense": figures.params_dense,
        "connections": figures.connections,
        "macs": figures.macs,
        "activation_bytes": neurons * value_bytes,
        "ops": ops,
    }
    return row, window, notes


def _largest(row: dict[str, Any]) -> int:
    """The largest number of a row (all are counts). The output's sizes and the
    neurons are left out: the activation bytes are at least as large."""
    largest: int = max(
        row["activation_bytes"],
        row["ops"],
        row["params"],
        row["non_trainable"],
        row["params_unshared"],
        row["params_dense"],
        row["connections"],
        row["macs"],
        *(row["receptive_field"] or ()),
        *(row["jump"] or ()),
    )
    return largest


def _owners(arch: Architecture, rows: dict[str, LayerResult]) -> dict[str, str]:
    """Tied weights (`share:`): the owner of each tied layer's parameters."""
    if all(layer.share is None for layer in arch.layers):
        return {}
    from cnncalc.figures.ties import resolve_ties  # only files with `share:` get here

    return resolve_ties(arch, rows)


def _check_magnitude(arch: Architecture, layer: Layer | None, largest: int, bits: int) -> None:
    """Refuse figures too long to print (Python prints integers of up to 4,300 digits):
    a layer's, or with no layer the totals'."""
    if largest.bit_length() > bits:
        digits = limits.current().figure_digits
        what = "the totals" if layer is None else f"layer {layer.name!r}"
        raise CnncalcError(
            arch.source,
            arch.input_position if layer is None else layer.position,
            f"{what}: a figure exceeds 10^{digits}; cnncalc refuses numbers this large "
            "(CNNCALC_MAX_FIGURE_DIGITS raises the bound)",
        )


def total(
    rows: Iterable[LayerResult],
    output: Shape,
    *,
    peak_activation_bytes: int = 0,
    value_bytes: int = 0,
) -> Totals:
    """Column sums; a row that shares another layer's parameters adds none of them.

    ``value_bytes`` (bytes per value) gives `param_bytes`; 0 leaves it 0.
    """
    rows = tuple(rows)
    owned = [row for row in rows if row.shares is None]
    tied = [row for row in rows if row.shares is not None]
    params = sum(row.params for row in owned)
    non_trainable = sum(row.non_trainable for row in owned)
    return Totals(
        output=output,
        neurons=sum(row.neurons for row in rows if row.has_parameters),
        params=params,
        non_trainable=non_trainable,
        params_unshared=sum(row.params_unshared for row in rows),
        params_dense=sum(row.params_dense for row in rows),
        connections=sum(row.connections for row in rows),
        macs=sum(row.macs for row in rows),
        params_tied=sum(row.params for row in tied),
        non_trainable_tied=sum(row.non_trainable for row in tied),
        ops=sum(row.ops for row in rows),
        activation_bytes=sum(row.activation_bytes for row in rows),
        peak_activation_bytes=peak_activation_bytes,
        param_bytes=(params + non_trainable) * value_bytes,
    )
