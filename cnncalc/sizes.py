"""Budget sizes: `61000`, `61_000`, `61k`, `25M`, `4.1G`, parsed exactly (no floats)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

SUFFIXES = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12, "p": 10**15}
_SIZE = re.compile(r"^\s*(?P<number>[0-9][0-9_]*(?:\.[0-9_]*)?)\s*(?P<suffix>[a-zA-Z]*)\s*$")


class SizeError(ValueError):
    """Not a size; the message says what a size looks like."""


def parse_size(text: str) -> int:
    """The exact integer a size stands for; k, M, G, T, P are powers of 1000."""
    match = _SIZE.match(text)
    if not match:
        raise SizeError(
            f"{text!r} is not a size; write a non-negative whole number with an optional "
            "suffix k, M, G, T or P, like 61000, 61_000, 61k, 25M or 4.1G"
        )
    suffix = match["suffix"]
    multiplier = SUFFIXES.get(suffix.lower())
    if multiplier is None:
        raise SizeError(
            f"{text!r} has an unknown suffix {suffix!r}; use k, M, G, T or P (powers of 1000)"
        )
    digits = match["number"].replace("_", "")
    try:
        value = Decimal(digits) * multiplier
    except InvalidOperation:
        raise SizeError(f"{text!r} is not a size") from None
    if value != value.to_integral_value():
        raise SizeError(f"{text!r} is not a whole number of units ({value})")
    return int(value)
