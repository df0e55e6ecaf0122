"""`Record`: the one style of cnncalc's value classes. Each field is written once, as
an annotation, optionally with a default::

    class Axis(Record):
        size: int
        dropped: int = 0

A subclass gets ``__slots__``, an ``__init__`` taking the fields in order (by position
or name), and equality, hashing and a repr that follow the fields, as a frozen
dataclass would; `replace` is ``dataclasses.replace``. mypy reads the annotations as
a frozen dataclass's (``dataclass_transform``), so assigning a field after
construction is a type error.

Why not ``@dataclass(frozen=True, slots=True)``: it compiles six methods for every
class and builds every class twice (once more for the slots), which the command line
pays at each start for its few dozen value classes; and its ``__init__`` sets each
field through ``object.__setattr__``, several times slower than a plain assignment,
for the objects made per layer. Here one ``__init__`` is compiled per class and the
other methods are shared.

A class holding a dict says it cannot be hashed: ``__hash__: ClassVar[None] = None``.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any, ClassVar, TypeVar, dataclass_transform

R = TypeVar("R", bound="Record")

_MISSING = object()


@dataclass_transform(eq_default=True, frozen_default=True)
class _RecordType(type):
    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> type:
        own = [
            field
            for field, annotation in namespace.get("__annotations__", {}).items()
            if not str(annotation).startswith(("ClassVar", "typing.ClassVar"))
        ]
        # A slot and a class attribute cannot share a name: defaults move to the __init__.
        defaults = {field: namespace.pop(field, _MISSING) for field in own}
        namespace["__slots__"] = tuple(own)
        cls = super().__new__(mcs, name, bases, namespace)
        inherited: tuple[str, ...] = getattr(cls, "_fields", ())
        fields = (*inherited, *own)
        cls._fields = fields  # type: ignore[attr-defined]
        cls._defaults = {**getattr(cls, "_defaults", {}), **defaults}  # type: ignore[attr-defined]
        if len(fields) > 1:
            cls._values = staticmethod(attrgetter(*fields))  # type: ignore[attr-defined]
        elif fields:
            single = attrgetter(fields[0])
            cls._values = staticmethod(lambda record: (single(record),))  # type: ignore[attr-defined]
        if own:
            init, new = _compile(cls, fields)
            cls.__init__ = init  # type: ignore[misc]
            cls.new = classmethod(new)  # type: ignore[attr-defined]
        return cls


def _compile(cls: type, fields: tuple[str, ...]) -> tuple[Any, Any]:
    """The ``__init__`` and `Record.new` of a class: both take the fields in order, by
    position or name, and set each one on the record."""
    defaults = cls._defaults  # type: ignore[attr-defined]
    parameters = ", ".join(
        field if defaults[field] is _MISSING else f"{field}=_defaults[{field!r}]"
        for field in fields
    )
    body = "".join(f"\n    self.{field} = {field}" for field in fields)
    source = (
        f"def __init__(self, {parameters}):{body}\n"
        f"def new(cls, {parameters}):\n    self = _object_new(cls){body}\n    return self\n"
    )
    namespace: dict[str, Any] = {}
    exec(source, {"_defaults": defaults, "_object_new": object.__new__}, namespace)
    for name in ("__init__", "new"):
        namespace[name].__qualname__ = f"{cls.__qualname__}.{name}"
    return namespace["__init__"], namespace["new"]


class Record(metaclass=_RecordType):
    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]]
    _values: ClassVar[Any] = staticmethod(lambda record: ())

    @classmethod
    def new(cls: type[R], *args: Any, **fields: Any) -> R:
        """The record ``cls(*args, **fields)`` makes, without a class call: CPython
        passes a class call's keyword arguments through a dict, and a function call
        does not. For the records made by name once per layer."""
        raise NotImplementedError  # each subclass with fields gets its own

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return bool(self._values(self) == self._values(other))

    def __hash__(self) -> int:
        return hash(self._values(self))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({fields})"


def replace(record: R, **changes: Any) -> R:
    """A copy with some fields changed, like ``dataclasses.replace``."""
    values = {name: getattr(record, name) for name in record._fields}
    values.update(changes)
    return type(record)(**values)
