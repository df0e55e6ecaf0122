"""Plain data for table-driven tests."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Case:
    title: str
    input_shape: tuple[int, ...]
    layer: dict[str, Any]
    output: tuple[int, ...]
    figures: dict[str, int] = field(default_factory=dict)

    @property
    def neurons(self) -> int:
        return math.prod(self.output)
