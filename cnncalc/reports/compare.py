"""`compare`: parameters with sharing, without sharing, and fully connected, side by side.

Counts stay exact integers; ratios are exact fractions (None where the shared count is
0). Also the ranking behind `--sort` and `--top`, which `show` uses as well. No click,
no rich.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import TypeVar

from cnncalc.figures.analysis import Analysis, LayerResult, Totals
from cnncalc.record import Record, replace

T = TypeVar("T")

# Figures `--sort` accepts, heaviest first.
SORT_KEYS = ("params", "params_unshared", "params_dense", "connections", "macs", "neurons")


class Counts(Record):
    """One row of `compare`: a layer, an architecture, or a total."""

    name: str
    type: str  # the layer type; "" for an architecture or a total
    params: int
    params_unshared: int
    params_dense: int

    @property
    def ratio_unshared(self) -> Fraction | None:
        """How many times more parameters without weight sharing."""
        return ratio(self.params_unshared, self.params)

    @property
    def ratio_dense(self) -> Fraction | None:
        """How many times more parameters for the fully connected equivalent."""
        return ratio(self.params_dense, self.params)


class Document(Record):
    """One architecture as `--format json` prints it: show's document, with counts (and
    so ratios) for each of its layers and its totals."""

    analysis: Analysis
    layers: tuple[Counts, ...]
    total: Counts


def document(analysis: Analysis) -> Document:
    return Document(
        analysis,
        tuple(counts(row.name, row.type, row) for row in analysis.layers),
        counts("Total", "", analysis.totals),
    )


class Comparison(Record):
    """What `compare` reports: per layer (one architecture) or per architecture."""

    per_layer: bool
    rows: tuple[Counts, ...]
    total: Counts | None  # the network's totals; None across architectures (no sum of
    # unrelated networks)
    # What `--format json` prints: show's documents, ranked and cut like the rows.
    documents: tuple[Document, ...]
    shown: int  # rows shown, after --top
    of: int  # rows before --top


def ratio(numerator: int, denominator: int) -> Fraction | None:
    return Fraction(numerator, denominator) if denominator else None


def counts(name: str, type_name: str, figures: LayerResult | Totals) -> Counts:
    return Counts(name, type_name, figures.params, figures.params_unshared, figures.params_dense)


def has_counts(row: LayerResult) -> bool:
    """Layers `compare` lists: those with parameters (trainable or fixed) or that would
    have some without sharing or fully connected. Layers that only reshape, merge or act
    elementwise would be rows of zeros."""
    return row.has_parameters or row.params_unshared > 0 or row.params_dense > 0


def ranked(items: Sequence[T], value: Callable[[T], int], sort: bool, top: int | None) -> list[T]:
    """Heaviest first when sorting (ties keep file order), then the first ``top``."""
    ordered = sorted(items, key=lambda item: -value(item)) if sort else list(items)
    return ordered if top is None else ordered[:top]


def compare(
    analyses: Sequence[Analysis],
    sort: str | None = None,
    top: int | None = None,
    local: frozenset[str] = frozenset(),
) -> Comparison:
    """One analysis: its layers; several: one row per architecture. ``sort`` names a
    figure (SORT_KEYS); ``top`` keeps the heaviest N (by params when ``sort`` is None).
    The total covers every layer, not only the rows kept. ``local``: names of the
    locally connected layers (no weight sharing), whose type reads `conv (local)`."""
    key = sort or "params"
    if len(analyses) == 1:
        analysis = analyses[0]
        layers = [row for row in analysis.layers if has_counts(row)]
        chosen = ranked(layers, lambda row: row.figure(key), sort is not None or bool(top), top)
        return Comparison(
            per_layer=True,
            rows=tuple(
                counts(row.name, f"{row.type} (local)" if row.name in local else row.type, row)
                for row in chosen
            ),
            total=counts("Total", "", analysis.totals),
            documents=(document(select_layers(analysis, sort, top)),),
            shown=len(chosen),
            of=len(layers),
        )
    chosen_analyses = ranked(
        analyses, lambda a: a.totals.figure(key), sort is not None or bool(top), top
    )
    return Comparison(
        per_layer=False,
        rows=tuple(counts(a.name, "", a.totals) for a in chosen_analyses),
        total=None,
        documents=tuple(document(a) for a in chosen_analyses),
        shown=len(chosen_analyses),
        of=len(analyses),
    )


def select_layers(analysis: Analysis, sort: str | None, top: int | None) -> Analysis:
    """`show --sort/--top`: the same analysis with its layers ranked; totals unchanged."""
    if sort is None and top is None:
        return analysis
    key = sort or "params"
    layers = ranked(analysis.layers, lambda row: row.figure(key), True, top)
    return replace(analysis, layers=tuple(layers))
