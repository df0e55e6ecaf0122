"""Text that falls back to ASCII when the console cannot encode Unicode."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

ASCII = str.maketrans({"×": "x", "−": "-", "·": "*", "→": "->", "…": "...", "—": "-"})
ASCII_WORDS = (("Σ", "sum"), ("≈", "~"))


def to_ascii(text: str) -> str:
    for word, plain in ASCII_WORDS:
        text = text.replace(word, plain)
    return text.translate(ASCII)


class Fallback:
    """A rich renderable: ``fancy`` on a Unicode console, ``plain`` on any other
    (rich's ``options.ascii_only``: the console's encoding is not UTF)."""

    def __init__(self, fancy: Text, plain: Text | None = None) -> None:
        self.fancy = fancy
        if plain is None:
            plain = fancy.copy()
            plain.plain = to_ascii(fancy.plain)
        self.plain = plain

    def _choose(self, options: ConsoleOptions) -> Text:
        return self.plain if options.ascii_only else self.fancy

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self._choose(options)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self._choose(options))


def glyph_text(text: str, style: str = "") -> Fallback:
    return Fallback(Text(text, style=style))
