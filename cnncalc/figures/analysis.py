"""Propagate shapes through the graph and compute every figure, exactly."""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter

from cnncalc.errors import CnncalcError, Diagnostic
from cnncalc.figures import memory
from cnncalc.figures.conventions import DEFAULT_COUNT, convention
from cnncalc.model import receptive
from cnncalc.model.graph import evaluation_order, parts, tensor
from cnncalc.model.layers import Figures, LayerError, Note, Shape
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
    named_parts = parts(arch)  # a split's parts, NAME.0, NAME.1, ...: views of its output
    order = [arch.layers[index] for index in evaluation_order(arch, named_parts)]

    shapes = dict(arch.network_inputs)
    sizes = {name: units(shape) * value_bytes for name, shape in arch.network_inputs}  # bytes
    fields = {name: receptive.input_field(shape) for name, shape in shapes.items()}
    measured = {name: receptive.measures(fields[name], shape) for name, shape in shapes.items()}
    evaluated: dict[str, _Evaluated] = {}
    warnings: list[Diagnostic] = []
    for layer in order:
        kind = layer.kind
        input_shapes = tuple(map(shapes.__getitem__, layer.inputs))
        notes: list[Note] = []
        try:
            computed = kind.compute(input_shapes, notes)
        except LayerError as exc:
            raise CnncalcError(
                arch.source, layer.position_of(exc.field), f"layer {layer.name!r}: {exc.message}"
            ) from None
        for note in notes:
            warning = Diagnostic(
                arch.source, layer.position_of(note.field), f"layer {layer.name!r}: {note.message}"
            )
            if strict:
                raise warning.as_error()
            warnings.append(warning)
        output, figures, window = computed.output, computed.figures, computed.window
        ops = counting.figure(kind, input_shapes, output, figures)  # frozen ones count too
        if not layer.trainable:
            figures = replace(
                figures, params=0, non_trainable=figures.params + figures.non_trainable
            )
        neurons = units(output)
        activation_bytes = neurons * value_bytes
        # Every figure of the row in one number, as long as the longest (all are >= 0;
        # the output's sizes and the neurons are at most the activation bytes).
        widest = (
            activation_bytes
            | ops
            | figures.params
            | figures.non_trainable
            | figures.params_unshared
            | figures.params_dense
            | figures.connections
            | figures.macs
        )
        if window is None and len(layer.inputs) == 1:
            # Position o reads position o: the layer sees what its input sees (and that
            # was checked with the input's row).
            field = fields[layer.inputs[0]]
            receptive_field, jump = measured[layer.inputs[0]]
        else:
            field = _field(layer, window, fields)
            receptive_field, jump = receptive.measures(field, output)
            if receptive_field is not None:
                widest |= max(receptive_field)
            if jump is not None:
                widest |= max(jump)
        if widest.bit_length() > bits:
            raise _too_large(arch, layer)
        evaluated[layer.name] = _Evaluated(input_shapes, output, figures, ops, neurons)
        shapes[layer.name] = output
        sizes[layer.name] = activation_bytes
        fields[layer.name] = field
        measured[layer.name] = (receptive_field, jump)
        if named_parts and kind.outputs():  # a split: its parts are read by name
            for i, part in enumerate(kind.part_shapes(input_shapes[0])):
                part_name = f"{layer.name}.{i}"
                shapes[part_name], fields[part_name] = part, field
                measured[part_name] = measured[layer.name]

    reads = {  # reading a part holds the split's output
        layer.name: tuple([tensor(n, named_parts) for n in layer.inputs])
        if named_parts
        else layer.inputs
        for layer in order
    }
    live = memory.liveness(list(reads), reads, sizes, [name for name, _ in arch.network_inputs])
    if live.peak_layer is not None:  # the largest live memory is the peak's
        peak_layer = next(layer for layer in order if layer.name == live.peak_layer)
        if live.peak.bit_length() > bits:
            raise _too_large(arch, peak_layer)
    rows = {}
    for layer in arch.layers:
        done = evaluated[layer.name]
        figures = done.figures
        receptive_field, jump = measured[layer.name]
        # The layer by position, the figures by name (`Record.new`): CPython passes a
        # call with more than 15 keyword arguments through a dict.
        rows[layer.name] = LayerResult.new(
            layer.name,
            layer.kind.type_name,
            layer.inputs,
            done.input_shapes,
            output=done.output,
            neurons=done.neurons,
            params=figures.params,
            non_trainable=figures.non_trainable,
            params_unshared=figures.params_unshared,
            params_dense=figures.params_dense,
            connections=figures.connections,
            macs=figures.macs,
            receptive_field=receptive_field,
            jump=jump,
            activation_bytes=sizes[layer.name],
            live_bytes=live.live[layer.name],
            ops=done.ops,
        )
    for tied, owner in _owners(arch, rows).items():
        rows[tied] = replace(rows[tied], shares=owner)
    results = tuple(rows.values())
    totals = total(
        results, results[-1].output, peak_activation_bytes=live.peak, value_bytes=value_bytes
    )
    if max(totals.figure(k) for k in FIGURE_KEYS).bit_length() > bits:
        raise _too_large(arch, None)
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


