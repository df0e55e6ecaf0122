"""Reusable blocks (issue 5): expanded into plain layers before anything else reads them."""

from __future__ import annotations

from cnncalc.document import Mapping
from cnncalc.errors import CnncalcError


def expand(root: Mapping, source: str) -> Mapping:
    entry = root.entries["blocks"]
    raise CnncalcError(source, entry.key_position, "blocks are not supported yet")
