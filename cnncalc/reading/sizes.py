"""Budget sizes: `61000`, `61_000`, `61k`, `25M`, `4.1G`, parsed exactly (no floats).

Integers only: `4.1G` is 41 · 10⁹ / 10 (``decimal`` would do the same and cost a
LeNet-5 with budgets 2 ms of start-up to import).
"""

from __future__ import annotations

import re

SUFFIXES = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12, "p": 10**15}
MAX_DIGITS = 600  # as many as a computed figure may have (cnncalc.reading.limits)
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
    whole, _, fraction = match["number"].replace("_", "").partition(".")
    if len(whole) + len(fraction) > MAX_DIGITS:
        raise SizeError(
            f"{text[:20]!r}… has more than {MAX_DIGITS} digits; no figure is that large"
        )
    scale: int = 10 ** len(fraction)
    units, remainder = divmod(int(whole + fraction) * multiplier, scale)
    if remainder:
        decimals = f"{remainder:0{len(fraction)}d}".rstrip("0")
        raise SizeError(f"{text!r} is not a whole number of units ({units}.{decimals})")
    return units
