"""Declared settings of a layer kind, and the one place that validates them.

Each kind lists its fields as data (name, parser, default); `parse_fields` reads a
layer's mapping against that list, so every kind reports a wrong type, a missing
field or a typo the same way, at the value's line and column.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from collections.abc import Mapping as MappingABC
from typing import Any, Final, TypeVar

from cnncalc.errors import CnncalcError
from cnncalc.reading.document import Mapping, Node, Scalar, Sequence, describe
from cnncalc.record import Record


class Where(Record):
    """Where a value sits: the file and the thing it belongs to ("layer 'C1'")."""

    source: str
    owner: str

    def fail(self, node: Node, message: str) -> CnncalcError:
        return CnncalcError(self.source, node.position, f"{self.owner}: {message}")


Parser = Callable[[Node, str, Where], Any]


class _Required:
    def __repr__(self) -> str:
        return "required"


REQUIRED: Final = _Required()


class Field(Record):
    name: str
    parse: Parser
    default: Any = REQUIRED
    help: str = ""


def nearest(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest valid word, or '' when none is close."""
    import difflib  # only error messages need it; it costs start-up time

    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return f" (did you mean {match[0]!r}?)" if match else ""


T = TypeVar("T")


def lookup(table: MappingABC[str, T], name: str, what: str) -> T:
    """``table[name]`` ignoring case, else a ValueError naming the nearest choice."""
    found = table.get(name.lower())
    if found is None:
        raise ValueError(
            f"unknown {what} {name!r}{nearest(name.lower(), table)}; "
            f"choose one of {', '.join(table)}"
        )
    return found


def parse_fields(
    mapping: Mapping, fields: Iterable[Field], where: Where, reserved: Iterable[str] = ()
) -> dict[str, Any]:
    """Values for every declared field, defaults filled in; unknown keys are errors."""
    fields = tuple(fields)
    known = {field.name for field in fields}.union(reserved)
    for entry in mapping:
        if entry.key not in known:
            from cnncalc.reading.hints import field_hint

            hint = field_hint(entry.key, known) or nearest(entry.key, known)
            raise CnncalcError(
                where.source,
                entry.key_position,
                f"{where.owner}: unknown field {entry.key!r}{hint}; "
                f"valid fields: {', '.join(sorted(known))}",
            )
    values: dict[str, Any] = {}
    for field in fields:
        found = mapping.entries.get(field.name)
        if found is not None:
            values[field.name] = field.parse(found.value, field.name, where)
        elif field.default is REQUIRED:
            raise where.fail(mapping, f"missing required field {field.name!r}")
        else:
            values[field.name] = field.default
    return values


# Parsers: (node, field name, where) -> value.


def _integer_value(node: Node, name: str, where: Where, what: str) -> int:
    if (
        isinstance(node, Scalar)
        and isinstance(node.value, int)
        and not isinstance(node.value, bool)
    ):
        return node.value
    if isinstance(node, Scalar) and isinstance(node.value, float) and node.value.is_integer():
        hint = f"; write {int(node.value)}"
    else:
        hint = ""
    raise where.fail(node, f"{name} must be {what}, got {describe(node)}{hint}")


def integer(minimum: int) -> Parser:
    what = "a positive integer" if minimum == 1 else f"an integer ≥ {minimum}"

    def parse(node: Node, name: str, where: Where) -> int:
        value = _integer_value(node, name, where, what)
        if value < minimum:
            raise where.fail(node, f"{name} must be {what}, got {value}")
        return value

    return parse


positive = integer(1)
non_negative = integer(0)


def pair(minimum: int) -> Parser:
    """An int for both axes, or [height, width]."""
    single = integer(minimum)

    def parse(node: Node, name: str, where: Where) -> tuple[int, int]:
        if isinstance(node, Sequence):
            if len(node.items) != 2:
                raise where.fail(
                    node,
                    f"{name} must be one integer or [height, width], got {len(node.items)} values",
                )
            return (single(node.items[0], name, where), single(node.items[1], name, where))
        value = single(node, name, where)
        return (value, value)

    return parse


positive_pair = pair(1)
non_negative_pair = pair(0)


