"""Names of the figures, in a module that imports nothing.

The loader, the analysis and the command line's option declarations all read these;
keeping them here lets `cnncalc --help` build its options without importing the core.
"""

from __future__ import annotations

# The figures of docs/figures.md, in the order tables and json show them.
FIGURE_KEYS = (
    "neurons",
    "params",
    "non_trainable",
    "params_unshared",
    "params_dense",
    "connections",
    "macs",
)

# The figures a `budgets:` mapping or a --max-* flag may cap.
BUDGET_FIGURES = (
    "params",
    "non_trainable",
    "params_unshared",
    "params_dense",
    "connections",
    "macs",
    "neurons",
)
