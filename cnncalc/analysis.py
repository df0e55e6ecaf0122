"""Propagate shapes through the graph and compute every figure, exactly."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from cnncalc import limits, memory, receptive
from cnncalc.architecture import NETWORK_INPUT, Architecture, Layer
from cnncalc.conventions import DEFAULT_COUNT, Convention, convention
from cnncalc.errors import CnncalcError, Diagnostic, Position
from cnncalc.layers import Figures, LayerError, Note, Shape
from cnncalc.layers.base import units
from cnncalc.names import FIGURE_KEYS
from cnncalc.record import Record, replaced


class LayerResult(Record):
    """One row: a layer's output shape and its figures (docs/figures.md)."""

    __slots__ = (  # noqa: RUF023 - in field order, for repr
        "name",
        "type",
        "inputs",
        "input_shapes",
        "output",
        "neurons",
        "params",
        "non_trainable",
        "params_unshared",
        "params_dense",
        "connections",
        "macs",
        "receptive_field",
        "jump",
        "activation_bytes",
        "live_bytes",
        "ops",
        "shares",
    )

    def __init__(
        self,
        name: str,
        type: str,
        inputs: tuple[str, ...],
        input_shapes: tuple[Shape, ...],
        output: Shape,
        neurons: int,
        params: int,
        non_trainable: int,
        params_unshared: int,
        params_dense: int,
        connections: int,
        macs: int,
        # Figures added beside the first ones; defaults keep other constructors working.
        receptive_field: tuple[int, int] | None = None,  # [h, w] on the network input
        jump: tuple[int, int] | None = None,  # effective stride [h, w]; None for vectors
        activation_bytes: int = 0,  # the output tensor at the analysis's dtype
        live_bytes: int = 0,  # every tensor held while this layer runs (see cnncalc.memory)
        ops: int = 0,  # operations under the analysis's counting convention
        shares: str | None = None,  # tied weights: the layer that owns these parameters
    ) -> None:
        self.name = name
        self.type = type
        self.inputs = inputs
        self.input_shapes = input_shapes
        self.output = output
        self.neurons = neurons
        self.params = params
        self.non_trainable = non_trainable
        self.params_unshared = params_unshared
        self.params_dense = params_dense
        self.connections = connections
        self.macs = macs
        self.receptive_field = receptive_field
        self.jump = jump
        self.activation_bytes = activation_bytes
        self.live_bytes = live_bytes
        self.ops = ops
        self.shares = shares

    @property
    def has_parameters(self) -> bool:
        """Trainable or fixed: the layers whose units the AlexNet paper counts as neurons."""
        return self.params > 0 or self.non_trainable > 0

    def figure(self, key: str) -> int:
        value: int = getattr(self, key)
        return value


class Totals(Record):
    """Sums over all layers, except neurons: only layers with parameters count."""

    __slots__ = (  # noqa: RUF023 - in field order, for repr
        "output",
        "neurons",
        "params",
        "non_trainable",
        "params_unshared",
        "params_dense",
        "connections",
        "macs",
        "params_tied",
        "non_trainable_tied",
        "ops",
        "activation_bytes",
        "peak_activation_bytes",
        "param_bytes",
    )

    def __init__(
        self,
        output: Shape,
        neurons: int,
        params: int,
        non_trainable: int,
        params_unshared: int,
        params_dense: int,
        connections: int,
        macs: int,
        # Tied weights (`share:`) count once: params and non_trainable above leave out the
        # rows that reuse another layer's parameters; these say how much was left out.
        params_tied: int = 0,
        non_trainable_tied: int = 0,
        ops: int = 0,
        activation_bytes: int = 0,  # sum of every layer's output
        peak_activation_bytes: int = 0,  # the largest live memory of a forward pass
        param_bytes: int = 0,  # (params + non_trainable) × bytes per value
    ) -> None:
        self.output = output
        self.neurons = neurons
        self.params = params
        self.non_trainable = non_trainable
        self.params_unshared = params_unshared
        self.params_dense = params_dense
        self.connections = connections
        self.macs = macs
        self.params_tied = params_tied
        self.non_trainable_tied = non_trainable_tied
        self.ops = ops
        self.activation_bytes = activation_bytes
        self.peak_activation_bytes = peak_activation_bytes
        self.param_bytes = param_bytes

    @property
    def total_params(self) -> int:
        """Keras' "Total params": trainable plus non-trainable."""
        return self.params + self.non_trainable

    def figure(self, key: str) -> int:
        value: int = getattr(self, key)
        return value


