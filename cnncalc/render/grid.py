"""A table laid out from its cell texts, then printed as one rich `Text`.

Column widths are the widest cell of each column, so a number, name, shape or header
is never split or cut. When the columns do not fit the width, the columns that may
drop leave, lowest rank first, and a footer line names them; when even the kept
columns do not fit, the gaps narrow, and past that the lines stay whole (longer than
the width) under a note that says so. The look is rich's SIMPLE_HEAD box: a rule
under the headers, a blank line before the total row, the title and caption centred.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text

from cnncalc.record import Record

# A cell is plain text, or a styled rich Text (one line) such as a bar.
CellText = str | Text


class Column(Record):
    header: str  # lines separated by "\n", bottom-aligned
    right: bool = False  # numbers are right-aligned
    rank: int | None = None  # None: never dropped; else lower ranks drop first


class Grid(Record):
    # Its rows may be lists: compared by value, never hashed.
    __hash__: ClassVar[None] = None  # type: ignore[assignment]

    title: str
    columns: tuple[Column, ...]
    rows: Sequence[Sequence[CellText]]
    total: Sequence[CellText] | None = None  # after a blank line, in bold
    caption: str = ""  # lines separated by "\n", each wrapped to the table's width
    hint: str = "a wider terminal or --columns shows them"  # how to see hidden columns


class _Style(Record):
    edge: str  # before the first and after the last cell
    gap: str  # between two cells
    stacked: bool = False  # the first cell on a line of its own, the rest indented


_ROOMY = _Style("  ", "   ")  # rich's SIMPLE_HEAD with padding (0, 1)
_TIGHT = _Style("", " ")
_STACKED = _Style("", " ", stacked=True)
_INDENT = "  "  # of a stacked row's second line


def _widths(grid: Grid) -> list[int]:
    widths = [max(cell_len(line) for line in c.header.split("\n")) for c in grid.columns]
    rows = [*grid.rows, *([grid.total] if grid.total is not None else [])]
    for row in rows:
        for i, cell in enumerate(row):
            size = cell_len(cell.plain if isinstance(cell, Text) else cell)
            if size > widths[i]:
                widths[i] = size
    return widths


def _table_width(widths: Sequence[int], style: _Style) -> int:
    if style.stacked:
        return max(widths[0], len(_INDENT) + _table_width(widths[1:], _TIGHT))
    return sum(widths) + len(style.gap) * (len(widths) - 1) + 2 * len(style.edge)


def natural_width(grid: Grid) -> int:
    """The width of ``grid`` with every column, roomy."""
    return _table_width(_widths(grid), _ROOMY)


def kept_columns(grid: Grid, width: int) -> list[int]:
    """The indices of the columns ``render`` keeps at ``width``."""
    return _layout(grid, _widths(grid), width)[0]


def _layout(grid: Grid, widths: list[int], width: int) -> tuple[list[int], _Style]:
    """Which columns to keep (their indices) and the spacing, for ``width``: the
    roomiest spacing at which dropping columns makes the table fit, else stacked rows
    with the columns that may drop dropped."""
    order = sorted(
        (i for i, c in enumerate(grid.columns) if c.rank is not None),
        key=lambda i: grid.columns[i].rank or 0,
    )
    for style in (_ROOMY, _TIGHT, _STACKED):
        kept = list(range(len(grid.columns)))
        droppable = list(order)
        while _table_width([widths[i] for i in kept], style) > width and droppable:
            kept.remove(droppable.pop(0))
        if _table_width([widths[i] for i in kept], style) <= width:
            return kept, style
    # The first cell alone is wider than the terminal: drop only what the indented line
    # of the other cells needs.
    kept = list(range(len(grid.columns)))
    droppable = list(order)
    while len(_INDENT) + _table_width([widths[i] for i in kept[1:]], _TIGHT) > width and droppable:
        kept.remove(droppable.pop(0))
    return kept, _STACKED


def _centred(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        wrapped = textwrap.wrap(
            paragraph, width, break_long_words=False, break_on_hyphens=False
        ) or [""]
        for line in wrapped:
            left = (width - cell_len(line)) // 2
            lines.append(" " * left + line + " " * max(0, width - left - cell_len(line)))
    return lines


class _Builder:
    """Appends to one Text, joining runs of plain strings before each styled piece."""

    def __init__(self) -> None:
        self.text = Text()
        self.plain: list[str] = []

    def add(self, piece: CellText, style: str = "") -> None:
        if isinstance(piece, Text):
            self.flush()
            self.text.append_text(piece)
        elif style:
            self.flush()
            self.text.append(piece, style)
        else:
            self.plain.append(piece)

    def flush(self) -> None:
        if self.plain:
            self.text.append("".join(self.plain))
            self.plain = []


def render(grid: Grid, width: int, ascii_only: bool = False) -> Text:
    """The table as it fits ``width`` columns (see the module's note); ``ascii_only``:
    the rule is drawn with "-" for a console that cannot encode "─"."""
    all_widths = _widths(grid)
    kept, style = _layout(grid, all_widths, width)
    widths = [all_widths[i] for i in kept]
    columns = [grid.columns[i] for i in kept]
    table_width = _table_width(widths, style)
    out = _Builder()

    joiners = [style.edge] + [style.gap] * (len(kept) - 1)
    if style.stacked and len(kept) > 1:
        joiners[1] = " " * (table_width - widths[0]) + "\n" + _INDENT
    specs = [(i, size, grid.columns[i].right) for i, size in zip(kept, widths, strict=True)]

    def row(cells: Sequence[CellText], row_style: str = "") -> None:
        pieces: list[CellText] = []
        plain = True
        for joiner, (i, size, right) in zip(joiners, specs, strict=True):
            cell = cells[i]
            if isinstance(cell, Text):
                plain = False
                space = " " * (size - cell_len(cell.plain))
            else:
                space = " " * (size - cell_len(cell))
            pieces += (joiner, space, cell) if right else (joiner, cell, space)
        pieces.append(style.edge + "\n")
        if style.stacked and len(specs) > 1 and cells[specs[0][0]] == "":
            pieces[:4] = [_INDENT]  # no first cell: no line of its own (upper header lines)
        if plain:
            # One run, spaces included, as rich pads a styled cell.
            out.add("".join(str(piece) for piece in pieces), row_style)
        else:
            for piece in pieces:
                out.add(piece)

    for line in _centred(grid.title, table_width):
        out.add(line, "table.title")
        out.add("\n")
    out.add(" " * table_width + "\n")
    header_lines = [c.header.split("\n") for c in columns]
    height = max(len(lines) for lines in header_lines)
    for level in range(height):
        # Bottom-aligned: a one-line header sits on the last line.
        heads = iter(
            lines[level - height + len(lines)] if level >= height - len(lines) else ""
            for lines in header_lines
        )
        row([next(heads) if i in kept else "" for i in range(len(grid.columns))], "table.header")
    edge = len(style.edge) // 2
    rule = "-" if ascii_only else "─"
    out.add(" " * edge + rule * (table_width - 2 * edge) + " " * edge + "\n")
    for cells in grid.rows:
        row(cells)
    if grid.total is not None:
        out.add(" " * table_width + "\n")
        row(grid.total, "bold")
    out.add(" " * table_width + "\n")
    if grid.caption:
        for line in _centred(grid.caption, table_width):
            out.add(line, "table.caption")
            out.add("\n")
    hidden = [
        c.header.replace("-\n", "-").replace("\n", " ")
        for i, c in enumerate(grid.columns)
        if i not in kept
    ]
    if hidden:
        note = f"Hidden to fit {width} columns: {', '.join(hidden)}; {grid.hint}."
        out.add(wrapped(note, width) + "\n", "dim")
    if table_width > width:
        note = (
            f"This table needs {table_width} columns and has {width}, so its lines "
            "wrap; --format csv or markdown prints it without a width."
        )
        out.add(wrapped(note, width) + "\n", "dim")
    out.flush()
    out.text.right_crop(1)  # the final newline: print adds one
    return out.text


def wrapped(text: str, width: int) -> str:
    """Prose under a table, wrapped at spaces to ``width`` (words stay whole)."""
    return "\n".join(
        "\n".join(
            textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False) or [""]
        )
        for line in text.split("\n")
    )
