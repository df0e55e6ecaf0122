"""Budgets in CI: every architecture checked against its maxima, results collected first.

`check` gathers one `CheckResult` per architecture and budget for every file it is
given (an invalid file becomes a result that carries its error) before anything is
reported; the renderers (table, json, github, JUnit) all read the same `CheckReport`.
Nothing here prints, and nothing here knows about click or rich.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Literal

from cnncalc.errors import UNKNOWN_POSITION, CnncalcError, Diagnostic, Position
from cnncalc.figures.analysis import analyse
from cnncalc.names import BUDGET_FIGURES
from cnncalc.reading.architecture import Architecture, Budget
from cnncalc.reading.sizes import SizeError, parse_size
from cnncalc.record import Record

Status = Literal["pass", "fail", "unchecked", "error"]
Origin = Literal["file", "flag"]
YAML_SUFFIXES = (".yaml", ".yml")


class CheckResult(Record):
    """One row: an architecture and one of its budgets (or why it has none)."""

    status: Status
    source: str  # the file as the user named it (what annotations point at)
    architecture: str | None = None  # the file's `name:`; None when the file is invalid
    figure: str | None = None
    value: int | None = None
    limit: int | None = None
    origin: Origin | None = None  # the budget came from the file or from a --max-* flag
    position: Position = UNKNOWN_POSITION  # the budget's line, else the `budgets:` line
    error: CnncalcError | None = None
    seconds: float = 0.0  # this row's share of the time spent loading and analysing

    @property
    def headroom(self) -> float | None:
        """(limit − value) / limit in percent; negative when over; None without a limit > 0."""
        if self.value is None or self.limit is None or self.limit == 0:
            return None
        return (self.limit - self.value) * 100 / self.limit

    @property
    def excess(self) -> int | None:
        """How far over the limit the value is (0 when within it)."""
        if self.value is None or self.limit is None:
            return None
        return max(self.value - self.limit, 0)


class CheckReport(Record):
    results: tuple[CheckResult, ...]
    warnings: tuple[Diagnostic, ...] = ()

    def count(self, status: Status) -> int:
        return sum(1 for result in self.results if result.status == status)

    @property
    def errors(self) -> tuple[CnncalcError, ...]:
        return tuple(r.error for r in self.results if r.error is not None)

    @property
    def outcome(self) -> Literal["passed", "failed", "invalid"]:
        """`invalid` when any file is bad input, else `failed` when any budget is exceeded."""
        if self.count("error"):
            return "invalid"
        if self.count("fail"):
            return "failed"
        return "passed"

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"


def flag_name(figure: str) -> str:
    """The command-line flag that sets a budget: params_unshared -> --max-params-unshared."""
    return "--max-" + figure.replace("_", "-")


def parse_limits(raw: Mapping[str, str | None]) -> dict[str, int]:
    """Budgets given as flags, {figure: size text}; a bad size raises `SizeError`.

    The error message names the flag, so the command can print it as one line.
    """
    limits: dict[str, int] = {}
    for figure, text in raw.items():
        if figure not in BUDGET_FIGURES:
            raise ValueError(f"unknown budget figure {figure!r}")
        if text is None:
            continue
        try:
            limits[figure] = parse_size(text)
        except SizeError as exc:
            raise SizeError(f"{flag_name(figure)}: {exc}") from None
    return limits


def expand_arguments(arguments: Iterable[str]) -> list[str]:
    """Directories become every *.yaml/*.yml file under them, sorted; the rest stay.

    Hidden files and folders (`.github/`, `.pre-commit-config.yaml`) under a directory
    are skipped: they hold CI configuration, not architectures. A name given twice is
    checked once.
    """
    expanded: list[str] = []
    for argument in arguments:
        if argument != "-" and os.path.isdir(argument):
            expanded.extend(_yaml_files(argument) or [argument])
        else:
            expanded.append(argument)
    return list(dict.fromkeys(expanded))


def _yaml_files(directory: str) -> list[str]:
    """The *.yaml/*.yml names under ``directory``, and every folder it could not read.

    A dangling or looping symbolic link, or an unreadable folder, stays in the list, so
    that checking it reports an error naming it instead of passing it over.
    """
    found: list[str] = []

    def unreadable(error: OSError) -> None:
        found.append(str(error.filename))

    for folder, subfolders, files in os.walk(directory, onerror=unreadable):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        for name in files:
            if not name.startswith(".") and Path(name).suffix.lower() in YAML_SUFFIXES:
                found.append(os.path.join(folder, name))
    return sorted(found)


Loader = Callable[[str], Architecture]

# Below this many files one process is faster than starting workers; above it, each
# worker gets runs of at least this many files (forking costs a few milliseconds,
# checking a file one to ten).
PARALLEL_MIN_FILES = 32


def check(
    arguments: Iterable[str],
    limits: Mapping[str, int] | None = None,
    loader: Loader | None = None,
    strict: bool = False,
    expand: bool = True,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> CheckReport:
    """Check every file (directories expanded) against its budgets; flags win.

    ``loader`` turns an argument into an `Architecture` (default: a path, `-` or a
    bundled name, as every command reads ARCH). With ``expand`` false the arguments
    are passed to the loader as they are (bundled names, say). ``jobs`` > 1 checks
    many files in that many worker processes (see `worker_count`); the report is the
    same, in the same order, as with one. ``progress`` is told how many more files
    are done, as they finish.
    """
    if loader is None:
        from cnncalc.reading.sources import load_arch

        loader = load_arch
    flags = dict(limits or {})
    names = expand_arguments(arguments) if expand else list(arguments)
    workers = worker_count(jobs, names)
    if workers > 1:
        from cnncalc.reports import parallel

        chunks = parallel.chunked(names, workers, PARALLEL_MIN_FILES)
        parts = parallel.map_in_processes(
            _check_files,
            [(chunk, flags, loader, strict, expand) for chunk in chunks],
            workers,
            None if progress is None else lambda index: progress(len(chunks[index])),
        )
    elif progress is not None:
        parts = []
        for name in names:
            parts.append(_check_files(([name], flags, loader, strict, expand)))
            progress(1)
    else:
        parts = [_check_files((names, flags, loader, strict, expand))]
    results = [result for part in parts for result in part.results]
    warnings = [warning for part in parts for warning in part.warnings]
    return CheckReport(tuple(results), tuple(warnings))


def worker_count(jobs: int, names: list[str]) -> int:
    """How many processes check ``names``: at most ``jobs`` (0 = one per usable CPU),
    one per `PARALLEL_MIN_FILES` files, and one when standard input is among them."""
    if jobs == 0:
        from cnncalc.reports.parallel import usable_cpus

        jobs = usable_cpus()
    if "-" in names:
        return 1
    return max(1, min(jobs, len(names) // PARALLEL_MIN_FILES))


def _check_files(
    task: tuple[list[str], dict[str, int], Loader, bool, bool],
) -> CheckReport:
    names, flags, loader, strict, expand = task
    results: list[CheckResult] = []
    warnings: list[Diagnostic] = []
    for argument in names:
        if expand and os.path.isdir(argument):
            readable = os.access(argument, os.R_OK | os.X_OK)
            error = CnncalcError(
                argument,
                Position(1, 1),
                "this directory holds no *.yaml or *.yml file"
                if readable
                else "permission denied: cannot read this folder, so its files were not checked",
            )
            results.append(CheckResult("error", argument, error=error))
            continue
        start = time.perf_counter()
        try:
            arch = loader(argument)
            analysis = analyse(arch, strict=strict)
        except CnncalcError as error:
            # Only the message travels (a worker's traceback would pin its frames).
            error.__traceback__ = None
            seconds = time.perf_counter() - start
            results.append(
                CheckResult("error", error.source or argument, error=error, seconds=seconds)
            )
            continue
        seconds = time.perf_counter() - start
        warnings.extend(analysis.warnings)
        totals = analysis.totals
        budgets = effective_budgets(arch, flags)
        if not budgets:
            results.append(
                CheckResult(
                    "unchecked",
                    arch.source,
                    architecture=arch.name,
                    position=arch.budgets_position or UNKNOWN_POSITION,
                    seconds=seconds,
                )
            )
            continue
        for budget, origin in budgets:
            value = totals.figure(budget.figure)
            results.append(
                CheckResult(
                    "pass" if value <= budget.limit else "fail",
                    arch.source,
                    architecture=arch.name,
                    figure=budget.figure,
                    value=value,
                    limit=budget.limit,
                    origin=origin,
                    position=budget.position,
                    seconds=seconds / len(budgets),
                )
            )
    return CheckReport(tuple(results), tuple(warnings))


def effective_budgets(arch: Architecture, flags: Mapping[str, int]) -> list[tuple[Budget, Origin]]:
    """The file's budgets with the flags applied (a flag wins), in BUDGET_FIGURES order.

    A flag's budget points at the file's budget line for that figure when there is
    one, else at the `budgets:` line, else at the top of the file.
    """
    from_file = {budget.figure: budget for budget in arch.budgets}
    fallback = arch.budgets_position or UNKNOWN_POSITION
    chosen: list[tuple[Budget, Origin]] = []
    for figure in BUDGET_FIGURES:
        if figure in flags:
            where = from_file[figure].position if figure in from_file else fallback
            chosen.append((Budget(figure, flags[figure], where), "flag"))
        elif figure in from_file:
            chosen.append((from_file[figure], "file"))
    return chosen