class Analysis(Record):
    __slots__ = (  # noqa: RUF023 - in field order, for repr
        "name",
        "description",
        "source",
        "input",
        "layers",
        "totals",
        "warnings",
        "count",
        "dtype",
        "peak_layer",
    )

    def __init__(
        self,
        name: str,
        description: str | None,
        source: str,
        input: Shape,
        layers: tuple[LayerResult, ...],
        totals: Totals,
        warnings: tuple[Diagnostic, ...],
        count: str = DEFAULT_COUNT,  # the counting convention of `ops`
        dtype: str = memory.DEFAULT_DTYPE,  # the number format of the byte figures
        peak_layer: str | None = None,  # the layer running when activation memory peaks
    ) -> None:
        self.name = name
        self.description = description
        self.source = source
        self.input = input
        self.layers = layers
        self.totals = totals
        self.warnings = warnings
        self.count = count
        self.dtype = dtype
        self.peak_layer = peak_layer

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
    if not isinstance(arch, Architecture):
        raise TypeError(
            "analyse() needs an Architecture (cnncalc.load, cnncalc.bundled), "
            f"got {type(arch).__name__}"
        )
    if input_shape is not None and (
        len(input_shape) not in (1, 3)
        or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in input_shape)
    ):
        raise CnncalcError(
            arch.source,
            arch.input_position,
            f"input must be C,H,W (or units) as positive integers, like (3, 224, 224); "
            f"got {tuple(input_shape)!r}",
        )
    with limits.paused_gc():
        return _analyse(arch, input_shape, strict, dtype, count)


def _analyse(
    arch: Architecture, input_shape: Shape | None, strict: bool, dtype: str, count: str
) -> Analysis:
    if input_shape is not None:
        arch = replaced(arch, input=tuple(input_shape))
    # Files list a layer after the layers it reads, so file order is tried first without
    # a pass to check it (over 100,000 layers a pass is cache misses): reading a tensor
    # not computed yet raises KeyError. Then, or when an error comes first, the check
    # decides: file order after all, or the order of the graph (which names a missing
    # reference or a cycle before any layer is computed).
    try:
        return _analyse_in_order(arch, range(len(arch.layers)), strict, dtype, count)
    except (KeyError, CnncalcError):
        from cnncalc.graph import evaluation_order, in_file_order  # rarely needed

        if in_file_order(arch):
            raise
    return _analyse_in_order(arch, evaluation_order(arch), strict, dtype, count)


