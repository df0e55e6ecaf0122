"""YAML text in, a tree of nodes that remember their line and column out.

Only safe loading, ever: PyYAML's parser (libyaml's C parser when present, the pure
Python one otherwise) turns the text into events, and we compose our own nodes from
them, so no tag can construct an object. Composing is a loop with an explicit stack:
no nesting depth can exhaust Python's recursion limit or the C stack, and the depth,
the number of values (with aliases expanded: a "billion laughs" document is refused
before anything grows), the file size and the digits of an integer are all bounded
(`cnncalc.reading.limits`). Aliases are shared, never copied.
"""

from __future__ import annotations

import operator
import re
import sys
from collections.abc import Iterator
from numbers import Integral, Real
from typing import Any, ClassVar

import yaml
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from cnncalc.errors import CnncalcError, Position
from cnncalc.reading import limits
from cnncalc.record import Record

ScalarValue = int | float | str | bool | None

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_TAG + name for name in ("str", "int", "float", "bool", "null"))
_SCALAR_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL}
# A date written as a name stays the text it is.
_TEXT_TAGS = {_TAG + "timestamp"}
_MERGE = _TAG + "merge"
# A syntax error found by libyaml is reported by the pure parser, up to this size.
_REPARSE_CHARS = 2**20
_PLAIN = (True, False)  # the `implicit` of an untagged, unquoted scalar

# What YAML 1.1 allows in a stream: PyYAML's own pattern (compiled once, by yaml), the
# same set libyaml accepts, less the byte order mark inside the text. Checked up front
# so both loaders report the same position, and text that cannot be UTF-8 (lone
# surrogates) never reaches libyaml.
_NOT_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE


# Lists, mappings and the entries that may hold them are not hashable (a mapping
# holds a dict).
class Scalar(Record):
    value: ScalarValue
    position: Position
    text: str  # as written, for messages and for names that look like numbers


class Entry(Record):
    __hash__: ClassVar[None] = None  # type: ignore[assignment]

    key: str
    key_position: Position
    value: Node


class Mapping(Record):
    __hash__: ClassVar[None] = None  # type: ignore[assignment]

    entries: dict[str, Entry]
    position: Position

    def get(self, key: str) -> Node | None:
        entry = self.entries.get(key)
        return None if entry is None else entry.value

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())


class Sequence(Record):
    __hash__: ClassVar[None] = None  # type: ignore[assignment]

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


def loader_name(loader: type[Any] | None = None) -> str:
    """'libyaml (C)' or 'pure Python': which parser `parse` uses."""
    chosen = loader or _loader_class()
    return "libyaml (C)" if chosen.__name__.startswith("C") else "pure Python"


def parse(
    text: str,
    source: str,
    loader: type[Any] | None = None,
    bounds: limits.Limits | None = None,
) -> Node:
    """Compose ``text`` as one YAML document into located nodes, within ``bounds``."""
    bounds = bounds or limits.current()
    bad = _NOT_PRINTABLE.search(text)
    # A byte order mark inside the text: the two parsers count its column differently.
    offsets = [text.find("\ufeff", 1), bad.start() if bad else -1]
    if max(offsets) >= 0:
        offset = min(o for o in offsets if o >= 0)
        line_start = text.rfind("\n", 0, offset) + 1
        raise CnncalcError(
            source,
            Position(text.count("\n", 0, offset) + 1, offset - line_start + 1),
            f"the character U+{ord(text[offset]):04X} is not allowed in YAML text; "
            "remove it or write it as an escape inside double quotes",
        )
    chosen = loader or _loader_class()
    if "\t" in text:
        # libyaml accepts a tab between tokens where PyYAML refuses it; the stricter
        # parser reads any text with a tab, so both installs agree on every file.
        chosen = yaml.SafeLoader
    try:
        return _compose(text, source, chosen, bounds)
    except _BoundError:
        raise  # the count and depth are the same with either parser, and the pure
        # one would take much longer to reach the bound
    except CnncalcError:
        if chosen is yaml.SafeLoader or len(text) > _REPARSE_CHARS:
            raise
    # The two parsers word and place some errors differently (and libyaml stops at 1,000
    # nesting levels before our bound can name the place): the pure parser reports every
    # error, so both installs point at the same place with the same words.
    return _compose(text, source, yaml.SafeLoader, bounds)


