"""Resource bounds against hostile input, in one place, each configurable.

A calculator that runs in CI must refuse absurd input quickly instead of exhausting
memory or time. Every bound has a default that no real architecture comes near, and an
environment variable that changes it (read on every use, so tests and wrappers can set
it per call). The README's robustness section states the same table.
"""

from __future__ import annotations

import os

from cnncalc.errors import CnncalcError, Position
from cnncalc.record import Record


class Limits(Record):
    # LeNet-5 is 1 KiB, ResNet-50 5 KiB, a generated 100,000-layer chain 6.6 MiB.
    file_bytes: int = 32 * 2**20
    # Values (scalars, lists, mappings, keys) in the document with every alias
    # expanded; a 100,000-layer chain of convs holds about 1.2 million.
    nodes: int = 2000000
    # Nested lists/mappings; an architecture needs 5 (blocks: 7).
    depth: int = 100
    # Decimal digits of one integer written in the file (10^30 filters is 31 digits).
    int_digits: int = 100
    # Decimal digits of any computed figure; Python refuses to print integers of
    # more than 4,300 digits (sys.get_int_max_str_digits), and no network comes
    # near 10^600.
    figure_digits: int = 600

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
}


def current() -> Limits:
    """The defaults, overridden by any CNNCALC_MAX_* environment variable that is set."""
    changes: dict[str, int] = {}
    for name, variable in ENVIRONMENT.items():
        text = os.environ.get(variable)
        if text is None or not text.strip():
            continue
        try:
            value = int(text.strip().replace("_", ""))
        except ValueError:
            value = 0
        if value <= 0 or len(text) > 20:
            raise CnncalcError(
                "$" + variable,
                Position(1, 1),
                f"must be a positive whole number (default {getattr(DEFAULT, name)}), "
                f"got {text[:40]!r}",
            )
        changes[name] = value
    return Limits(**changes) if changes else DEFAULT
