"""Reusable blocks: defined once under `blocks:`, instantiated in `layers` with `block:`.

Expansion is a pure rewrite of the located node tree, done before the layers are
read: each instance becomes plain layer mappings whose names are qualified
(`layer2.0.conv1`) and whose values keep their positions, so an error inside an
instance points at the line in the block's definition, or at the argument that was
substituted into it. A file without blocks never reaches this module.

    blocks:
      basic:                              # a block: parameters (null = required)
        params: {planes: null, stride: 1}
        layers:                           # the first reads the instance's input
          - {name: conv1, type: conv, filters: $planes, kernel: 3, stride: $stride}
          - {name: conv2, type: conv, filters: $planes, kernel: 3, padding: 1}
          - {name: add, type: add, inputs: [conv2, $input]}
    layers:
      - {name: layer1, block: basic, repeat: 2, planes: 64}   # layer1.0.conv1, ...

The block's output is its last layer; other layers may read an instance by its name.
"""

from __future__ import annotations

import re

from cnncalc.errors import CnncalcError, Position
from cnncalc.model.layers import KINDS
from cnncalc.reading import fields, limits
from cnncalc.reading.document import Entry, Mapping, Node, Scalar, Sequence, describe
from cnncalc.record import Record

NETWORK_INPUT = "input"  # as in architecture.py: `input` names the network input
BLOCK_KEYS = ("params", "layers", "description")
INSTANCE_KEYS = ("name", "block", "input", "repeat", "first", "trainable")
# Keys whose value names one layer: `input`, and a kind's own reference (crop's `like`).
REFERENCE_KEYS = frozenset(
    {"input"} | {kind.reference_field for kind in KINDS.values() if kind.reference_field}
)
# Blocks inside blocks: real networks nest two or three deep. Expansion recurses once
# per level, so the bound also keeps it far from Python's recursion limit.
MAX_NESTING = 100

_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)\Z")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class Block(Record):
    name: str
    params: dict[str, Node]  # parameter → default (a null scalar: no default)
    layers: tuple[Node, ...]
    position: Position


class Scope(Record):
    """Where layers are being expanded: the top level, or inside one instance."""

    prefix: str  # "" at the top level, else "layer2.0."
    block: Block | None
    args: dict[str, Node]
    input: str  # the layer the instance reads
    local: frozenset[str]  # names of the block's own layers and nested instances
    chain: tuple[str, ...] = ()  # blocks being expanded, outermost first