def _compose(text: str, source: str, chosen: type[Any], bounds: limits.Limits) -> Node:
    yaml_loader = chosen(text)
    try:
        return _Composer(source, yaml_loader, bounds).document()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if "'\\t'" in problem or "tab character" in problem:
            problem = "a tab character here; YAML separates and indents with spaces only"
        raise CnncalcError(
            source, _position(mark) if mark else None, f"YAML syntax error: {problem}"
        ) from None
    except yaml.YAMLError as exc:
        raise CnncalcError(source, None, f"YAML error: {exc}") from None
    finally:
        yaml_loader.dispose()


class _BoundError(CnncalcError):
    """A resource bound was reached (not a syntax error)."""


class _Frame:
    """A list or mapping being composed: its parts so far and its expanded size."""

    __slots__ = ("anchor", "entries", "is_map", "items", "key", "merges", "position", "size")

    def __init__(self, is_map: bool, position: Position, anchor: str | None) -> None:
        self.is_map = is_map
        self.position = position
        self.anchor = anchor
        self.size = 1
        self.items: list[Node] = []
        self.entries: dict[str, Entry] = {}
        self.merges: list[Mapping] = []
        # The key waiting for its value: (text, position), or None for a merge key `<<`;
        # False while a mapping expects a key, and always True in a list (no keys), so
        # `key is False` alone tells the composer a key comes next.
        self.key: tuple[str, Position] | bool | None = not is_map


