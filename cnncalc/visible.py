"""Text from a file made safe to show: control characters become visible escapes.

A layer or architecture name is whatever the file says. Written raw to a terminal, an
escape sequence in it can retitle or clear the window; in a CI log, a newline can start
a forged workflow command; in XML, some characters are not allowed at all. Every
output that shows text from a file passes it through `visible` (or, for JSON, whose
strings are escaped already, `json_visible`). Pure: no rich, no click.
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL; line and paragraph separators; the bidirectional
# overrides and isolates that reorder what a reader sees; lone surrogates (which no
# UTF-8 stream can carry); and the two non-characters XML forbids.
_HIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if match.group() in "\t\n\r":
        return {"\t": "\\t", "\n": "\\n", "\r": "\\r"}[match.group()]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every hidden or controlling character written as a Python escape
    (`\\x1b`, `\\n`, `\\u202e`); ordinary text, accents and emoji unchanged."""
    if _HIDDEN.search(text) is None:
        return text
    return _HIDDEN.sub(_escape, text)


# What `json.dumps` leaves raw inside strings (it escapes C0 controls itself; outside
# strings there is only JSON's own whitespace, which must stay).
_HIDDEN_IN_JSON = re.compile(
    "[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)


def json_visible(document: str) -> str:
    """A JSON text with the characters `visible` escapes written as `\\uXXXX`.

    `json.dumps` already escapes C0 controls; this covers the rest (C1, bidirectional
    controls, separators) without changing the data a parser reads back.
    """
    if _HIDDEN_IN_JSON.search(document) is None:
        return document
    return _HIDDEN_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", document)
