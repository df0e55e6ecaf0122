"""Resource bounds against hostile input, in one place, each configurable.

A calculator that runs in CI must refuse absurd input quickly instead of exhausting
memory or time. Every bound has a default that no real architecture comes near, and an
environment variable that changes it (read on every use, so tests and wrappers can set
it per call). docs/hostile-input.md states the same table.
"""

from __future__ import annotations

import os
from contextlib import suppress
from typing import BinaryIO

from cnncalc.errors import CnncalcError, Position
from cnncalc.record import Record


class Limits(Record):
    # LeNet-5 is 1 KiB, ResNet-50 5 KiB, a generated 10,000-layer chain 0.4 MiB.
    # Larger files let long names through that a table takes long to fold
    # (10,000 rows of 3 KiB names, 32 MiB: half a minute).
    file_bytes: int = 4 * 2**20
    # Values (scalars, lists, mappings, keys) in the document with every alias
    # expanded; a 10,000-layer chain of convs holds about 120,000.
    nodes: int = 2_000_000
    # Nested lists/mappings; an architecture needs 5 (blocks: 7).
    depth: int = 100
    # Decimal digits of one integer written in the file (10^30 filters is 31 digits).
    int_digits: int = 100
    # Decimal digits of any computed figure; Python refuses to print integers of
    # more than 4,300 digits (sys.get_int_max_str_digits), and no network comes
    # near 10^600.
    figure_digits: int = 600
    # Layers after blocks are expanded. The largest real CNNs have a few thousand.
    # The bound keeps every output within seconds: a table of 10,000 rows takes
    # rich about 4 s, one of 100,000 over a minute.
    layers: int = 10_000

    @property
    def figure_bits(self) -> int:
        """Bits of the smallest power of two above 10^figure_digits - 1."""
        return int(10**self.figure_digits).bit_length()


DEFAULT = Limits()

ENVIRONMENT = {
    "file_bytes": "CNNCALC_MAX_FILE_BYTES",
    "nodes": "CNNCALC_MAX_NODES",
    "depth": "CNNCALC_MAX_DEPTH",
    "int_digits": "CNNCALC_MAX_INT_DIGITS",
    "figure_digits": "CNNCALC_MAX_FIGURE_DIGITS",
    "layers": "CNNCALC_MAX_LAYERS",
}

# The largest value each variable accepts: beyond these the bound no longer protects
# (Python itself refuses to print integers of more than 4,300 digits; a depth past a
# few thousand levels meets the interpreter's recursion limit in PyYAML's own code).
MAXIMUM = {
    "file_bytes": 2**30,
    "nodes": 100_000_000,
    "depth": 1_000,
    "int_digits": 4_300,
    "figure_digits": 4_300,
    "layers": 10_000_000,
}
READ_CHUNK = 2**20


def current() -> Limits:
    """The defaults, overridden by any CNNCALC_MAX_* environment variable that is set."""
    changes: dict[str, int] = {}
    for name, variable in ENVIRONMENT.items():
        text = os.environ.get(variable)
        if text is None or not text.strip():
            continue
        value = 0
        if len(text) <= 40:
            with suppress(ValueError):
                value = int(text.strip().replace("_", ""))
        if not 0 < value <= MAXIMUM[name]:
            raise CnncalcError(
                "$" + variable,
                Position(1, 1),
                f"must be a positive whole number up to {MAXIMUM[name]:,} "
                f"(default {getattr(DEFAULT, name):,}), got {text[:40]!r}",
            )
        changes[name] = value
    return Limits(**changes) if changes else DEFAULT


def read_bounded(stream: BinaryIO, bound: int) -> bytes:
    """At most ``bound`` + 1 bytes of ``stream`` (one more tells that it is too long),
    read in pieces: no buffer is sized by the limit, whatever the limit is set to."""
    pieces = []
    left = bound + 1
    while left > 0:
        piece = stream.read(min(left, READ_CHUNK))
        if not piece:
            break
        pieces.append(piece)
        left -= len(piece)
    return b"".join(pieces)