class _Composer:
    """Events in, nodes out: an explicit stack instead of recursion."""

    def __init__(self, source: str, loader: Any, bounds: limits.Limits) -> None:
        self.source = source
        self.loader = loader
        self.bounds = bounds
        self.anchors: dict[str, tuple[Node, int]] = {}
        self.anchor_lines: dict[str, int] = {}
        self.open_anchors: set[str] = set()
        self.plain: dict[str, tuple[ScalarValue, str]] = {}  # plain scalar text → value
        self.tagged: dict[tuple[str, str], ScalarValue] = {}
        self.constructor = yaml.constructor.SafeConstructor()

    def fail(self, position: Position, message: str) -> CnncalcError:
        return CnncalcError(self.source, position, message)

    def document(self) -> Node:
        get = self.loader.get_event
        get()  # StreamStartEvent
        if isinstance(self.loader.peek_event(), StreamEndEvent):
            raise self.fail(
                Position(1, 1), "the file is empty; expected a mapping with name, input and layers"
            )
        get()  # DocumentStartEvent
        root = self.compose()
        get()  # DocumentEndEvent
        event = get()
        if not isinstance(event, StreamEndEvent):
            raise self.fail(
                _position(event.start_mark),
                "YAML syntax error: the file holds more than one YAML document; "
                "keep one architecture per file",
            )
        return root

    def compose(self) -> Node:
        """One YAML node from the events, with an explicit stack of open lists and
        mappings; every value is counted (aliases in full) against the bounds."""
        stack: list[_Frame] = []
        total = 0
        while True:
            event = self.loader.get_event()
            position = _position(event.start_mark)
            top = stack[-1] if stack else None
            if isinstance(event, SequenceStartEvent | MappingStartEvent):
                self.open(event, position, top, len(stack))
                stack.append(_Frame(isinstance(event, MappingStartEvent), position, event.anchor))
                total += 1
                if total > self.bounds.nodes:
                    raise self.too_many(position)
                continue
            if isinstance(event, ScalarEvent):
                if top is not None and top.key is False and event.anchor is None:
                    self.key(top, event, position)
                    total += 1
                    continue
                if not event.value and top is not None and isinstance(top.key, tuple):
                    # A missing value: the parsers place it differently in flow
                    # mappings (after the colon, or at the next token); use the key's.
                    position = top.key[1]
                node: Node = self.scalar(event, position)
                size = counted = 1
                if event.anchor is not None:
                    self.open_anchor(event.anchor, position)
                    self.close_anchor(event.anchor, node, size)
            elif isinstance(event, AliasEvent):
                assert event.anchor is not None  # an alias names its anchor
                node, size = self.alias(event.anchor, position)
                counted = size
            elif isinstance(event, SequenceEndEvent | MappingEndEvent):
                frame = stack.pop()
                top = stack[-1] if stack else None
                node, position, size = self.finish(frame), frame.position, frame.size
                counted = 0  # the list or mapping and its parts are counted already
                if frame.anchor is not None:
                    self.close_anchor(frame.anchor, node, size)
            else:  # pragma: no cover - the parser yields nothing else inside a document
                raise self.fail(position, f"unexpected YAML event {event}")
            total += counted
            if total > self.bounds.nodes:
                raise self.too_many(position)
            if top is None:
                return node
            self.add(top, node, size, position)

    def open(self, event: Any, position: Position, top: _Frame | None, depth: int) -> None:
        """Checks for a list or mapping that starts here."""
        if top is not None and top.key is False:
            raise self.fail(position, "a mapping key must be plain text, not a list or mapping")
        if depth >= self.bounds.depth:
            raise _BoundError(
                self.source,
                position,
                f"the document is nested more than {self.bounds.depth} levels deep; an "
                "architecture needs about 5 (CNNCALC_MAX_DEPTH raises the bound)",
            )
        if event.tag is not None:
            is_map = isinstance(event, MappingStartEvent)
            self.check_tag(event.tag, _TAG + ("map" if is_map else "seq"), position)
        if event.anchor is not None:
            self.open_anchor(event.anchor, position)

    def too_many(self, position: Position) -> CnncalcError:
        return _BoundError(
            self.source,
            position,
            f"the document holds more than {self.bounds.nodes:,} values, counting each use "
            "of a YAML alias in full (an alias bomb?); a 100,000-layer network holds about "
            "1.2 million (CNNCALC_MAX_NODES raises the bound)",
        )

    def open_anchor(self, anchor: str, position: Position) -> None:
        if anchor in self.anchors or anchor in self.open_anchors:
            raise self.fail(
                position,
                f"the anchor &{anchor} is defined twice (first at line "
                f"{self.anchor_lines[anchor]}); give each anchor its own name",
            )
        self.open_anchors.add(anchor)
        self.anchor_lines[anchor] = position.line

    def close_anchor(self, anchor: str, node: Node, size: int) -> None:
        self.open_anchors.discard(anchor)
        self.anchors[anchor] = (node, size)

    def alias(self, anchor: str, position: Position) -> tuple[Node, int]:
        found = self.anchors.get(anchor)
        if found is not None:
            return found
        if anchor in self.open_anchors:
            raise self.fail(
                position,
                f"the alias *{anchor} refers to a value that contains it (recursive alias)",
            )
        raise self.fail(
            position, f"YAML syntax error: found undefined alias *{anchor}; define &{anchor} first"
        )

    def key(self, frame: _Frame, event: Any, position: Position) -> None:
        """A plain-text key of a mapping (the common case, without a node)."""
        tag = event.tag
        text: str = sys.intern(event.value)  # keys repeat: share one string each
        if tag == _MERGE or (tag is None and event.implicit[0] and text == "<<"):
            frame.key = None
            return
        if tag is not None and tag != "!" and tag not in _SCALAR_TAGS and tag not in _TEXT_TAGS:
            self.check_tag(tag, _STR, position)
        self.set_key(frame, text, position)

    def set_key(self, frame: _Frame, text: str, position: Position) -> None:
        """The key waiting for its value; a mapping holds each key once."""
        if text in frame.entries:
            raise self.fail(position, f"duplicate key {text!r} in this mapping")
        frame.key = (text, position)

    def add(self, frame: _Frame, node: Node, size: int, position: Position) -> None:
        frame.size += size
        if not frame.is_map:
            frame.items.append(node)
            return
        key = frame.key
        if key is False:  # an anchored or aliased key
            if not isinstance(node, Scalar):
                raise self.fail(position, "a mapping key must be plain text, not a list or mapping")
            self.set_key(frame, node.text, position)
            return
        frame.key = False
        if key is None:
            frame.merges.extend(self.merge_sources(node, position))
            return
        assert isinstance(key, tuple)
        frame.entries[key[0]] = Entry(key[0], key[1], node)

    def merge_sources(self, node: Node, position: Position) -> list[Mapping]:
        sources = node.items if isinstance(node, Sequence) else (node,)
        result = []
        for source in sources:
            if not isinstance(source, Mapping):
                raise self.fail(position, "a merge key '<<' needs a mapping or a list of them")
            result.append(source)
        return result

    def finish(self, frame: _Frame) -> Node:
        if not frame.is_map:
            return Sequence(tuple(frame.items), frame.position)
        entries = frame.entries
        if frame.merges:
            merged: dict[str, Entry] = {}
            for source in frame.merges:
                for entry in source:
                    merged.setdefault(entry.key, entry)
            for key, entry in merged.items():
                entries.setdefault(key, entry)
        return Mapping(entries, frame.position)

    def check_tag(self, tag: str | None, expected: str, position: Position) -> None:
        if tag is not None and tag != "!" and tag != expected:
            raise self.fail(
                position,
                f"YAML tag {_short_tag(tag)} is not allowed: cnncalc reads plain data "
                "only (mappings, lists, numbers, text)",
            )

    def scalar(self, event: Any, position: Position) -> Scalar:
        text: str = event.value
        if event.style == '"':
            _refuse_surrogates(text, position, self.source)
        tag = event.tag
        if tag is None or tag == "!":
            if event.implicit == _PLAIN:
                cached = self.plain.get(text) or self.plain_value(text, position)
                return Scalar(cached[0], position, cached[1])
            return Scalar(text, position, text)  # quoted, or tagged `!`: text
        if tag in _TEXT_TAGS:
            return Scalar(text, position, text)
        if tag not in _SCALAR_TAGS:
            self.check_tag(tag, _STR, position)
        key = (tag, text)
        if key not in self.tagged:
            self.tagged[key] = self.construct(tag, text, position)
        return Scalar(self.tagged[key], position, text)

    def plain_value(self, text: str, position: Position) -> tuple[ScalarValue, str]:
        """The value of a plain scalar, resolved and constructed once per document."""
        resolved = self.loader.resolve(yaml.ScalarNode, text, _PLAIN)
        cached = (self.construct(resolved, text, position), text)
        self.plain[text] = cached
        return cached

    def construct(self, tag: str, text: str, position: Position) -> ScalarValue:
        if tag == _STR or tag in _TEXT_TAGS:
            return text
        if tag == _INT:
            digits = len(text.lstrip("+-").replace("_", ""))
            if digits > self.bounds.int_digits:
                raise self.fail(
                    position,
                    f"the integer {text[:12]}… has {digits:,} digits; cnncalc reads integers "
                    f"of up to {self.bounds.int_digits} digits (CNNCALC_MAX_INT_DIGITS)",
                )
        if tag == _BOOL:
            value = self.constructor.bool_values.get(text.lower())
            if value is None:
                raise self.fail(position, f"{text!r} tagged !!bool is not true or false")
            return bool(value)
        if tag == _NULL:
            return None  # what `construct_yaml_null` makes of any text
        try:
            constructed = self.constructor.construct_object(yaml.ScalarNode(tag, text))
        except (ValueError, IndexError, KeyError, TypeError, OverflowError):
            raise self.fail(
                position, f"{text[:40]!r} tagged {_short_tag(tag)} is not a valid value of it"
            ) from None
        result: ScalarValue = constructed
        return result


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


