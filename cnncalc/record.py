"""A base for small immutable value classes, cheaper than ``@dataclass``.

``dataclass`` generates and execs code for every class (about 1 ms each, most of the
core's import time) and a frozen one sets each field through ``object.__setattr__``,
twice as slow as a plain ``__init__``. A `Record` subclass lists its fields in
``__slots__`` and writes its own ``__init__``; equality, hashing and repr follow the
fields like a frozen dataclass's (repr
lists them in ``__slots__`` order). Nothing assigns a field after ``__init__``.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar

R = TypeVar("R", bound="Record")


class Record:
    __slots__: tuple[str, ...] = ()
    # `record.field_values(record)`: the fields as a tuple, made in C. Layer kinds are
    # hashed and compared once per layer (the analysis caches figures by kind and
    # input shapes); a method call per layer would cost more than the tuple.
    field_values: Callable[[Any], tuple[object, ...]] = staticmethod(lambda record: ())

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        names = cls.__dict__.get("__slots__", ())
        if len(names) > 1:
            cls.field_values = staticmethod(attrgetter(*names))
        elif names:
            single = attrgetter(names[0])
            cls.field_values = staticmethod(lambda record: (single(record),))

    def _values(self) -> tuple[object, ...]:
        return self.field_values(self)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Record)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__qualname__}({fields})"


def replaced(record: R, **changes: object) -> R:
    """A copy with some fields changed, like ``dataclasses.replace`` (the ``__init__``
    parameters of a Record are named after its fields)."""
    values = {name: getattr(record, name) for name in record.__slots__}
    values.update(changes)
    return type(record)(**values)