class _Evaluated(Record):
    """What the loop knows of a layer before the live memory of the pass: its row's
    figures but the memory and receptive field ones (those are kept by tensor)."""

    input_shapes: tuple[Shape, ...]
    output: Shape
    figures: Figures
    ops: int
    neurons: int


def _field(
    layer: Layer, window: receptive.WindowSpec, fields: dict[str, receptive.Field | None]
) -> receptive.Field | None:
    """The receptive field of a layer's output: the union of what it reads through its
    window (an input read for its shape only adds nothing)."""
    read = layer.inputs
    if layer.kind.reference_field is not None:
        read = read[: len(read) - layer.kind.references()]
    if len(read) == 1:
        return receptive.through(window, fields[read[0]])
    if window is None:  # a merge: position o of every input
        return receptive.union([fields[name] for name in read])
    return receptive.union([receptive.through(window, fields[name]) for name in read])


def _owners(arch: Architecture, rows: dict[str, LayerResult]) -> dict[str, str]:
    """Tied weights (`share:`): the owner of each tied layer's parameters."""
    if all(layer.share is None for layer in arch.layers):
        return {}
    from cnncalc.figures.ties import resolve_ties  # only files with `share:` get here

    return resolve_ties(arch, rows)


def _too_large(arch: Architecture, layer: Layer | None) -> CnncalcError:
    """A figure too long to print (Python prints integers of up to 4,300 digits): a
    layer's, or with no layer the totals'."""
    digits = limits.current().figure_digits
    what = "the totals" if layer is None else f"layer {layer.name!r}"
    return CnncalcError(
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
    params = _sum(owned, "params")
    non_trainable = _sum(owned, "non_trainable")
    return Totals(
        output=output,
        # Only rows with parameters (`LayerResult.has_parameters`, unrolled: it runs per row).
        neurons=sum([row.neurons for row in rows if row.params or row.non_trainable]),
        params=params,
        non_trainable=non_trainable,
        params_unshared=_sum(rows, "params_unshared"),
        params_dense=_sum(rows, "params_dense"),
        connections=_sum(rows, "connections"),
        macs=_sum(rows, "macs"),
        params_tied=_sum(tied, "params"),
        non_trainable_tied=_sum(tied, "non_trainable"),
        ops=_sum(rows, "ops"),
        activation_bytes=_sum(rows, "activation_bytes"),
        peak_activation_bytes=peak_activation_bytes,
        param_bytes=(params + non_trainable) * value_bytes,
    )


def _sum(rows: Iterable[LayerResult], key: str) -> int:
    """One column's sum."""
    column: int = sum(map(attrgetter(key), rows))
    return column
