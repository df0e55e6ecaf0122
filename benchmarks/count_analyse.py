"""Instructions per `analyse` of bundled networks, counted by valgrind's callgrind.

Wall time on a shared machine drifts by tens of percent; instruction counts do not.
This compares the analysis of this tree with another checkout of cnncalc (an older
commit, `git worktree add /tmp/old COMMIT`)::

    python benchmarks/count_analyse.py resnet50 densenet121 --against /tmp/old

Each count is (instructions of a process analysing N + 1 times − one analysing once)
/ N, so start-up, loading and the first analysis cancel out. The cyclic garbage
collector stays on, as a library caller has it; its full passes come once in so many
analyses, so N (``--passes``, 20) spreads them out. Needs valgrind.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The start of a child (also time_analyse.py's): import cnncalc from TREE (either
# package layout), load NET and analyse it once; the child's third argument follows.
LOAD_IN_CHILD = """
import importlib, os, sys
tree, net, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path.insert(0, tree)
nested = os.path.isdir(os.path.join(tree, "cnncalc", "figures"))
analysis = importlib.import_module("cnncalc.figures.analysis" if nested else "cnncalc.analysis")
catalog = importlib.import_module("cnncalc.reading.catalog" if nested else "cnncalc.catalog")
arch = catalog.load(net)
analysis.analyse(arch)
"""

# Then COUNT more analyses.
CHILD = (
    LOAD_IN_CHILD
    + """
for _ in range(count):
    analysis.analyse(arch)
"""
)


def instructions(tree: Path, net: str, passes: int) -> int:
    result = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-c",
            CHILD,
            str(tree),
            net,
            str(passes),
        ],
        capture_output=True,
        text=True,
        check=True,
        # String hashing is seeded at random per process, and dict layouts with it: a
        # fixed seed makes a count repeat exactly.
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    found = re.search(r"Collected : (\d+)", result.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{result.stderr}")
    return int(found.group(1))


def per_analyse(tree: Path, net: str, passes: int) -> int:
    return (instructions(tree, net, passes) - instructions(tree, net, 0)) // passes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("networks", nargs="+", help="bundled names, e.g. resnet50")
    parser.add_argument("--against", type=Path, help="another checkout of cnncalc")
    parser.add_argument("--passes", type=int, default=20)
    args = parser.parse_args(argv)
    for net in args.networks:
        ours = per_analyse(ROOT, net, args.passes)
        line = f"{net:<22} {ours / 1e6:7.2f}M instructions per analyse"
        if args.against is not None:
            theirs = per_analyse(args.against, net, args.passes)
            line += f"   {args.against}: {theirs / 1e6:7.2f}M   ratio {ours / theirs:.2f}"
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
