"""The numbers a kind's formulas are written over, so that each formula is stated once.

A kind writes its figures as ordinary integer arithmetic over numbers it asks of
``x`` (``x.num("filters", self.filters)``, ``x.kernel(sizes)``, ...). The analysis
passes `NUMBERS`, which hands back the plain integers: the formula costs what the
arithmetic costs. `cnncalc explain` passes a `Symbols`, which hands back `Term`s: an
int that also carries how it was written, in symbols (``neurons × (F × F × Cin + 1)``)
and with the numbers substituted (``290,400 × (11 × 11 × 3 + 1)``); arithmetic on
terms builds both texts. So a step's text and its value cannot drift apart, and the
value is the one the analysis reports.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

from cnncalc.model.shapes import AXIS_NAMES

# How tightly an expression binds, to know when it needs parentheses.
SUM, PRODUCT, ATOM = 1, 2, 3

# The letter of each spatial axis in formulas.
SYMBOLS = {"length": "L", "depth": "D", "height": "H", "width": "W"}


def n(value: int) -> str:
    """A number inside a substituted expression: thousands separators, like the tables."""
    return f"{value:,}"


def _wrap(text: str, rank: int, least: int) -> str:
    return f"({text})" if rank < least else text


class Term(int):
    """An int that also carries its formula in symbols and with the numbers substituted.

    Only ``+``, ``−``, ``×`` and exact ``//`` (written ``/``) build texts, and the
    methods of `Symbols` (``floor_div``, ``ceil_div``, ``max``, ...); any other operation
    gives a plain int, which a step shows as its number.
    """

    formula: str
    text: str
    formula_rank: int
    text_rank: int

    def __new__(
        cls,
        value: int,
        formula: str,
        text: str,
        formula_rank: int = ATOM,
        text_rank: int = ATOM,
    ) -> Term:
        term = super().__new__(cls, value)
        term.formula, term.text = formula, text
        term.formula_rank, term.text_rank = formula_rank, text_rank
        return term

    def _join(self, other: int, sign: str, value: int, rank: int, right: int) -> Term:
        """self SIGN other, parenthesising an operand that binds less than ``right``
        on the right side (or than ``rank`` on the left)."""
        b = as_term(other)
        return Term(
            value,
            f"{_wrap(self.formula, self.formula_rank, rank)} {sign} "
            f"{_wrap(b.formula, b.formula_rank, right)}",
            f"{_wrap(self.text, self.text_rank, rank)} {sign} {_wrap(b.text, b.text_rank, right)}",
            rank,
            rank,
        )

    # A sum on the right keeps its parentheses, so the grouping written stays visible.
    def __add__(self, other: int) -> Term:
        return self._join(other, "+", int(self) + int(other), SUM, PRODUCT)

    def __radd__(self, other: int) -> Term:
        return as_term(other) + self

    def __sub__(self, other: int) -> Term:
        return self._join(other, "−", int(self) - int(other), SUM, PRODUCT)

    def __rsub__(self, other: int) -> Term:
        return as_term(other) - self

    def __mul__(self, other: int) -> Term:
        return self._join(other, "×", int(self) * int(other), PRODUCT, PRODUCT)

    def __rmul__(self, other: int) -> Term:
        return as_term(other) * self

    def __floordiv__(self, other: int) -> Term:
        quotient, remainder = divmod(int(self), int(other))
        assert not remainder, "a formula divides exactly"
        return self._join(other, "/", quotient, PRODUCT, ATOM)


def as_term(value: int) -> Term:
    """A number as a term: itself, or a constant written as its digits."""
    return value if isinstance(value, Term) else Term(value, n(value), n(value))


def kernel_symbols(kernel: Sequence[int]) -> list[str]:
    """F for each axis of a square (cubic) kernel, else Fl, Fd, Fh, Fw."""
    if len(set(kernel)) == 1:
        return ["F"] * len(kernel)
    return [f"F{SYMBOLS[name].lower()}" for name in AXIS_NAMES[len(kernel)]]


class Numbers:
    """The plain numbers, for the analysis: each method returns the value it is given
    (or their product), so a formula written over them is integer arithmetic."""

    def num(self, symbol: str, value: int) -> int:
        """The number ``value``, written ``symbol`` in a formula."""
        return value

    def kernel(self, kernel: Sequence[int]) -> int:
        """The window's size: F × F, Fh × Fw, ..."""
        return math.prod(kernel)

    def named(self, symbol: str, value: int, text: Callable[[], str]) -> int:
        """A quantity written ``symbol`` in a formula and ``text()`` with the numbers
        (a product or a sum of them, called for explain only)."""
        return value

    def positions(self, sizes: Sequence[int], suffix: str = "") -> int:
        """The positions of a spatial shape: H × W (with ``suffix``: H_in × W_in)."""
        return math.prod(sizes)

    def total(self, over: str, parts: Sequence[tuple[int, int]]) -> int:
        """Σ over ``over`` of a formula, given as (how many, value) for each distinct value."""
        return sum(count * value for count, value in parts)

    def step(self, key: str, value: int) -> int:
        """An intermediate quantity shown as a step of its own (``key``), then used by
        its name."""
        return value

    def floor_div(self, a: int, b: int) -> int:
        """a / b rounded down: written ``floor(a / b)``, or ``a / b`` when exact."""
        return a // b

    def ceil_div(self, a: int, b: int) -> int:
        """a / b rounded up: written ``ceil(a / b)``, or ``a / b`` when exact."""
        return -(-a // b)

    def max(self, a: int, b: int) -> int:
        """The larger of a and b: written ``max(a, b)``."""
        return a if a >= b else b

    def sum(self, over: str, values: Sequence[int]) -> int:
        """The sum of ``values``: written ``Σ over OVER``, and with the numbers added."""
        return sum(values)


NUMBERS = Numbers()


class Symbols(Numbers):
    """The numbers as terms, for `cnncalc explain`; `steps` collects the intermediate
    quantities in the order the formulas use them."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, Term]] = []

    def num(self, symbol: str, value: int) -> Term:
        return Term(int(value), symbol, n(value))

    def named(self, symbol: str, value: int, text: Callable[[], str]) -> Term:
        written = text()
        rank = SUM if " + " in written else PRODUCT if " × " in written else ATOM
        return Term(value, symbol, written, ATOM, rank)

    def kernel(self, kernel: Sequence[int]) -> Term:
        return _product(self.num(s, v) for s, v in zip(kernel_symbols(kernel), kernel, strict=True))

    def positions(self, sizes: Sequence[int], suffix: str = "") -> Term:
        names = AXIS_NAMES[len(sizes)]
        return _product(
            self.num(SYMBOLS[name] + suffix, size) for name, size in zip(names, sizes, strict=True)
        )

    def total(self, over: str, parts: Sequence[tuple[int, int]]) -> Term:
        summand = as_term(parts[0][1])
        return Term(
            sum(count * int(value) for count, value in parts),
            f"Σ over {over} {_wrap(summand.formula, summand.formula_rank, PRODUCT)}",
            " + ".join(
                f"{n(count)} × {_wrap(as_term(v).text, as_term(v).text_rank, PRODUCT)}"
                for count, v in parts
            ),
            PRODUCT,
            SUM,
        )

    def step(self, key: str, value: int) -> Term:
        term = as_term(value)
        self.steps.append((key, term))
        return Term(int(term), key.replace("_", " "), n(term))

    def floor_div(self, a: int, b: int) -> Term:
        return _rounded("floor", a, b, int(a) // int(b))

    def ceil_div(self, a: int, b: int) -> Term:
        return _rounded("ceil", a, b, -(-int(a) // int(b)))

    def max(self, a: int, b: int) -> Term:
        x, y = as_term(a), as_term(b)
        return Term(
            max(int(x), int(y)),
            f"max({x.formula}, {y.formula})",
            f"max({x.text}, {y.text})",
        )

    def sum(self, over: str, values: Sequence[int]) -> Term:
        terms = [as_term(value) for value in values]
        return Term(
            sum(map(int, terms)),
            f"Σ over {over}",
            " + ".join(_wrap(term.text, term.text_rank, PRODUCT) for term in terms),
            ATOM,
            SUM if len(terms) > 1 else terms[0].text_rank,
        )


def _rounded(name: str, a: int, b: int, value: int) -> Term:
    """a / b, inside ``name(…)`` (floor, ceil) only when the division is not exact: an
    exact division needs no rounding, and a student writes none."""
    numerator = as_term(a)
    if not int(numerator) % int(b):
        return numerator // b
    quotient = numerator._join(b, "/", value, PRODUCT, ATOM)
    return Term(value, f"{name}({quotient.formula})", f"{name}({quotient.text})")


def _product(terms: Iterable[Term]) -> Term:
    result: Term | None = None
    for term in terms:
        result = term if result is None else result * term
    assert result is not None
    return result
