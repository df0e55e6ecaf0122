"""Warnings as a few lines: one per file and kind, then a count past a few files.

A warning's message reads "layer 'NAME': what happened ...: what it means"; warnings of
one file that end alike are one kind, told once with the layers named. Bundled files
are named by their bundled name, not by a path the user does not have.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from cnncalc.errors import Diagnostic
from cnncalc.render.text import shown

FILES_IN_FULL = 5  # past this many files with warnings, the rest are counted
FILES_BEFORE_COUNT = 3  # files shown in full before the count
NAMES_IN_FULL = 4  # past this many layers of one kind, the rest are counted

_LAYER = re.compile(r"^layer '((?:[^'\\]|\\.)*)': ")
STRICT_HINT = "--strict makes this an error"


def _kind(message: str) -> str:
    """What a warning says past its particulars (sizes, formulas): its last clause."""
    body = _LAYER.sub("", message)
    return body.rsplit("): ", 1)[-1]


def _layer(message: str) -> str | None:
    found = _LAYER.match(message)
    return None if found is None else found.group(1)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _names(names: Sequence[str]) -> str:
    if len(names) <= NAMES_IN_FULL:
        return ", ".join(shown(name) for name in names)
    shown_names = ", ".join(shown(name) for name in names[: NAMES_IN_FULL - 1])
    return f"{shown_names} and {len(names) - NAMES_IN_FULL + 1:,} more"


def _file_lines(diagnostics: Sequence[Diagnostic], source: str) -> list[str]:
    kinds: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        kinds.setdefault(_kind(diagnostic.message), []).append(diagnostic)
    lines = []
    for kind, group in kinds.items():
        layers = [name for d in group if (name := _layer(d.message)) is not None]
        if len(group) == 1 or len(layers) != len(group):
            lines += [f"{source}:{d.position.line}:{d.position.column}: {d.message}" for d in group]
        else:
            first = group[0].position
            lines.append(
                f"{source}:{first.line}:{first.column}: {_plural(len(group), 'layer')}: "
                f"{kind} ({_names(layers)}); {STRICT_HINT}"
            )
    return lines


def summary(
    diagnostics: Sequence[Diagnostic], display: Callable[[str], str] = lambda source: source
) -> list[str]:
    """The lines to print (without the "warning: " prefix), in the order warned.
    ``display`` names a file as the user knows it."""
    by_file: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        by_file.setdefault(diagnostic.source, []).append(diagnostic)
    files = list(by_file.items())
    told = files if len(files) <= FILES_IN_FULL else files[:FILES_BEFORE_COUNT]
    lines = [line for source, group in told for line in _file_lines(group, display(source))]
    rest = files[len(told) :]
    if rest:
        count = sum(len(group) for _, group in rest)
        lines.append(
            f"and {_plural(count, 'more warning')} in {_plural(len(rest), 'more file')} "
            "(--strict makes them errors)"
        )
    return lines