def _analyse_in_order(
    arch: Architecture, order: Sequence[int], strict: bool, dtype: str, count: str
) -> Analysis:
    value_bytes = memory.bytes_per_value(dtype)
    bits = limits.current().figure_bits
    counting = convention(count)
    shapes: dict[str, Shape] = {NETWORK_INPUT: arch.input}
    fields_of = {NETWORK_INPUT: receptive.input_field(arch.input)}
    layers = arch.layers
    live_bytes = memory.LiveBytes(
        [layers[index].inputs for index in order], NETWORK_INPUT, units(arch.input) * value_bytes
    )
    # One pass: each row is built while its layer's data is at hand (a second pass
    # over 100,000 layers costs as much again in cache misses). Rows go in file order.
    rows: list[LayerResult | None] = [None] * len(layers)
    warnings: list[Diagnostic] = []
    # Layers of one kind and settings on the same input shapes compute the same figures
    # (kinds are pure, frozen and hashable): a long chain or a repeated block pays once.
    # `computed` gives the slot of each computation in `computations`; `uses` counts the
    # rows of each, so the totals are sums over computations, not another pass over rows.
    computed: dict[tuple[Any, ...], int] = {}
    computations: list[_Computed] = []
    uses: list[int] = []
    tied = False  # some layer shares another's parameters
    through, union, measures = receptive.through, receptive.union, receptive.measures
    for index in order:
        layer = layers[index]
        inputs = layer.inputs
        if len(inputs) == 1:
            input_shapes: tuple[Shape, ...] = (shapes[inputs[0]],)
        else:
            input_shapes = tuple([shapes[name] for name in inputs])
        kind = layer.kind
        # The kind's class and field values, made and hashed in C (hashing the kind
        # itself calls Python twice per layer).
        key = (kind.__class__, kind.field_values(kind), input_shapes)
        slot = computed.get(key)
        if slot is None:
            slot = computed[key] = len(computations)
            done = _compute(arch, layer, input_shapes, counting, value_bytes)
            computations.append(done)
            uses.append(1)
        else:
            done = computations[slot]
            uses[slot] += 1
            input_shapes = done[5]  # the equal tuple of the first such layer: rows share it
        output, window, ops, notes, (neurons, activation_bytes, bound), _, numbers = done
        for note in notes:
            diagnostic = Diagnostic(
                arch.source, layer.position_of(note.field), f"layer {layer.name!r}: {note.message}"
            )
            if strict:
                raise diagnostic.as_error()
            warnings.append(diagnostic)
        name = layer.name
        shapes[name] = output
        if layer.share is not None:
            tied = True
        if len(inputs) == 1:
            field = through(window, fields_of[inputs[0]])
        else:
            field = union([through(window, fields_of[n]) for n in inputs])
        fields_of[name] = field
        rf, jump = measures(field, output)
        live = live_bytes.run(name, activation_bytes)
        for tensor in live_bytes.last_freed:  # read for the last time: done with it
            del fields_of[tensor], shapes[tensor]
        # Every number of the row is at most this sum (all are non-negative).
        magnitude = bound + live
        if rf is not None:
            magnitude += rf[0] + rf[1]
        if jump is not None:
            magnitude += jump[0] + jump[1]
        if magnitude.bit_length() > bits:
            checked = [neurons, *numbers, *output, activation_bytes, live, ops]
            checked += (*(rf or ()), *(jump or ()))
            _check_magnitude(arch, layer.position, f"layer {layer.name!r}", checked, bits)
        rows[index] = LayerResult(
            name,
            kind.type_name,
            inputs,
            input_shapes,
            output,
            neurons,
            *numbers,  # params … macs, in LayerResult's order (_figure_numbers)
            rf,
            jump,
            activation_bytes,
            live,
            ops,
            None,
        )
    # Every index of `order` was filled: no None is left.
    result_rows = tuple(cast("list[LayerResult]", rows))
    output = result_rows[-1].output
    if tied:  # tied weights (rare): those rows name the layer that owns them
        owners = _owners(arch, result_rows)
        result_rows = tuple(
            row if row.name not in owners else replaced(row, shares=owners[row.name])
            for row in result_rows
        )
        totals = total(
            result_rows, output, peak_activation_bytes=live_bytes.peak, value_bytes=value_bytes
        )
    else:
        totals = _total_of_computations(computations, uses, output, live_bytes.peak, value_bytes)
    _check_magnitude(
        arch, arch.input_position, "the totals", [totals.figure(k) for k in FIGURE_KEYS], bits
    )
    return Analysis(
        name=arch.name,
        description=arch.description,
        source=arch.source,
        input=arch.input,
        layers=result_rows,
        totals=totals,
        warnings=tuple(warnings),
        count=counting.name,
        dtype=dtype.lower(),
        peak_layer=live_bytes.peak_layer,
    )


# What one kind computes for one tuple of input shapes: (output, receptive window, ops
# under the convention, notes, (neurons, activation bytes, sum of every number here),
# the input shapes, the figures as numbers in LayerResult's order).
_Computed = tuple[
    Shape,
    receptive.WindowSpec,
    int,
    tuple[Note, ...],
    tuple[int, int, int],
    tuple[Shape, ...],
    "Numbers",
]


def _compute(
    arch: Architecture,
    layer: Layer,
    input_shapes: tuple[Shape, ...],
    counting: Convention,
    value_bytes: int,
) -> _Computed:
    notes: list[Note] = []
    kind = layer.kind
    try:
        output = kind.output_shape(input_shapes, notes)
        figures = kind.figures(input_shapes, output)
        window = kind.window(input_shapes)
        operations = kind.operations(input_shapes, output, figures)
    except LayerError as exc:
        raise CnncalcError(
            arch.source, layer.position_of(exc.field), f"layer {layer.name!r}: {exc.message}"
        ) from None
    ops = counting.count(figures.macs, operations)
    neurons = units(output)
    numbers = _figure_numbers(figures)
    activation_bytes = neurons * value_bytes
    bound = neurons + sum(numbers) + ops + sum(output) + activation_bytes
    return (
        output,
        window,
        ops,
        tuple(notes),
        (neurons, activation_bytes, bound),
        input_shapes,
        numbers,
    )