_NO_POSITION = Position(0, 0)


def from_python(value: object, bounds: limits.Limits | None = None) -> Node:
    """Wrap plain Python data (a dict from a notebook) in nodes without positions.

    Iterative like `parse`, with the same depth and size bounds; a dict that contains
    itself is refused. Integers of other libraries (numpy) become Python ints.
    """
    bounds = bounds or limits.current()
    source = "<dict>"
    # Post-order walk: (value, depth, children built?) on an explicit stack.
    done: list[Node] = []
    stack: list[tuple[object, int, bool]] = [(value, 0, False)]
    on_path: set[int] = set()
    count = 0
    while stack:
        item, depth, expanded = stack.pop()
        count += 1
        if count > bounds.nodes:
            raise CnncalcError(source, None, f"the data holds more than {bounds.nodes:,} values")
        if isinstance(item, dict | list | tuple):
            if expanded:
                on_path.discard(id(item))
                parts = item.values() if isinstance(item, dict) else item
                children = done[len(done) - len(parts) :] if len(parts) else []
                del done[len(done) - len(parts) :]
                if isinstance(item, dict):
                    entries = {}
                    for key, child in zip(item, children, strict=True):
                        name = str(key)
                        entries[name] = Entry(name, _NO_POSITION, child)
                    done.append(Mapping(entries, _NO_POSITION))
                else:
                    done.append(Sequence(tuple(children), _NO_POSITION))
                continue
            if id(item) in on_path:
                raise CnncalcError(source, None, "the data contains itself (a cycle)")
            if depth >= bounds.depth:
                raise CnncalcError(
                    source, None, f"the data is nested more than {bounds.depth} levels deep"
                )
            on_path.add(id(item))
            stack.append((item, depth, True))
            parts = list(item.values()) if isinstance(item, dict) else list(item)
            stack.extend((part, depth + 1, False) for part in reversed(parts))
            continue
        if isinstance(item, str):
            _refuse_surrogates(item, None, source)
        elif isinstance(item, int) and item.bit_length() > 3 * bounds.int_digits:
            # Below 3·d bits an integer has at most d digits; above 14,000 bits, more
            # than Python will print (4,300), so it is never converted to text.
            digits = len(str(abs(item))) if item.bit_length() <= 14_000 else 4_300
            if digits > bounds.int_digits:
                raise CnncalcError(
                    source,
                    None,
                    f"an integer has {digits:,}{'+' if digits == 4_300 else ''} digits; cnncalc "
                    f"reads integers of up to {bounds.int_digits} digits (CNNCALC_MAX_INT_DIGITS)",
                )
        done.append(_python_scalar(item))
    return done[0]


_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_surrogates(text: str, position: Position | None, source: str) -> None:
    """A lone surrogate (written as an escape, `"\\ud800"`) is no character: no output
    could encode it, so it is refused where it is written."""
    found = _SURROGATE.search(text)
    if found is not None:
        raise CnncalcError(
            source,
            position,
            f"the text holds a lone surrogate (\\u{ord(found.group()):04x}), which is not a "
            "character; write the character itself, or a pair of surrogates",
        )


def _python_scalar(value: object) -> Scalar:
    if value is None or isinstance(value, str | bool | int | float):
        text = str(value).lower() if isinstance(value, bool) else str(value)
        return Scalar(value, _NO_POSITION, text)
    if isinstance(value, Integral):
        number = operator.index(value)
        return Scalar(number, _NO_POSITION, str(number))
    if isinstance(value, Real):
        real = float(value)
        return Scalar(real, _NO_POSITION, str(real))
    return Scalar(str(value), _NO_POSITION, str(value))
