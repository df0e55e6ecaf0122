"""`Record`, the value-class style: what a frozen dataclass promises, and `Record.new`
making the same record as a class call (cnncalc/record.py)."""

from __future__ import annotations

from typing import ClassVar

import pytest

from cnncalc.record import Record, replace


class Point(Record):
    x: int
    y: int = 0
    unit: ClassVar[str] = "px"  # not a field


class Labelled(Point):
    label: str = ""


def test_fields_in_order_with_defaults() -> None:
    assert Point._fields == ("x", "y")
    assert Labelled._fields == ("x", "y", "label")
    assert Point(1) == Point(x=1, y=0)
    assert repr(Labelled(1, 2, "a")) == "Labelled(x=1, y=2, label='a')"


def test_equality_and_hashing_follow_the_fields() -> None:
    assert Point(1, 2) == Point(1, 2)
    assert Point(1, 2) != Point(2, 1)
    assert Point(1, 2) != Labelled(1, 2)  # another class is never equal
    assert hash(Point(1, 2)) == hash(Point(1, 2))
    assert len({Point(1, 2), Point(1, 2), Point(3)}) == 2


def test_new_makes_what_the_class_call_makes() -> None:
    for args, fields in [((1,), {}), ((1, 2), {}), ((), {"x": 1, "y": 2}), ((1,), {"y": 5})]:
        made = Point.new(*args, **fields)
        assert type(made) is Point
        assert made == Point(*args, **fields)
    assert Labelled.new(1, label="a") == Labelled(1, 0, "a")
    assert type(Labelled.new(1)) is Labelled


def test_new_refuses_what_the_class_call_refuses() -> None:
    with pytest.raises(TypeError):
        Point.new()  # x has no default
    with pytest.raises(TypeError):
        Point.new(1, z=2)  # no such field


def test_replace_changes_the_named_fields_only() -> None:
    assert replace(Labelled(1, 2, "a"), y=7) == Labelled(1, 7, "a")


def test_records_have_slots_not_dicts() -> None:
    assert not hasattr(Point(1), "__dict__")
