"""An architecture file (text or a Python dict) in, a validated `Architecture` out.

Everything here is about the file: which keys exist, their types and their
positions. Whether the layers fit together is the analysis's business.
"""

from __future__ import annotations

import os
from collections.abc import Mapping as MappingABC
from pathlib import Path
from typing import Any, ClassVar

from cnncalc.errors import UNKNOWN_POSITION, CnncalcError, Position
from cnncalc.model.layers import KINDS, LayerKind, Shape
from cnncalc.names import BUDGET_FIGURES
from cnncalc.reading import document, fields, limits
from cnncalc.reading.document import Entry, Mapping, Node, Scalar, Sequence, describe
from cnncalc.reading.sizes import SizeError, parse_size
from cnncalc.record import Record

NETWORK_INPUT = "input"  # `input: input` names the network's input
TOP_LEVEL_KEYS = ("name", "description", "input", "inputs", "layers", "budgets", "blocks")
_LAYER_KEYS = ("name", "type", "input", "inputs", "share", "trainable")


class Layer(Record):
    # Holds a dict (the positions): compared by value, never hashed.
    __hash__: ClassVar[None] = None  # type: ignore[assignment]

    name: str
    kind: LayerKind
    inputs: tuple[str, ...]
    position: Position
    field_positions: MappingABC[str, Position]  # where each key's value is written
    # `share: NAME`: this layer reuses NAME's parameters (tied weights, counted once).
    share: str | None = None
    # `trainable: false`: frozen, its parameters count as non-trainable (as Keras and
    # torchinfo report a layer whose weights do not require gradients).
    trainable: bool = True

    @property
    def type_name(self) -> str:
        return self.kind.type_name

    def position_of(self, field_name: str | None) -> Position:
        """Where a field's value is written, else where the layer starts."""
        if field_name is not None and field_name in self.field_positions:
            return self.field_positions[field_name]
        return self.position


class Budget(Record):
    figure: str
    limit: int
    position: Position


class Architecture(Record):
    name: str
    description: str | None
    input: Shape
    layers: tuple[Layer, ...]
    budgets: tuple[Budget, ...] = ()
    source: str = "<memory>"
    input_position: Position = UNKNOWN_POSITION
    budgets_position: Position | None = None
    # `inputs: {left: [...], right: [...]}`: the network's named inputs, in file order
    # (`input` is the first one's shape); empty for a file with one `input:`.
    named_inputs: tuple[tuple[str, Shape], ...] = ()

    @property
    def network_inputs(self) -> tuple[tuple[str, Shape], ...]:
        """Every network input as (the name layers read it by, its shape)."""
        return self.named_inputs or ((NETWORK_INPUT, self.input),)


def read_text(path: str | os.PathLike[str], display: str | None = None) -> str:
    """The file's text, or an error that says why it cannot be an architecture file."""
    shown = display or str(path)
    origin = Position(1, 1)
    try:
        with open(path, "rb") as handle:
            data = limits.read_bounded(handle, limits.current().file_bytes)
    except FileNotFoundError:
        raise CnncalcError(
            shown,
            origin,
            "no such file; give a path to a YAML file or a bundled name (see `cnncalc list`)",
        ) from None
    except IsADirectoryError:
        raise CnncalcError(shown, origin, "is a directory; give a YAML file inside it") from None
    except PermissionError:
        raise CnncalcError(shown, origin, "permission denied: cannot read this file") from None
    except OSError as exc:
        raise CnncalcError(shown, origin, f"cannot read this file: {exc.strerror}") from None
    return decode(data, shown)


