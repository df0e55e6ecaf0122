"""The `cnncalc` console script: the command line without the cyclic garbage collector.

A command runs for milliseconds to seconds and builds data without reference cycles
(document nodes, layers, results, rows), which reference counting frees as soon as
it is done with. The cyclic collector would only walk, again and again, the objects
that importing click, rich and PyYAML leaves alive: about a tenth of `show lenet5`'s
start-up. What it would collect is small: `check` over 1,000 architecture files
leaves about 400 cyclic objects (exception tracebacks, mostly) for the process's
exit to reclaim. The library (`import cnncalc`) leaves the collector alone.
"""

from __future__ import annotations

import gc


def main(argv: list[str] | None = None) -> int:
    gc.disable()  # before click is imported: its import is a third of the start-up
    try:
        from cnncalc.cli import main as run
    except KeyboardInterrupt:  # Ctrl-C while starting: the same status as later
        return 130
    return run(argv)