class _Expander:
    def __init__(self, source: str, blocks: dict[str, Block]) -> None:
        self.source = source
        self.blocks = blocks
        self.out: list[Mapping] = []
        self.aliases: dict[str, str] = {}  # instance → its output layer
        self.alias_positions: dict[str, Position] = {}
        self.locals: dict[str, frozenset[str]] = {}  # block → its layers' own names
        # Bounds an expansion (repeat inside repeat) so a small file cannot ask for
        # billions of layers; repetitions are counted before they are expanded.
        self.max_layers = limits.current().layers

    def fail(self, node: Node | Position, message: str) -> CnncalcError:
        position = node if isinstance(node, Position) else node.position
        return CnncalcError(self.source, position, message)

    # -- sequences of layers ---------------------------------------------------------

    def items(self, items: tuple[Node, ...], scope: Scope, previous: str) -> str:
        """Expand layers in order; returns the name of the last one (the output)."""
        for index, item in enumerate(items, start=1):
            if not isinstance(item, Mapping):
                raise self.fail(
                    item,
                    f"{_owner(scope)}: a layer must be a mapping with a type or a block, "
                    f"got {describe(item)}",
                )
            if "block" in item.entries:
                previous = self.instance(item, index, scope, previous)
            else:
                previous = self.layer(item, index, scope, previous)
            if len(self.out) > self.max_layers:
                raise self.too_many(item)
        return previous

    def layer(self, item: Mapping, index: int, scope: Scope, previous: str) -> str:
        name = self.local_name(item, index, scope)
        qualified = scope.prefix + name
        entries: dict[str, Entry] = {}
        for entry in item:
            if entry.key == "name":
                value: Node = _text_node(qualified, entry.value.position)
            elif entry.key in REFERENCE_KEYS:
                value = self.reference(entry.value, scope)
            elif entry.key == "inputs" and isinstance(entry.value, Sequence):
                value = Sequence(
                    tuple(self.reference(i, scope) for i in entry.value.items),
                    entry.value.position,
                )
            else:
                value = self.substitute(entry.value, scope)
            # An unchanged value keeps its entry: most values hold no parameter.
            if value is not entry.value:
                entry = Entry(entry.key, entry.key_position, value)
            entries[entry.key] = entry
        if "name" not in entries:
            entries["name"] = Entry("name", item.position, _text_node(qualified, item.position))
        if "input" not in entries and "inputs" not in entries and not _is_merge(entries):
            # Explicit, so the layer keeps reading the right tensor wherever it lands.
            entries["input"] = Entry("input", item.position, _text_node(previous, item.position))
        self.out.append(Mapping(entries, item.position))
        return qualified

    # -- instances -------------------------------------------------------------------

    def instance(self, item: Mapping, index: int, scope: Scope, previous: str) -> str:
        block = self.block_of(item, scope)
        name = self.local_name(item, index, scope)
        owner = f"block instance {scope.prefix + name!r}"
        if "type" in item.entries:
            raise self.fail(
                item.entries["type"].key_position,
                f"{owner}: a layer has either type (one layer) or block (an instance), not both",
            )
        args = {e.key: e for e in item if e.key not in INSTANCE_KEYS}
        input_node = item.get("input")
        source = previous
        if input_node is not None:
            resolved = _text(self.reference(input_node, scope))
            if resolved is None:
                raise self.fail(
                    input_node, f"{owner}: input must be a layer name, got {describe(input_node)}"
                )
            source = resolved
        repeat_node = item.get("repeat")
        count = 1
        if repeat_node is not None:
            count = fields.positive(
                self.substitute(repeat_node, scope), "repeat", fields.Where(self.source, owner)
            )
            if count > self.max_layers:
                raise self.fail(
                    repeat_node,
                    f"{owner}: repeat {count:,} is more than "
                    f"{self.max_layers:,} (CNNCALC_MAX_LAYERS); cnncalc expands every repetition",
                )
        first = self.first(item, owner, repeat_node is not None)
        expanded_from = before = len(self.out)
        for rep in range(count):
            # Every copy after the first expands alike: once one is done, the rest
            # are counted before they are made.
            if rep == (1 if first is None else 2):
                size = len(self.out) - before
                if len(self.out) + size * (count - rep) > self.max_layers:
                    raise self.too_many(repeat_node or item)
            before = len(self.out)
            use_block, use_args = block, args
            if rep == 0 and first is not None:
                use_block = self.block_of(first, scope) if "block" in first.entries else block
                use_args = {**args, **{e.key: e for e in first if e.key != "block"}}
            label = f"{name}.{rep}" if repeat_node is not None else name
            source = self.expand_block(
                use_block, use_args, label, owner, scope, source, item.position
            )
            self.alias(scope.prefix + label, source, item.position)
        if repeat_node is not None:
            self.alias(scope.prefix + name, source, item.position)
        self.freeze(item, scope, owner, expanded_from)
        return source

    def too_many(self, at: Node) -> CnncalcError:
        return self.fail(
            at,
            f"the blocks expand to more than {self.max_layers:,} layers "
            "(CNNCALC_MAX_LAYERS); lower a repeat count",
        )

    def freeze(self, item: Mapping, scope: Scope, owner: str, start: int) -> None:
        """`trainable: false` on an instance freezes every layer it expanded to (as
        Keras' trainable = False on a model); `true` leaves them as written."""
        node = item.get("trainable")
        if node is None:
            return
        value = self.substitute(node, scope)
        if fields.boolean(value, "trainable", fields.Where(self.source, owner)):
            return
        for i in range(start, len(self.out)):
            layer = self.out[i]
            entries = {**layer.entries, "trainable": Entry("trainable", node.position, value)}
            self.out[i] = Mapping(entries, layer.position)

    def first(self, item: Mapping, owner: str, repeated: bool) -> Mapping | None:
        node = item.get("first")
        if node is None:
            return None
        if not repeated:
            raise self.fail(
                node,
                f"{owner}: first: changes the first of several repetitions; "
                "add repeat: N, or write the arguments on the instance itself",
            )
        if not isinstance(node, Mapping):
            raise self.fail(
                node,
                f"{owner}: first must be a mapping of arguments like "
                f"{{stride: 2}}, got {describe(node)}",
            )
        return node

    def expand_block(
        self,
        block: Block,
        given: dict[str, Entry],
        label: str,
        owner: str,
        scope: Scope,
        source: str,
        at: Position,
    ) -> str:
        if block.name in scope.chain:
            path = " → ".join([*scope.chain[scope.chain.index(block.name) :], block.name])
            raise self.fail(
                at,
                f"block {block.name!r} contains itself ({path}); "
                "a block cannot be instantiated inside itself",
            )
        if len(scope.chain) >= MAX_NESTING:
            raise self.fail(
                at,
                f"blocks nested more than {MAX_NESTING} deep ({' → '.join(scope.chain[:3])} → …); "
                "a network needs a few levels",
            )
        args: dict[str, Node] = {}
        for key, entry in given.items():
            if key not in block.params:
                raise self.fail(
                    entry.key_position,
                    f"{owner}: block {block.name!r} has no parameter {key!r}"
                    f"{fields.nearest(key, block.params)}; "
                    f"its parameters: {', '.join(block.params) or 'none'}",
                )
            args[key] = self.substitute(entry.value, scope)
        for key, default in block.params.items():
            if key in args:
                continue
            if isinstance(default, Scalar) and default.value is None:
                raise self.fail(
                    at,
                    f"{owner}: block {block.name!r} needs parameter {key!r} (it has no default); "
                    f"add {key}: VALUE to the instance",
                )
            args[key] = default
        inner = Scope(
            prefix=f"{scope.prefix}{label}.",
            block=block,
            args=args,
            input=source,
            local=self.local_names(block),
            chain=(*scope.chain, block.name),
        )
        return self.items(block.layers, inner, source)

    def local_names(self, block: Block) -> frozenset[str]:
        """The names of a block's own layers (as written: no instance changes them)."""
        names = self.locals.get(block.name)
        if names is None:
            names = self.locals[block.name] = frozenset(
                self.local_name(item, i, None)
                for i, item in enumerate(block.layers, start=1)
                if isinstance(item, Mapping)
            )
        return names

    def block_of(self, item: Mapping, scope: Scope) -> Block:
        node = item.entries["block"].value
        name = _text(self.substitute(node, scope)) if isinstance(node, Scalar) else None
        if name is None:
            raise self.fail(node, f"block must be the name of a block, got {describe(node)}")
        block = self.blocks.get(name)
        if block is None:
            known = ", ".join(self.blocks) or "none"
            raise self.fail(
                node,
                f"unknown block {name!r}{fields.nearest(name, self.blocks)}; "
                f"blocks defined under blocks: {known}",
            )
        return block

    def alias(self, name: str, target: str, position: Position) -> None:
        self.aliases[name] = target
        self.alias_positions[name] = position

    # -- values ----------------------------------------------------------------------

    def local_name(self, item: Mapping, index: int, scope: Scope | None) -> str:
        """The layer's own name: `name:`, else `<type or block><n>` (n = its position)."""
        node = item.get("name")
        if node is not None:
            value = self.substitute(node, scope) if scope is not None else node
            text = _text(value)
            if text is None or not text:
                raise self.fail(node, f"a layer name must be text, got {describe(node)}")
            return text
        kind = item.get("type") or item.get("block")
        word = _text(kind) if kind is not None else None
        return f"{word if word and not word.startswith('$') else 'layer'}{index}"

    def reference(self, node: Node, scope: Scope) -> Node:
        """A layer name in `input`/`inputs`, resolved for the scope it is written in."""
        text = _text(node)
        if text is None or not isinstance(node, Scalar):
            return node  # the architecture reader reports the wrong type
        match = _PARAMETER.match(text)
        if scope.block is None:
            if match:
                raise self.fail(node, f"{text} can only be used inside a block's layers")
            return node
        if text == "$input":
            return _text_node(scope.input, node.position)
        if match:
            value = self.parameter(match.group(1), node, scope)
            name = _text(value)
            if name is None:
                raise self.fail(
                    node,
                    f"{_owner(scope)}: {text} is used as a layer name, "
                    f"but its value is {describe(value)}",
                )
            return _text_node(name, node.position)
        # A split's part (`split.1`) belongs to the block that holds the split; the graph
        # checks that the part exists.
        owner, _, part = text.rpartition(".")
        if text in scope.local or (part.isdigit() and owner in scope.local):
            return _text_node(scope.prefix + text, node.position)
        if text == NETWORK_INPUT:
            return node
        raise self.fail(
            node,
            f"{_owner(scope)}: reads {text!r}, which is not a layer of this block"
            f"{fields.nearest(text, scope.local)}; write $input for the block's input, or "
            "pass an outside layer's name as a parameter",
        )

    def substitute(self, node: Node, scope: Scope | None) -> Node:
        """The value with every `$parameter` replaced by the instance's argument."""
        if scope is None or scope.block is None:
            return node
        if isinstance(node, Scalar):
            text = node.value
            # Most values are numbers or plain words: only text starting with $ can
            # name a parameter, and it is cheaper to look than to run the pattern.
            if not isinstance(text, str) or text[:1] != "$":
                return node
            match = _PARAMETER.match(text)
            return node if match is None else self.parameter(match.group(1), node, scope)
        # A list or mapping without parameters is returned as it is, not copied.
        if isinstance(node, Sequence):
            items = tuple([self.substitute(i, scope) for i in node.items])
            if all(new is old for new, old in zip(items, node.items, strict=True)):
                return node
            return Sequence(items, node.position)
        entries: dict[str, Entry] = {}
        changed = False
        for entry in node:
            value = self.substitute(entry.value, scope)
            if value is not entry.value:
                entry = Entry(entry.key, entry.key_position, value)
                changed = True
            entries[entry.key] = entry
        return Mapping(entries, node.position) if changed else node

    def parameter(self, name: str, node: Node, scope: Scope) -> Node:
        if name in scope.args:
            return scope.args[name]
        assert scope.block is not None
        if name == NETWORK_INPUT:
            raise self.fail(
                node,
                f"{_owner(scope)}: $input names the block's input; use it in input: or inputs:",
            )
        raise self.fail(
            node,
            f"{_owner(scope)}: unknown parameter ${name}"
            f"{fields.nearest(name, scope.args)}; block {scope.block.name!r} declares: "
            f"{', '.join('$' + p for p in scope.args) or 'no parameters'}",
        )

    # -- the whole tree --------------------------------------------------------------

    def resolve_aliases(self) -> list[Mapping]:
        """Readers of an instance's name read its output layer instead."""
        names = {_text(layer.get("name") or _NONE) for layer in self.out}
        for alias, position in self.alias_positions.items():
            if alias in names:
                raise self.fail(
                    position,
                    f"the block instance name {alias!r} is also a layer name; rename one of them",
                )
        if not self.aliases:
            return self.out
        result = []
        for layer in self.out:
            # Only layers that read an instance by its name are rebuilt.
            changed: dict[str, Entry] = {}
            for key in (*REFERENCE_KEYS, "inputs"):
                entry = layer.entries.get(key)
                if entry is not None:
                    value = self.unalias(entry.value)
                    if value is not entry.value:
                        changed[key] = Entry(key, entry.key_position, value)
            if changed:
                layer = Mapping({**layer.entries, **changed}, layer.position)
            result.append(layer)
        return result

    def unalias(self, node: Node) -> Node:
        if isinstance(node, Sequence):
            items = tuple([self.unalias(i) for i in node.items])
            if all(new is old for new, old in zip(items, node.items, strict=True)):
                return node
            return Sequence(items, node.position)
        text = _text(node)
        if text is not None and text in self.aliases:
            return _text_node(self.aliases[text], node.position)
        return node