def _total_of_computations(
    computations: list[_Computed],
    uses: list[int],
    output: Shape,
    peak_activation_bytes: int,
    value_bytes: int,
) -> Totals:
    """What `total` gives over the rows, from each computation times its rows (no ties)."""
    return _summed(
        (
            (count, False, neurons, *numbers, ops, activation_bytes)
            for (_, _, ops, _, (neurons, activation_bytes, _), _, numbers), count in zip(
                computations, uses, strict=True
            )
        ),
        output,
        peak_activation_bytes,
        value_bytes,
    )


def _owners(arch: Architecture, rows: tuple[LayerResult, ...]) -> dict[str, str]:
    """Tied weights (`share:`): the owner of each tied layer's parameters."""
    involved: set[str] = set()
    for layer in arch.layers:
        if layer.share is not None:
            involved.update((layer.name, layer.share))
    if not involved:
        return {}
    from cnncalc.ties import resolve_ties  # only files with `share:` get here

    # resolve_ties checks ties against rows; only the layers in a tie need one.
    return resolve_ties(arch, {row.name: row for row in rows if row.name in involved})


Numbers = tuple[int, int, int, int, int, int]


def _figure_numbers(figures: Figures) -> Numbers:
    return (
        figures.params,
        figures.non_trainable,
        figures.params_unshared,
        figures.params_dense,
        figures.connections,
        figures.macs,
    )


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


def total(
    rows: tuple[LayerResult, ...],
    output: Shape,
    *,
    peak_activation_bytes: int = 0,
    value_bytes: int = 0,
) -> Totals:
    """Column sums; a row that shares another layer's parameters adds none of them.

    ``value_bytes`` (bytes per value) gives `param_bytes`; 0 leaves it 0.
    """
    return _summed(
        (
            (
                1,
                row.shares is not None,
                row.neurons,
                row.params,
                row.non_trainable,
                row.params_unshared,
                row.params_dense,
                row.connections,
                row.macs,
                row.ops,
                row.activation_bytes,
            )
            for row in rows
        ),
        output,
        peak_activation_bytes,
        value_bytes,
    )


# (rows alike, tied, neurons, params, non_trainable, params_unshared, params_dense,
# connections, macs, ops, activation_bytes): what `_summed` adds, times the first.
_Summand = tuple[int, bool, int, int, int, int, int, int, int, int, int]


def _summed(
    summands: Iterable[_Summand], output: Shape, peak_activation_bytes: int, value_bytes: int
) -> Totals:
    # Local sums: over the rows of a network with tied weights, this runs per row.
    neurons = params = non_trainable = unshared = dense = connections = macs = 0
    params_tied = non_trainable_tied = ops = activation_bytes = 0
    for (
        count,
        tied,
        row_neurons,
        row_params,
        row_fixed,
        row_unshared,
        row_dense,
        row_connections,
        row_macs,
        row_ops,
        row_bytes,
    ) in summands:
        if tied:
            params_tied += count * row_params
            non_trainable_tied += count * row_fixed
        else:
            params += count * row_params
            non_trainable += count * row_fixed
        if row_params > 0 or row_fixed > 0:  # LayerResult.has_parameters
            neurons += count * row_neurons
        unshared += count * row_unshared
        dense += count * row_dense
        connections += count * row_connections
        macs += count * row_macs
        ops += count * row_ops
        activation_bytes += count * row_bytes
    return Totals(
        output=output,
        neurons=neurons,
        params=params,
        non_trainable=non_trainable,
        params_unshared=unshared,
        params_dense=dense,
        connections=connections,
        macs=macs,
        params_tied=params_tied,
        non_trainable_tied=non_trainable_tied,
        ops=ops,
        activation_bytes=activation_bytes,
        peak_activation_bytes=peak_activation_bytes,
        param_bytes=(params + non_trainable) * value_bytes,
    )