def decode(data: bytes, shown: str) -> str:
    bound = limits.current().file_bytes
    if len(data) > bound:
        raise CnncalcError(
            shown,
            Position(1, 1),
            f"the file is larger than {bound:,} bytes (CNNCALC_MAX_FILE_BYTES); "
            "an architecture file is a few KiB",
        )
    if _looks_utf16(data):
        raise CnncalcError(shown, Position(1, 1), "UTF-16: save the file as UTF-8")
    if b"\0" in data:
        raise CnncalcError(
            shown,
            _byte_position(data, data.index(b"\0")),
            "this is a binary file (it holds a NUL byte), not YAML text",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CnncalcError(
            shown,
            _byte_position(data, exc.start),
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8",
        ) from None


def _looks_utf16(data: bytes) -> bool:
    """A byte order mark of UTF-16, or ASCII text with a NUL beside every character."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = data[:64]
    return len(head) >= 4 and (head[1::2].count(0) == len(head) // 2 or not any(head[0::2]))


def _byte_position(data: bytes, offset: int) -> Position:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return Position(data.count(b"\n", 0, offset) + 1, offset - line_start + 1)


def load_file(path: str | os.PathLike[str], display: str | None = None) -> Architecture:
    shown = display or str(path)
    return from_text(read_text(path, shown), shown)


def from_text(text: str, source: str = "<string>") -> Architecture:
    return from_node(document.parse(text, source), source)


def from_dict(data: MappingABC[str, Any], source: str = "<dict>") -> Architecture:
    return from_node(document.from_python(dict(data)), source)


def from_node(root: Node, source: str) -> Architecture:
    where = fields.Where(source, "architecture")
    if not isinstance(root, Mapping):
        raise where.fail(
            root,
            f"the top level must be a mapping with name, input and layers, got {describe(root)}",
        )
    for entry in root:
        if entry.key not in TOP_LEVEL_KEYS:
            raise CnncalcError(
                source,
                entry.key_position,
                f"unknown top-level key {entry.key!r}{fields.nearest(entry.key, TOP_LEVEL_KEYS)}; "
                f"valid keys: {', '.join(TOP_LEVEL_KEYS)}",
            )
    if "input" in root.entries and "inputs" in root.entries:
        raise CnncalcError(
            source,
            root.entries["inputs"].key_position,
            "write either input: (one network input) or inputs: (several, by name), not both",
        )
    named = parse_named_inputs(root.get("inputs"), where)
    first = named[0][0] if named else NETWORK_INPUT
    if "blocks" in root.entries:
        from cnncalc.reading import blocks  # only files that define blocks pay for them

        root = blocks.expand(root, source, first)
    for key in ("name", "input" if not named else "inputs", "layers"):
        if key not in root.entries:
            raise where.fail(root, f"missing required key {key!r}")
    name = fields.text(_get(root, "name"), "name", where)
    description_node = root.get("description")
    description = (
        None if description_node is None else fields.text(description_node, "description", where)
    )
    input_node = _get(root, "input" if not named else "inputs")
    input_shape = named[0][1] if named else parse_shape(input_node, where)
    layers = parse_layers(_get(root, "layers"), source, first)
    if named:
        _check_input_names(layers, named, source)
    budgets_node = root.get("budgets")
    budgets = () if budgets_node is None else parse_budgets(budgets_node, source)
    return Architecture(
        name=name,
        description=description,
        input=input_shape,
        layers=layers,
        budgets=budgets,
        source=source,
        input_position=input_node.position,
        budgets_position=None if budgets_node is None else root.entries["budgets"].key_position,
        named_inputs=tuple((input_name, shape) for input_name, shape, _ in named),
    )


def parse_named_inputs(node: Node | None, where: fields.Where) -> list[tuple[str, Shape, Position]]:
    """`inputs: {NAME: shape, ...}`: (name, shape, where the name is written) in file
    order; empty when the file has no `inputs:`."""
    if node is None:
        return []
    if not isinstance(node, Mapping) or not node.entries:
        one = "; one input is written input: [...]" if isinstance(node, Sequence) else ""
        raise where.fail(
            node,
            "inputs must be a mapping of names to shapes, like "
            f"{{left: [1, 28, 28], right: [1, 28, 28]}}, got {describe(node)}{one}",
        )
    return [(entry.key, parse_shape(entry.value, where), entry.key_position) for entry in node]


def _check_input_names(
    layers: tuple[Layer, ...], named: list[tuple[str, Shape, Position]], source: str
) -> None:
    """A layer may not take a network input's name: a read would name two tensors."""
    written = {input_name: position for input_name, _, position in named}
    for layer in layers:
        if layer.name in written:
            raise CnncalcError(
                source,
                layer.position_of("name"),
                f"layer {layer.name!r}: the name is also a network input's (line "
                f"{written[layer.name].line}); rename the layer or the input",
            )


def _get(mapping: Mapping, key: str) -> Node:
    node = mapping.get(key)
    assert node is not None
    return node


def parse_shape(node: Node, where: fields.Where) -> Shape:
    """[channels, height, width] (or [channels, length], [channels, depth, height,
    width]), or [units] for a network that starts flat."""
    if not isinstance(node, Sequence) or not 1 <= len(node.items) <= 4:
        raise where.fail(
            node,
            "input must be [channels, height, width], [channels, length], "
            f"[channels, depth, height, width] or [units], got {describe(node)}",
        )
    return tuple(fields.positive(item, "input", where) for item in node.items)


def parse_layers(node: Node, source: str, first: str = NETWORK_INPUT) -> tuple[Layer, ...]:
    """The layers; ``first`` names what the first layer reads when it names nothing."""
    where = fields.Where(source, "layers")
    if not isinstance(node, Sequence) or not node.items:
        raise where.fail(node, f"layers must be a non-empty list of layers, got {describe(node)}")
    bound = limits.current().layers
    if len(node.items) > bound:
        raise where.fail(
            node.items[bound],
            f"more than {bound:,} layers (CNNCALC_MAX_LAYERS); the largest real networks "
            "have a few thousand",
        )
    layers: list[Layer] = []
    seen: dict[str, Layer] = {}
    for index, item in enumerate(node.items, start=1):
        previous = layers[-1].name if layers else first
        layer = parse_layer(item, index, previous, source)
        if layer.name in seen:
            raise CnncalcError(
                source,
                layer.position_of("name"),
                f"layer {index}: the name {layer.name!r} is already used by the layer at line "
                f"{seen[layer.name].position.line}; layer names must be unique",
            )
        seen[layer.name] = layer
        layers.append(layer)
    return tuple(layers)


def parse_layer(node: Node, index: int, previous: str, source: str) -> Layer:
    """One layer; ``previous`` names the tensor it reads when it names none."""
    if not isinstance(node, Mapping):
        raise fields.Where(source, f"layer {index}").fail(
            node, f"a layer must be a mapping with a type, got {describe(node)}"
        )
    entries = node.entries
    name_entry = entries.get("name")
    name = None if name_entry is None else _plain_text(name_entry.value)
    if name is None and name_entry is not None:  # not plain text: let fields.text say why
        name = fields.text(name_entry.value, "name", fields.Where(source, f"layer {index}"))
    if name == NETWORK_INPUT:
        raise fields.Where(source, f"layer {name!r}").fail(
            name_entry.value if name_entry else node,
            f"{NETWORK_INPUT!r} names the network input; choose another layer name",
        )
    type_entry = entries.get("type")
    type_name = None if type_entry is None else _plain_text(type_entry.value)
    kind_class = KINDS.get(type_name) if type_name is not None else None
    if kind_class is None:
        owner = fields.Where(source, f"layer {index}" if name is None else f"layer {name!r}")
        _kind_error(node, type_entry, owner)
    assert type_name is not None and kind_class is not None
    if name is None:
        name = f"{type_name}{index}"
    owner = fields.Where(source, f"layer {name!r}")
    values = fields.parse_fields(node, kind_class.fields, owner, reserved=_LAYER_KEYS)
    inputs = parse_inputs(node, kind_class, previous, owner)
    reference = kind_class.reference_field
    if reference is not None and values.get(reference) is not None:
        inputs += (values[reference],)  # read for its shape only: the last input
    share_entry = entries.get("share")
    trainable_entry = entries.get("trainable")
    return Layer(
        name,
        kind_class.from_values(values),
        inputs,
        node.position,
        {key: entry.value.position for key, entry in entries.items()},
        None if share_entry is None else fields.text(share_entry.value, "share", owner),
        trainable_entry is None or fields.boolean(trainable_entry.value, "trainable", owner),
    )


def _plain_text(node: Node) -> str | None:
    """A scalar's text when it is text (the common case, checked without a Where)."""
    if node.__class__ is Scalar:
        value = node.value
        if value.__class__ is str:
            return value
    return None


def _kind_error(node: Mapping, type_entry: Entry | None, owner: fields.Where) -> None:
    """Raise the error for a missing, non-text or unknown `type`."""
    if type_entry is None:
        raise owner.fail(node, f"missing required field 'type'; one of: {', '.join(KINDS)}")

    from cnncalc.reading.hints import type_hint

    type_name = fields.text(type_entry.value, "type", owner)
    hint = _rank_hint(type_name) or type_hint(type_name) or fields.nearest(type_name, KINDS)
    raise owner.fail(
        type_entry.value,
        f"unknown layer type {type_name!r}{hint}; valid types: {', '.join(KINDS)}",
    )


# PyTorch and Keras name a layer once per rank (Conv1d, MaxPooling3D); one cnncalc
# kind serves every rank, taken from its input.
_RANKED_TYPES = {
    "conv": "conv",
    "convolution": "conv",
    "convtranspose": "conv_transpose",
    "maxpool": "pool, mode: max",
    "maxpooling": "pool, mode: max",
    "avgpool": "pool, mode: avg",
    "averagepooling": "pool, mode: avg",
    "globalavgpool": "global_pool, mode: avg",
    "globalaveragepooling": "global_pool, mode: avg",
    "globalmaxpool": "global_pool, mode: max",
    "globalmaxpooling": "global_pool, mode: max",
    "adaptiveavgpool": "adaptive_pool, mode: avg",
    "adaptivemaxpool": "adaptive_pool, mode: max",
    "batchnorm": "batchnorm",
    "zeropad": "pad",
    "zeropadding": "pad",
    "upsampling": "upsample",
}


def _rank_hint(type_name: str) -> str:
    """' (in cnncalc: type: conv; ...)' for Conv1d, MaxPool3d, Conv2DTranspose, ..."""
    import re  # only this error message needs it

    key = type_name.lower().replace("_", "").replace("-", "")
    match = re.fullmatch(r"(.+?)[123]d(.*)", key)
    kind = _RANKED_TYPES.get("".join(match.groups())) if match else None
    if kind is None:
        return ""
    return f" (in cnncalc: type: {kind}; the input's shape gives the rank)"


def parse_inputs(
    node: Mapping, kind: type[LayerKind], previous: str, owner: fields.Where
) -> tuple[str, ...]:
    one = node.get("input")
    many = node.get("inputs")
    if kind.arity == "many":
        if one is not None:
            raise owner.fail(one, f"{kind.type_name} joins several layers: write inputs: [a, b]")
        if many is None:
            raise owner.fail(
                node, f"{kind.type_name} needs inputs: [a, b, ...] naming the layers it joins"
            )
        names = fields.name_list(many, "inputs", owner)
        if len(names) < 2:
            raise owner.fail(many, f"{kind.type_name} needs at least two inputs, got {len(names)}")
        return names
    if many is not None:
        raise owner.fail(
            many,
            f"{kind.type_name} reads one tensor: write input: NAME (inputs: is for add and concat)",
        )
    if one is None:
        return (previous,)
    return (fields.text(one, "input", owner),)


def parse_budgets(node: Node, source: str) -> tuple[Budget, ...]:
    where = fields.Where(source, "budgets")
    if not isinstance(node, Mapping):
        raise where.fail(
            node, f"budgets must be a mapping like {{params: 61k}}, got {describe(node)}"
        )
    budgets = []
    for entry in node:
        if entry.key not in BUDGET_FIGURES:
            raise CnncalcError(
                source,
                entry.key_position,
                f"budgets: unknown figure {entry.key!r}"
                f"{fields.nearest(entry.key, BUDGET_FIGURES)}; "
                f"valid figures: {', '.join(BUDGET_FIGURES)}",
            )
        budgets.append(
            Budget(entry.key, parse_budget_value(entry.value, where), entry.value.position)
        )
    return tuple(budgets)


def parse_budget_value(node: Node, where: fields.Where) -> int:
    if (
        isinstance(node, Scalar)
        and isinstance(node.value, int | float | str)
        and not isinstance(node.value, bool)
    ):
        try:
            return parse_size(node.text)
        except SizeError as exc:
            raise where.fail(node, str(exc)) from None
    raise where.fail(
        node, f"a budget must be a size like 61000, 61k, 25M or 4.1G, got {describe(node)}"
    )


def load(source: str | os.PathLike[str] | MappingABC[str, Any]) -> Architecture:
    """A file path, or a dict with the same structure as the YAML file."""
    if isinstance(source, MappingABC):
        return from_dict(source)
    return load_file(Path(source))
