"""Run independent tasks in worker processes, results in task order.

`check` over a monorepo's thousand files is the one place where cnncalc has enough
independent work to use several CPUs; everything here is generic so that the check
logic stays in one function whichever way it runs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

T = TypeVar("T")
R = TypeVar("R")


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def chunked(items: Sequence[T], workers: int, min_size: int) -> list[list[T]]:
    """Contiguous runs of ``items``, about four per worker (files differ in cost, so
    smaller runs even the load) and none shorter than ``min_size`` (each run is one
    round trip to a worker)."""
    count = max(1, min(workers * 4, len(items) // max(min_size, 1)))
    size, extra = divmod(len(items), count)
    runs = []
    start = 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        runs.append(list(items[start:end]))
        start = end
    return runs


def _leave_interrupts_to_parent() -> None:
    # Ctrl-C in a terminal reaches every process of the group; the parent alone
    # decides, and ends the workers itself.
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop(executor: ProcessPoolExecutor) -> None:
    """End the workers now: queued tasks cancelled, running ones killed."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    for process in processes:
        process.terminate()
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(timeout=1)


def map_in_processes(
    function: Callable[[T], R],
    tasks: Sequence[T],
    workers: int,
    done: Callable[[int], None] | None = None,
) -> list[R]:
    """``[function(task) for task in tasks]``, computed by ``workers`` processes.

    On Linux the workers are forked, so they start with cnncalc already imported (a
    few milliseconds instead of a fresh interpreter). Where processes cannot be made
    (no semaphores in some sandboxes), or a worker dies, the tasks run here, one
    after another.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = (
        multiprocessing.get_context("fork")
        if sys.platform == "linux"
        else multiprocessing.get_context()
    )
    try:
        executor = ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_leave_interrupts_to_parent
        )
    except (OSError, NotImplementedError, ImportError):
        return _each(function, tasks, done)
    with executor:
        try:
            return _each(lambda result: result, executor.map(function, tasks), done)
        except BrokenProcessPool:
            pass
        except KeyboardInterrupt:
            # Leaving the `with` waits for the running tasks; Ctrl-C must not.
            _stop(executor)
            raise
    # A worker was killed from outside (the OOM killer, a signal): the work is done
    # again here, where a failure shows as it would without workers, not as a
    # traceback from the pool.
    print(
        "warning: a worker process ended abruptly; doing its work again in this process",
        file=sys.stderr,
    )
    return [function(task) for task in tasks]


def _each(
    function: Callable[[T], R], items: Iterable[T], done: Callable[[int], None] | None
) -> list[R]:
    """``[function(item) for item in items]``, telling ``done`` each index finished."""
    results = []
    for index, item in enumerate(items):
        results.append(function(item))
        if done is not None:
            done(index)
    return results