_NONE = Scalar(None, Position(0, 0), "")


def expand(root: Mapping, source: str, first: str = NETWORK_INPUT) -> Mapping:
    """The root without `blocks`, its `layers` expanded into plain layers; ``first``
    names what the first layer reads when it names nothing."""
    blocks = parse_blocks(root.entries["blocks"].value, source)
    layers_node = root.get("layers")
    entries = {k: e for k, e in root.entries.items() if k != "blocks"}
    if not isinstance(layers_node, Sequence):
        return Mapping(entries, root.position)  # the architecture reader reports it
    expander = _Expander(source, blocks)
    top = Scope(prefix="", block=None, args={}, input=first, local=frozenset())
    expander.items(layers_node.items, top, first)
    layers = Sequence(tuple(expander.resolve_aliases()), layers_node.position)
    entries["layers"] = Entry("layers", root.entries["layers"].key_position, layers)
    return Mapping(entries, root.position)


def parse_blocks(node: Node, source: str) -> dict[str, Block]:
    where = fields.Where(source, "blocks")
    if not isinstance(node, Mapping):
        raise where.fail(
            node, f"blocks must be a mapping of block names to blocks, got {describe(node)}"
        )
    return {entry.key: parse_block(entry, source) for entry in node}


def parse_block(entry: Entry, source: str) -> Block:
    where = fields.Where(source, f"block {entry.key!r}")
    node = entry.value
    if not isinstance(node, Mapping):
        raise where.fail(
            node, f"a block must be a mapping with params and layers, got {describe(node)}"
        )
    for item in node:
        if item.key not in BLOCK_KEYS:
            raise CnncalcError(
                source,
                item.key_position,
                f"{where.owner}: unknown key {item.key!r}{fields.nearest(item.key, BLOCK_KEYS)}; "
                f"valid keys: {', '.join(BLOCK_KEYS)}",
            )
    layers = node.get("layers")
    if not isinstance(layers, Sequence) or not layers.items:
        raise where.fail(layers or node, "a block needs layers: a non-empty list of layers")
    return Block(entry.key, parse_params(node.get("params"), where), layers.items, node.position)


