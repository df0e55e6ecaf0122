"""YAML text in, a tree of nodes that remember their line and column out.

Only safe loading, ever: PyYAML composes the node graph (libyaml's C parser when
present), and we build plain values from it ourselves, so no tag can construct an
object. Aliases are shared, never copied, and their expanded size is bounded, so a
"billion laughs" document is refused before anything grows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from cnncalc.errors import CnncalcError, Position

# Resource bounds; the README states them. Architecture files are small: LeNet-5 is
# about 1 KiB, ResNet-50 about 5 KiB; a 100,000-layer generated chain about 5 MiB.
MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_EXPANDED_NODES = 5_000_000
MAX_DEPTH = 100

ScalarValue = int | float | str | bool | None

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null")}
# A date written as a name stays the text it is.
_TEXT_TAGS = {_TAG + "timestamp"}


@dataclass(frozen=True, slots=True, eq=False)
class Scalar:
    value: ScalarValue
    position: Position
    text: str


@dataclass(frozen=True, slots=True, eq=False)
class Entry:
    key: str
    key_position: Position
    value: Node


@dataclass(frozen=True, slots=True, eq=False)
class Mapping:
    entries: dict[str, Entry]
    position: Position

    def get(self, key: str) -> Node | None:
        entry = self.entries.get(key)
        return None if entry is None else entry.value

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())


@dataclass(frozen=True, slots=True, eq=False)
class Sequence:
    items: tuple[Node, ...]
    position: Position


Node = Scalar | Mapping | Sequence


def describe(node: Node) -> str:
    """What a user would call this value, for error messages."""
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    value = node.value
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {node.text}"
    if isinstance(value, int):
        return f"the integer {node.text}"
    if isinstance(value, float):
        return f"the number {node.text}"
    return f"the text {value!r}"


def _position(mark: Any) -> Position:
    return Position(mark.line + 1, mark.column + 1)


def _loader_class() -> type[Any]:
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse(text: str, source: str, loader: type[Any] | None = None) -> Node:
    """Compose ``text`` as one YAML document and convert it into located nodes."""
    loader_class = loader or _loader_class()
    yaml_loader = loader_class(text)
    try:
        root = yaml_loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if "expected a single document" in str(exc.context or ""):
            problem = "the file holds more than one YAML document; keep one architecture per file"
        raise CnncalcError(
            source, _position(mark) if mark else None, f"YAML syntax error: {problem}"
        ) from None
    except yaml.YAMLError as exc:
        raise CnncalcError(source, None, f"YAML error: {exc}") from None
    except RecursionError:
        raise CnncalcError(
            source, None, f"the document is nested too deeply (more than {MAX_DEPTH} levels)"
        ) from None
    finally:
        yaml_loader.dispose()
    if root is None:
        raise CnncalcError(
            source, None, "the file is empty; expected a mapping with name, input and layers"
        )
    return _Converter(source).convert(root)


class _Converter:
    """Turns PyYAML's node graph into our nodes, sharing aliased subtrees."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.done: dict[int, Node] = {}
        self.sizes: dict[int, int] = {}
        self.constructor = yaml.constructor.SafeConstructor()

    def fail(self, node: yaml.Node, message: str) -> CnncalcError:
        return CnncalcError(self.source, _position(node.start_mark), message)

    def convert(self, root: yaml.Node) -> Node:
        # Iterative post-order walk: deep documents cannot exhaust Python's stack, and
        # each composed node is converted once however many aliases point at it.
        on_path: set[int] = set()
        stack: list[tuple[yaml.Node, int]] = [(root, 0)]
        while stack:
            node, depth = stack.pop()
            key = id(node)
            if key in self.done:
                on_path.discard(key)
                continue
            children = _children(node)
            pending = [c for c in children if id(c) not in self.done]
            if pending and key not in on_path:
                if depth >= MAX_DEPTH:
                    raise self.fail(
                        node, f"the document is nested more than {MAX_DEPTH} levels deep"
                    )
                on_path.add(key)
                stack.append((node, depth))
                for child in reversed(pending):
                    if id(child) in on_path:
                        raise self.fail(child, "a YAML alias refers to itself (recursive alias)")
                    stack.append((child, depth + 1))
                continue
            on_path.discard(key)
            self.done[key] = self.build(node)
        return self.done[id(root)]

    def build(self, node: yaml.Node) -> Node:
        size = 1 + sum(self.sizes[id(c)] for c in _children(node))
        if size > MAX_EXPANDED_NODES:
            raise self.fail(
                node,
                f"the document expands to more than {MAX_EXPANDED_NODES:,} values through "
                "YAML aliases (an alias bomb?); write the values out or use fewer aliases",
            )
        self.sizes[id(node)] = size
        position = _position(node.start_mark)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, position)
        if isinstance(node, yaml.SequenceNode):
            self.check_tag(node, _TAG + "seq")
            return Sequence(tuple(self.done[id(c)] for c in node.value), position)
        assert isinstance(node, yaml.MappingNode)
        self.check_tag(node, _TAG + "map")
        return self.mapping(node, position)

    def check_tag(self, node: yaml.Node, expected: str) -> None:
        if node.tag != expected:
            raise self.fail(
                node,
                f"YAML tag {_short_tag(node.tag)} is not allowed: cnncalc reads plain data "
                "only (mappings, lists, numbers, text)",
            )

    def scalar(self, node: yaml.ScalarNode, position: Position) -> Scalar:
        tag = node.tag
        if tag in _TEXT_TAGS:
            return Scalar(node.value, position, node.value)
        if tag not in _SCALAR_TAGS:
            self.check_tag(node, _TAG + "str")
        try:
            value = self.constructor.construct_object(node)
        except ValueError:
            raise self.fail(
                node, f"the number {node.value[:20]}… has too many digits to be read"
            ) from None
        return Scalar(value, position, node.value)

    def mapping(self, node: yaml.MappingNode, position: Position) -> Mapping:
        entries: dict[str, Entry] = {}
        merged: dict[str, Entry] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                for source in self.merge_sources(value_node):
                    for entry in source:
                        merged.setdefault(entry.key, entry)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, "a mapping key must be plain text, not a list or mapping")
            key = str(key_node.value)
            if key in entries:
                raise self.fail(key_node, f"duplicate key {key!r} in this mapping")
            entries[key] = Entry(key, _position(key_node.start_mark), self.done[id(value_node)])
        for key, entry in merged.items():
            entries.setdefault(key, entry)
        return Mapping(entries, position)

    def merge_sources(self, value_node: yaml.Node) -> list[Mapping]:
        converted = self.done[id(value_node)]
        sources = converted.items if isinstance(converted, Sequence) else (converted,)
        result = []
        for source in sources:
            if not isinstance(source, Mapping):
                raise self.fail(value_node, "a merge key '<<' needs a mapping or a list of them")
            result.append(source)
        return result


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    return []


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


def from_python(value: object) -> Node:
    """Wrap plain Python data (a dict from a notebook) in nodes without positions."""
    position = Position(0, 0)
    if isinstance(value, dict):
        entries = {}
        for key, item in value.items():
            entries[str(key)] = Entry(str(key), position, from_python(item))
        return Mapping(entries, position)
    if isinstance(value, list | tuple):
        return Sequence(tuple(from_python(item) for item in value), position)
    if value is None or isinstance(value, int | float | str | bool):
        return Scalar(
            value, position, str(value).lower() if isinstance(value, bool) else str(value)
        )
    return Scalar(str(value), position, str(value))
