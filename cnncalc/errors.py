"""Errors and warnings that point at a place in an architecture file."""

from __future__ import annotations

from cnncalc.record import Record
from cnncalc.visible import visible


class Position(Record):
    """A 1-based line and column in a source file."""

    line: int
    column: int


UNKNOWN_POSITION = Position(1, 1)


class CnncalcError(Exception):
    """Bad input: rendered as ``FILE:LINE:COL: message`` and exit status 2."""

    def __init__(self, source: str, position: Position | None, message: str) -> None:
        super().__init__(message)
        self.source = source
        self.position = position or UNKNOWN_POSITION
        self.message = message

    def __str__(self) -> str:
        # One line, whatever a path or a name from the file holds.
        return visible(f"{self.source}:{self.position.line}:{self.position.column}: {self.message}")

    def __reduce__(self) -> tuple[type[CnncalcError], tuple[str, Position, str]]:
        # Rebuilt from its three parts (``Exception`` would pass only the message),
        # so an error travels intact from a `check` worker process.
        return (type(self), (self.source, self.position, self.message))


class Diagnostic(Record):
    """A warning: the analysis goes on, unless the caller asked to be strict."""

    source: str
    position: Position
    message: str

    def __str__(self) -> str:
        return visible(f"{self.source}:{self.position.line}:{self.position.column}: {self.message}")

    def as_error(self) -> CnncalcError:
        return CnncalcError(self.source, self.position, self.message)
