"""Walking an ONNX graph into cnncalc layers: tensors, the order of nodes, each node's step.

The walk knows no operator: `cnncalc.reading.onnx.operators` maps each op type to a small
function, and `cnncalc.reading.onnx.folding` computes the constant shape arithmetic that
exporters leave in graphs. A node whose op type is in neither table, or whose function
says it cannot express this use, is recorded as unsupported, never dropped silently.
"""

from __future__ import annotations

import heapq
import math
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

from cnncalc.errors import CnncalcError
from cnncalc.model.layers import LayerError, Note, Shape
from cnncalc.reading import document
from cnncalc.reading.architecture import NETWORK_INPUT, parse_layer
from cnncalc.reading.onnx.model_file import ModelError, onnx_module
from cnncalc.record import Record

if TYPE_CHECKING:
    import numpy as np

# onnx's message classes, kept loose: onnx is an optional extra, absent when type-checking
# without it.
ModelProto: TypeAlias = Any
GraphProto: TypeAlias = Any
NodeProto: TypeAlias = Any


class Data(Record):
    """A tensor of the network: which layer computes it (or the input), its shape
    without the batch axis (channels first, as cnncalc holds it), and ``view``: how the
    graph holds it when it does not, part of a pattern under way (see `View`)."""

    layer: str
    shape: Shape
    view: str = ""
    groups: int = 0  # the groups of a grouped view
    # A step of an activation written out elementwise (GELU as x·(1 + erf(x/√2))·0.5),
    # which only the pattern's next operator reads.
    pending: str = ""


class View:
    """A tensor's views: exporters write some layers as several nodes (a permute to
    channels-last and back around a layer norm; a reshape, transpose and reshape for a
    channel shuffle), and the nodes between see the tensor so. Only the operators of the
    pattern accept a view; any other is unsupported, never reading it as channels-first."""

    PLAIN = ""
    CHANNELS_LAST = "channels-last"  # N×H×W×C: Transpose(0, 2, 3, 1)
    GROUPED = "grouped"  # N×g×C/g×H×W: a Reshape (a channel shuffle's first step)
    SHUFFLED = "shuffled"  # N×C/g×g×H×W: a Transpose of the grouped view
    GROUPS_FLAT = "grouped-flat"  # N×g×(C/g·H·W): a Reshape (a group norm's first step)
    GROUP_NORMED = "group-normed"  # the flat groups, normalised per group
    SCALED = "scaled"  # a norm's per-channel scale applied, its shift to come
    ALL = (PLAIN, CHANNELS_LAST, GROUPED, SHUFFLED, GROUPS_FLAT, GROUP_NORMED, SCALED)


class Const(Record):
    """A constant: an initializer (a weight's ``value`` is None: only its shape is read),
    the result of shape arithmetic, or (``origin``: which node) one cnncalc does not
    compute, an error only if something it counts needs it."""

    dims: tuple[int, ...]
    value: np.ndarray[Any, Any] | None
    origin: str = ""
    # Holds an array: compared and hashed by no one.
    __hash__: ClassVar[None] = None  # type: ignore[assignment]


Tensor = Data | Const