def parse_params(node: Node | None, where: fields.Where) -> dict[str, Node]:
    if node is None:
        return {}
    if not isinstance(node, Mapping):
        raise where.fail(
            node,
            f"params must map each parameter to its default (null: required), "
            f"like {{filters: null, stride: 1}}, got {describe(node)}",
        )
    params: dict[str, Node] = {}
    for entry in node:
        if not _IDENTIFIER.match(entry.key) or entry.key == NETWORK_INPUT:
            reason = (
                "is reserved for the block's input"
                if entry.key == NETWORK_INPUT
                else ("must be a word of letters, digits and _")
            )
            raise CnncalcError(
                where.source,
                entry.key_position,
                f"{where.owner}: parameter name {entry.key!r} {reason}",
            )
        if entry.key in INSTANCE_KEYS:
            raise CnncalcError(
                where.source,
                entry.key_position,
                f"{where.owner}: parameter name {entry.key!r} is reserved for instances "
                f"({', '.join(INSTANCE_KEYS)})",
            )
        params[entry.key] = entry.value
    return params


def _owner(scope: Scope) -> str:
    if scope.block is None:  # a top-level layer, outside any instance
        return "layers"
    return f"block {scope.block.name!r} in {scope.prefix.rstrip('.')!r}"


def _text(node: Node) -> str | None:
    if isinstance(node, Scalar):
        value = node.value
        if isinstance(value, str):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return node.text
    return None


def _text_node(text: str, position: Position) -> Scalar:
    return Scalar(text, position, text)


def _is_merge(entries: dict[str, Entry]) -> bool:
    entry = entries.get("type")
    kind = KINDS.get(_text(entry.value) or "") if entry is not None else None
    return kind is not None and kind.arity == "many"
