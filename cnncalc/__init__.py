"""cnncalc: exact per-layer figures of convolutional neural networks.

The Python API (the same objects the command line renders)::

    import cnncalc
    arch = cnncalc.load("my_net.yaml")          # or a dict, or cnncalc.bundled("lenet5")
    result = cnncalc.analyse(arch)               # per-layer rows and totals
    result.layer("C1").connections               # 122304
    result.totals.params                         # 60000

Bad input raises `cnncalc.CnncalcError` with the command line's message (`str(error)`
is its `FILE:LINE:COL: message` line); a value of the wrong Python type, TypeError. The
bounds and the rest are in docs/hostile-input.md.

Imports are lazy so that `cnncalc --version` starts instantly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cnncalc._version import __version__

if TYPE_CHECKING:
    from cnncalc.errors import CnncalcError
    from cnncalc.figures.analysis import Analysis, LayerResult, Totals, analyse
    from cnncalc.reading.architecture import Architecture, from_text, load
    from cnncalc.reading.catalog import load as bundled

__all__ = [
    "Analysis",
    "Architecture",
    "CnncalcError",
    "LayerResult",
    "Totals",
    "__version__",
    "analyse",
    "bundled",
    "from_text",
    "load",
]

_LAZY = {
    "Analysis": "cnncalc.figures.analysis",
    "LayerResult": "cnncalc.figures.analysis",
    "Totals": "cnncalc.figures.analysis",
    "analyse": "cnncalc.figures.analysis",
    "Architecture": "cnncalc.reading.architecture",
    "from_text": "cnncalc.reading.architecture",
    "load": "cnncalc.reading.architecture",
    "bundled": "cnncalc.reading.catalog",
    "CnncalcError": "cnncalc.errors",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cnncalc' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), "load" if name == "bundled" else name)