class Unsupported(Exception):
    """This node cannot be expressed in cnncalc today; ``reason`` says what is missing."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason)
        self.reason = reason


class ImportedLayer(Record):
    name: str
    type_name: str
    settings: dict[str, Any]
    reads: tuple[str, ...]
    comment: str | None = None
    __hash__: ClassVar[None] = None  # type: ignore[assignment]


class Skipped(Record):
    """An unsupported node left out: where it sat among the layers, and why."""

    op_type: str
    node: str
    reason: str
    after: int  # how many layers came before it


class Imported(Record):
    name: str
    input: Shape
    layers: tuple[ImportedLayer, ...]
    skipped: tuple[Skipped, ...]
    source: str
    producer: str
    __hash__: ClassVar[None] = None  # type: ignore[assignment]


# What reading a node of a hostile file can raise, besides our own errors.
MALFORMED = (
    TypeError,
    ValueError,
    IndexError,
    KeyError,
    AttributeError,
    OverflowError,
    ZeroDivisionError,
)

# A folded constant larger than this is not shape arithmetic; refusing it bounds memory.
MAX_FOLDED_ELEMENTS = 1_000_000


class Step:
    """One node being imported: its inputs and attributes, and what it may produce."""

    def __init__(self, walk: Walk, node: NodeProto) -> None:
        self.walk = walk
        self.node = node
        self.op_type = text(node.op_type)
        self.name = text(node.name)
        self.inputs = [text(n) for n in node.input]
        self.outputs = [text(n) for n in node.output]
        self.attributes: dict[str, Any] = {
            a.name: walk.attribute_value(a, node) for a in node.attribute
        }

    @property
    def label(self) -> str:
        return f"node {self.name or self.outputs[0]!r} ({self.op_type})"

    def fail(self, message: str) -> ModelError:
        return ModelError(self.walk.source, None, f"{self.label}: {message}")

    def has(self, index: int) -> bool:
        return index < len(self.inputs) and self.inputs[index] != ""

    def tensor(self, index: int) -> Tensor:
        return self.walk.tensors[self.inputs[index]]

    def data(
        self, index: int = 0, views: tuple[str, ...] = (View.PLAIN,), steps: tuple[str, ...] = ("",)
    ) -> Data:
        """Input ``index``, a tensor of the network held in one of ``views``, at one of
        the ``steps`` of an activation written out ("": a layer's output)."""
        found = self.tensor(index)
        if not isinstance(found, Data):
            raise Unsupported("it computes on constants that are not shape arithmetic")
        if found.view not in views:
            raise Unsupported(f"it reads a {found.view} view of a tensor, not a layer's input")
        if found.pending not in steps:
            raise Unsupported(
                f"it reads {found.pending} of a GELU written out, not a layer's output"
            )
        return found

    def const(self, index: int) -> Const:
        found = self.tensor(index)
        if not isinstance(found, Const):
            raise Unsupported(f"input {index + 1} is computed by the network, not a constant")
        if found.origin:
            raise Unsupported(f"input {index + 1} comes from {found.origin}, not computed")
        return found

    def value(self, index: int) -> np.ndarray[Any, Any]:
        found = self.const(index)
        if found.value is None:
            raise Unsupported(f"input {index + 1} is a large constant, not shape arithmetic")
        return found.value

    def ints(self, index: int) -> list[int]:
        return [int(v) for v in self.value(index).reshape(-1).tolist()]

    def attribute(self, name: str, default: Any) -> Any:
        return self.attributes.get(name, default)

    def emit(
        self, type_name: str, settings: dict[str, Any], reads: Sequence[Data], comment: str = ""
    ) -> Data:
        """Add a layer reading ``reads``; its output becomes the node's first output."""
        output = self.walk.add_layer(self, type_name, settings, reads, comment or None)
        self.set(0, output)
        return output

    def set(self, index: int, tensor: Tensor) -> None:
        if index < len(self.outputs) and self.outputs[index]:
            self.walk.tensors[self.outputs[index]] = tensor


Operator = Callable[[Step], None]
Fold = Callable[[Step, list["np.ndarray[Any, Any] | None"]], list["np.ndarray[Any, Any]"]]


class Walk:
    def __init__(
        self,
        source: str,
        operators: Mapping[str, Operator],
        folds: Mapping[str, Fold],
        skipping: bool,
    ) -> None:
        self.source = source
        self.skipping = skipping
        self.operators = operators
        self.folds = folds
        self.onnx = onnx_module()
        self.tensors: dict[str, Tensor] = {}
        self.layers: list[ImportedLayer] = []
        self.shapes: dict[str, Shape] = {}
        self.skipped: list[Skipped] = []
        self.batch = 1
        # How many nodes (or graph outputs) read each tensor.
        self.readers: dict[str, int] = {}
        # The initializers' names: the model's stored weights, as against computed constants.
        self.weights: set[str] = set()
        # Pad layers that add zeros: input, and (top, left), (bottom, right).
        self.zero_pads: dict[str, tuple[Data, tuple[list[int], list[int]]]] = {}
        # Channels sliced from a tensor: the split layer made for it and its bounds.
        self.channel_splits: dict[str, tuple[str, list[int]]] = {}
        # Norms whose per-channel scale was applied after them: was it learned?
        self.norm_scales: dict[str, bool] = {}

    # --- reading the model ---------------------------------------------------------

    def attribute_value(self, attribute: Any, node: NodeProto) -> Any:
        try:
            value = self.onnx.helper.get_attribute_value(attribute)
        except Exception as exc:
            raise ModelError(
                self.source, None, f"node {node.name!r}: attribute {attribute.name!r}: {exc}"
            ) from None
        if isinstance(value, self.onnx.TensorProto):
            return self.array(value, f"node {node.name!r}")
        return value

    def array(self, tensor: Any, owner: str) -> np.ndarray[Any, Any]:
        try:
            return self.onnx.numpy_helper.to_array(tensor)  # type: ignore[no-any-return]
        except Exception as exc:
            raise ModelError(
                self.source, None, f"{owner}: constant {tensor.name!r} is malformed ({exc})"
            ) from None

    def initializer(self, tensor: Any) -> Const:
        dims = tuple(int(d) for d in tensor.dims)
        if any(d < 0 for d in dims):
            raise ModelError(self.source, None, f"initializer {tensor.name!r} has dims {dims}")
        has_values = tensor.HasField("raw_data") or any(
            len(getattr(tensor, field))
            for field in ("float_data", "int32_data", "int64_data", "double_data", "uint64_data")
        )
        external = tensor.data_location == self.onnx.TensorProto.EXTERNAL
        if has_values and not external and math.prod(dims) <= MAX_FOLDED_ELEMENTS:
            return Const(dims, self.array(tensor, "initializer"))
        return Const(dims, None)

    def network_input(self, graph: GraphProto, given: Shape | None) -> Data:
        constants = {t.name for t in graph.initializer}
        inputs = [i for i in graph.input if i.name not in constants]
        if len(inputs) != 1:
            names = ", ".join(repr(i.name) for i in inputs) or "none"
            raise ModelError(
                self.source,
                None,
                f"the model has {len(inputs)} data inputs ({names}); a cnncalc network has one",
            )
        entry = inputs[0]
        dims = [
            d.dim_value if d.HasField("dim_value") and d.dim_value > 0 else None
            for d in entry.type.tensor_type.shape.dim
        ]
        if dims and dims[0] is not None:
            self.batch = dims[0]
        shape: Shape
        if given is not None:
            shape = tuple(given)
        elif 2 <= len(dims) <= 5 and all(d is not None for d in dims[1:]):
            shape = tuple(int(d) for d in dims[1:] if d is not None)
        else:
            shown = "×".join("?" if d is None else str(d) for d in dims) or "unknown"
            raise ModelError(
                self.source,
                None,
                f"input {entry.name!r} has shape {shown}: give its size with --input C,H,W"
                if len(dims) in (0, 2, 3, 4, 5)
                else f"input {entry.name!r} has {len(dims)} axes ({shown}); "
                "cnncalc reads N×units, N×C×L, N×C×H×W or N×C×D×H×W",
            )
        data = Data(NETWORK_INPUT, shape)
        self.tensors[entry.name] = data
        return data

    # --- the walk --------------------------------------------------------------------

    def run(self, model: ModelProto, given: Shape | None) -> Imported:
        graph = model.graph
        for tensor in graph.initializer:
            self.tensors[tensor.name] = self.initializer(tensor)
            self.weights.add(tensor.name)
        data = self.network_input(graph, given)
        for name in [n for node in graph.node for n in node.input] + [o.name for o in graph.output]:
            self.readers[text(name)] = self.readers.get(text(name), 0) + 1
        for node in ordered(graph, set(self.tensors), self.source):
            self.visit(node)
        self.raise_unsupported()
        # The file's name: exporters name graphs generically (PyTorch: "main_graph").
        name = os.path.splitext(os.path.basename(self.source))[0] or graph.name
        producer = " ".join(text(p) for p in (model.producer_name, model.producer_version) if p)
        return Imported(
            name, data.shape, tuple(self.layers), tuple(self.skipped), self.source, producer
        )

    def visit(self, node: NodeProto) -> None:
        step = Step(self, node)
        for name in step.inputs:
            if name and name not in self.tensors:
                self.unsupported(step, f"it reads {name!r}, which cnncalc does not follow")
                return
        copied = self.tensors.get(step.inputs[0]) if step.inputs else None
        if step.op_type == "Identity" and isinstance(copied, Const):
            # PyTorch stores equal initializers once and names the copies with Identity
            # nodes: a copy of a weight is a weight, whatever its size.
            step.set(0, copied)
            if step.inputs[0] in self.weights:
                self.weights.add(step.outputs[0])
            return
        operator = self.operators.get(step.op_type)
        fold = self.folds.get(step.op_type)
        foldable = fold is not None and self.foldable(step)
        if not foldable and not any(isinstance(self.tensors[n], Data) for n in step.inputs if n):
            # Arithmetic on constants that cnncalc does not compute: counted nothing, so
            # dropped nothing; whatever needs its result says so.
            for index in range(len(step.outputs)):
                step.set(index, Const((), None, step.label))
            return
        try:
            if fold is not None and foldable:
                self.fold(step, fold)
            elif operator is not None:
                operator(step)
            else:
                raise Unsupported()
        except Unsupported as missing:
            self.unsupported(step, missing.reason)
        except ModelError:
            # An error after an unsupported node may be its consequence: name those first.
            self.raise_unsupported()
            raise
        except MALFORMED as exc:  # an attribute of the wrong type, a list too short, ...
            self.raise_unsupported()
            raise step.fail(f"malformed node ({type(exc).__name__}: {exc})") from None

    def foldable(self, step: Step) -> bool:
        present = [self.tensors[n] for n in step.inputs if n]
        return all(isinstance(t, Const) and t.value is not None for t in present)

    def fold(self, step: Step, fold: Fold) -> None:
        values = [self.tensors[n].value if n else None for n in step.inputs]  # type: ignore[union-attr]
        try:
            results = fold(step, values)
        except (Unsupported, ModelError):
            raise
        except Exception as exc:  # numpy's errors on malformed constants
            raise step.fail(f"cannot compute this constant ({exc})") from None
        for index, result in enumerate(results):
            if result.size > MAX_FOLDED_ELEMENTS:
                raise step.fail(
                    f"computes a constant of {result.size:,} values; shape arithmetic "
                    f"stays under {MAX_FOLDED_ELEMENTS:,}"
                )
            step.set(index, Const(tuple(result.shape), result))

    def unsupported(self, step: Step, reason: str) -> None:
        self.skipped.append(Skipped(step.op_type, step.name, reason, len(self.layers)))
        # The rest of the graph is still read (to name every unsupported operator): an
        # output stands for the node's first data input, unchanged.
        data = next((t for n in step.inputs if n for t in [self.tensors.get(n)] if t), None)
        if isinstance(data, Data):
            for index in range(len(step.outputs)):
                step.set(index, data)

    def raise_unsupported(self) -> None:
        if self.skipped and not self.skipping:
            raise ModelError(self.source, None, unsupported_summary(self.skipped))

    # --- layers ----------------------------------------------------------------------

    def add_layer(
        self,
        step: Step,
        type_name: str,
        settings: dict[str, Any],
        reads: Sequence[Data],
        comment: str | None,
    ) -> Data:
        name = self.unique(layer_name(step.name, step.op_type, len(self.layers) + 1))
        layer = ImportedLayer(name, type_name, settings, tuple(d.layer for d in reads), comment)
        spec: dict[str, Any] = {"name": name, "type": type_name, **settings}
        if len(reads) > 1:
            spec["inputs"] = list(layer.reads)
        try:
            kind = parse_layer(document.from_python(spec), 1, NETWORK_INPUT, self.source).kind
            notes: list[Note] = []
            shape = kind.output_shape([d.shape for d in reads], notes)
        except (CnncalcError, LayerError) as exc:
            raise step.fail(f"as a {type_name} layer: {exc.message}") from None
        self.layers.append(layer)
        self.shapes[name] = shape
        return Data(name, shape)

    def drop_last_layer(self) -> None:
        """Take back the last layer added (a zero Pad that its conv absorbs)."""
        layer = self.layers.pop()
        del self.shapes[layer.name]

    def unique(self, name: str) -> str:
        if name == NETWORK_INPUT:
            name += "_"
        candidate, number = name, 1
        while candidate in self.shapes:
            number += 1
            candidate = f"{name}_{number}"
        return candidate


def text(value: str | bytes) -> str:
    """A string field of the model: protobuf hands over invalid UTF-8 as bytes."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def layer_name(node_name: str, op_type: str, index: int) -> str:
    """A readable layer name from an exporter's node name: PyTorch's scope path
    `/layer1/layer1.0/conv1/Conv` becomes `layer1.0.conv1`."""
    parts = [p for p in node_name.split("/") if p]
    if len(parts) > 1 and (parts[-1] == op_type or parts[-1].startswith(op_type + "_")):
        parts = parts[:-1]
    name = ""
    for part in parts:
        name = part if not name or part.startswith(name + ".") else f"{name}.{part}"
    return name or f"{op_type.lower()}{index}"


def ordered(graph: GraphProto, available: set[str], source: str) -> list[NodeProto]:
    """The nodes with each after the nodes it reads (file order where it allows), or an
    error naming a missing tensor or a cycle."""
    producers: dict[str, int] = {}
    for index, node in enumerate(graph.node):
        for name in node.output:
            if name:
                producers[name] = index
    for node in graph.node:
        for name in node.input:
            if name and name not in available and name not in producers:
                raise ModelError(
                    source,
                    None,
                    f"node {node.name!r} ({node.op_type}) reads {name!r}, which no node, "
                    "input or initializer of the graph provides",
                )
    waiting = [
        {producers[n] for n in node.input if n and n not in available and n in producers}
        for node in graph.node
    ]
    readers: dict[int, list[int]] = {}
    for index, needs in enumerate(waiting):
        for needed in needs:
            readers.setdefault(needed, []).append(index)
    ready = sorted(i for i, needs in enumerate(waiting) if not needs)
    done: list[NodeProto] = []
    heapq.heapify(ready)
    while ready:
        index = heapq.heappop(ready)
        done.append(graph.node[index])
        for reader in readers.get(index, ()):
            waiting[reader].discard(index)
            if not waiting[reader]:
                heapq.heappush(ready, reader)
    if len(done) < len(graph.node):
        stuck = next(n for i, n in enumerate(graph.node) if waiting[i])
        raise ModelError(
            source, None, f"the graph has a cycle through node {stuck.name!r} ({stuck.op_type})"
        )
    return done


def unsupported_summary(skipped: Sequence[Skipped]) -> str:
    by_op: dict[str, list[Skipped]] = {}
    for entry in skipped:
        by_op.setdefault(entry.op_type, []).append(entry)
    parts = []
    for op_type, entries in by_op.items():
        first = entries[0]
        reason = f": {first.reason}" if first.reason else ""
        parts.append(f"{op_type} ×{len(entries)} (first: node {first.node!r}{reason})")
    return (
        f"cnncalc cannot express {len(skipped)} node{'s' if len(skipped) > 1 else ''}: "
        + "; ".join(parts)
        + " — `cnncalc import --skip-unsupported` leaves them out, marked in the file"
    )
