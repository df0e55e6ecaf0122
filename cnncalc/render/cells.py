"""A table cell that rich lays out without wrapping it, for one-line text.

rich renders each `Text` cell by wrapping and justifying it, about two thirds of the
time `show lenet5` spends in rich. A cell of one line that fits its column needs none
of that: `Cell` measures like `Text` (longest word, whole line), writes itself as
one padded segment when it fits, and hands over to a folding `Text` when the column
is narrower (digits are never hidden), so the table looks the same either way.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text


class Cell:
    __slots__ = ("min_width", "style", "text", "width")

    def __init__(self, text: str, style: str = "") -> None:
        # One line, no markup: the callers send anything else as Text.
        self.text = text
        self.style = style
        self.width = cell_len(text)
        words = text.split()
        self.min_width = max(cell_len(word) for word in words) if len(words) > 1 else self.width

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(self.min_width, self.width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        if self.width > width:
            yield Text(self.text, style=self.style, justify=options.justify, overflow="fold")
            return
        style = console.get_style(self.style) if self.style else None
        space = width - self.width
        # One segment, spaces included, as a justified Text renders (same bytes out).
        if options.justify == "right":
            yield Segment(" " * space + self.text, style)
        elif options.justify == "center":
            yield Segment(" " * (space // 2) + self.text + " " * (space - space // 2), style)
        else:
            yield Segment(self.text + " " * space, style)