def per_axis(minimum: int) -> Parser:
    """An int for every spatial axis, or one per axis: [length], [height, width] or
    [depth, height, width]. A single int stays an int: the layer's input decides how
    many axes it stands for."""
    single = integer(minimum)

    def parse(node: Node, name: str, where: Where) -> int | tuple[int, ...]:
        if isinstance(node, Sequence):
            if not 1 <= len(node.items) <= 3:
                raise where.fail(
                    node,
                    f"{name} must be one integer or one per spatial axis ([length], "
                    f"[height, width] or [depth, height, width]), got {len(node.items)} values",
                )
            return tuple(single(item, name, where) for item in node.items)
        value: int = single(node, name, where)
        return value

    return parse


positive_axes = per_axis(1)
non_negative_axes = per_axis(0)


def padding(node: Node, name: str, where: Where) -> int | tuple[int, ...] | str:
    """An int, one per spatial axis, `same` or `valid` (= 0)."""
    if isinstance(node, Scalar) and isinstance(node.value, str):
        word = node.value.lower()
        if word == "valid":
            return 0
        if word == "same":
            return "same"
        raise where.fail(
            node,
            f"{name} must be an integer, one per spatial axis, 'same' or 'valid', "
            f"got {describe(node)}{nearest(word, ['same', 'valid'])}",
        )
    result: int | tuple[int, ...] = non_negative_axes(node, name, where)
    return result


def boolean(node: Node, name: str, where: Where) -> bool:
    if isinstance(node, Scalar) and isinstance(node.value, bool):
        return node.value
    raise where.fail(node, f"{name} must be true or false, got {describe(node)}")


def text(node: Node, name: str, where: Where) -> str:
    if isinstance(node, Scalar) and isinstance(node.value, str):
        return node.value
    if isinstance(node, Scalar) and node.value is not None and not isinstance(node.value, bool):
        return node.text  # a number used as a name or description reads as written
    raise where.fail(node, f"{name} must be text, got {describe(node)}")


def choice(options: Iterable[str]) -> Parser:
    allowed = tuple(options)

    def parse(node: Node, name: str, where: Where) -> str:
        if isinstance(node, Scalar) and isinstance(node.value, str):
            word = node.value.lower()
            if word in allowed:
                return word
            raise where.fail(
                node,
                f"{name} {node.value!r} is not one of {', '.join(allowed)}{nearest(word, allowed)}",
            )
        raise where.fail(node, f"{name} must be one of {', '.join(allowed)}, got {describe(node)}")

    return parse


def rate(node: Node, name: str, where: Where) -> float:
    if (
        isinstance(node, Scalar)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
        and math.isfinite(node.value)
        and 0 <= node.value < 1
    ):
        return float(node.value)
    raise where.fail(
        node, f"{name} must be a number from 0 up to (not including) 1, got {describe(node)}"
    )


def name_list(node: Node, name: str, where: Where) -> tuple[str, ...]:
    if not isinstance(node, Sequence) or not node.items:
        raise where.fail(
            node, f"{name} must be a non-empty list of layer names, got {describe(node)}"
        )
    return tuple(text(item, name, where) for item in node.items)


def index_table(node: Node, name: str, where: Where) -> tuple[tuple[int, ...], ...]:
    """A connection table: for each filter, the input channels it reads."""
    if not isinstance(node, Sequence) or not node.items:
        raise where.fail(
            node,
            f"{name} must be a list with one list of input channels per filter, "
            f"got {describe(node)}",
        )
    rows = []
    for row in node.items:
        if not isinstance(row, Sequence) or not row.items:
            raise where.fail(
                row,
                f"each {name} entry must be a non-empty list of input channel indices, "
                f"got {describe(row)}",
            )
        indices = tuple(non_negative(item, f"{name} index", where) for item in row.items)
        if len(set(indices)) != len(indices):
            raise where.fail(row, f"{name} entry lists an input channel twice: {list(indices)}")
        rows.append(indices)
    return tuple(rows)


def number(node: Node, name: str, where: Where) -> float:
    if (
        isinstance(node, Scalar)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
        and math.isfinite(node.value)
    ):
        return float(node.value)
    raise where.fail(node, f"{name} must be a finite number, got {describe(node)}")
