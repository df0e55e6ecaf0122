"""Wall time of `analyse` on bundled networks, against another checkout of cnncalc.

The companion of `count_analyse.py`: instructions do not drift with the machine's
load, but what a user waits for is time. Both trees are timed in fresh processes that
take turns, round after round, so that both meet the same drift of a shared machine;
each figure is the median over the rounds of (this tree's time ÷ the other's) within
one round::

    python benchmarks/time_analyse.py resnet50 densenet121 --against /tmp/old

A child loads the network, analyses it once to warm up, then reports the median of
``--calls`` analyses, with the garbage collector as a library caller has it (on).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from count_analyse import LOAD_IN_CHILD  # the script's folder is on sys.path

ROOT = Path(__file__).resolve().parent.parent

# After the load: the median seconds of COUNT analyses.
CHILD = (
    LOAD_IN_CHILD
    + """
import json, statistics, time
times = []
for _ in range(count):
    start = time.perf_counter()
    analysis.analyse(arch)
    times.append(time.perf_counter() - start)
print(json.dumps(statistics.median(times)))
"""
)


def seconds(tree: Path, net: str, calls: int) -> float:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(tree), net, str(calls)],
        capture_output=True,
        text=True,
        check=True,
    )
    value: float = json.loads(result.stdout)
    return value


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("networks", nargs="+", help="bundled network names")
    parser.add_argument("--against", type=Path, required=True, help="another cnncalc checkout")
    parser.add_argument("--rounds", type=int, default=11, help="turns per network")
    parser.add_argument("--calls", type=int, default=50, help="analyses per child")
    args = parser.parse_args(argv)
    for net in args.networks:
        ours: list[float] = []
        theirs: list[float] = []
        for round_ in range(args.rounds):
            # Alternate who goes first, so neither always meets the later machine state.
            pair = [(ROOT, ours), (args.against, theirs)]
            for tree, samples in pair if round_ % 2 == 0 else reversed(pair):
                samples.append(seconds(tree, net, args.calls))
        ratio = statistics.median(a / b for a, b in zip(ours, theirs, strict=True))
        print(
            f"{net:<22} {statistics.median(ours) * 1000:7.3f} ms per analyse   "
            f"{args.against}: {statistics.median(theirs) * 1000:7.3f} ms   ratio {ratio:.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
