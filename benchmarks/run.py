"""cnncalc benchmarks: start-up, scale, instructions, `check` over many files, fuzzing,
torchinfo.

One command runs them all and prints medians and ratios (docs/performance.md)::

    python benchmarks/run.py            # everything (about 15 minutes on 2 busy cores)
    python benchmarks/run.py startup    # or one topic: startup tables bundled scale
                                        # instructions check fuzz torchinfo hostile
    python benchmarks/run.py scale --runs 5 --sizes 1000,10000,100000

Every timing is the median of several runs after one warm-up run, like hyperfine.
Start-up and `check` run the real command line in fresh processes; scale times every
size taking turns in a few fresh processes (`scale_turns_child` says why) and reads
each size's peak memory (max RSS) in a process of its own.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def cnncalc_command() -> list[str]:
    """The installed console script next to this Python, else `python -m cnncalc`."""
    script = Path(PYTHON).with_name("cnncalc")
    return [str(script)] if script.exists() else [PYTHON, "-m", "cnncalc"]


def median_time(command: Sequence[str], runs: int, env: dict[str, str] | None = None) -> float:
    """Median wall time of a command over ``runs`` runs, after one warm-up run."""
    environment = {**os.environ, **(env or {})}
    # An installed package has its bytecode compiled (pip does it); let the warm-up
    # run write it rather than timing the compilation of every module.
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    times = []
    for attempt in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(command, env=environment, capture_output=True, check=False)
        if attempt:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved_median_times(
    commands: Mapping[str, Sequence[str]], runs: int, env: dict[str, str] | None = None
) -> dict[str, float]:
    """Median wall time of each command, the commands taking turns run after run.

    On a shared machine the load drifts within seconds; taking turns exposes every
    command to the same drift, so their ratios mean something (one command's runs
    all at once could land in a busy or a quiet spell).
    """
    environment = {**os.environ, **(env or {})}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    times: dict[str, list[float]] = {label: [] for label in commands}
    for attempt in range(runs + 1):
        for label, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, env=environment, capture_output=True, check=False)
            if attempt:  # the first round warms up (and writes bytecode)
                times[label].append(time.perf_counter() - start)
    return {label: statistics.median(values) for label, values in times.items()}


def median_call(function: Callable[[], object], runs: int) -> float:
    function()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def heading(title: str) -> None:
    print(f"\n== {title}", flush=True)


# -- start-up ---------------------------------------------------------------------------


def top_imports(command: Sequence[str], count: int = 6) -> list[tuple[str, int]]:
    """The slowest imports (cumulative µs) of one run, from `python -X importtime`."""
    result = subprocess.run(
        [PYTHON, "-X", "importtime", *command], capture_output=True, text=True, check=False
    )
    rows = []
    for line in result.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        name = parts[2].rstrip()
        if len(name) - len(name.lstrip()) == 1:  # top-level imports only
            rows.append((name.strip(), int(parts[1])))
    return sorted(rows, key=lambda row: -row[1])[:count]


def imported_modules(arguments: Sequence[str]) -> set[str]:
    code = (
        "import sys; from cnncalc.console import main\n"
        f"try: main({list(arguments)!r})\n"
        "except SystemExit: pass\n"
        "print('MODULES', ' '.join(sorted(sys.modules)), file=sys.stderr)"
    )
    result = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=False)
    for line in result.stderr.splitlines():
        if line.startswith("MODULES "):
            return set(line.split()[1:])
    return set()


def bench_startup(runs: int) -> dict[str, Any]:
    heading(
        f"start-up (median of {runs} runs after a warm-up; fresh process each; the "
        "commands take turns)"
    )
    cli = cnncalc_command()
    cases = {
        "python -c pass": [PYTHON, "-c", "pass"],
        "import floor (click, yaml, rich.console, rich.table)": [
            PYTHON,
            "-c",
            "import click, yaml, rich.console, rich.table",
        ],
        # The command line runs without the cyclic garbage collector (cnncalc.console);
        # the same imports without it show how much of the margin that alone gives.
        "import floor, collector off": [
            PYTHON,
            "-c",
            "import gc; gc.disable(); import click, yaml, rich.console, rich.table",
        ],
        "cnncalc --version": [*cli, "--version"],
        "cnncalc list": [*cli, "list"],
        "cnncalc show lenet5": [*cli, "show", "lenet5"],
        "cnncalc show lenet5 --format json": [*cli, "show", "lenet5", "--format", "json"],
    }
    env = {"NO_COLOR": "1", "COLUMNS": "120"}
    times = interleaved_median_times(cases, runs, env)
    floor = times["import floor (click, yaml, rich.console, rich.table)"]
    for label, seconds in times.items():
        print(f"  {label:<55} {seconds * 1000:8.1f} ms   {seconds / floor:5.2f}× floor")
    show_ratio = times["cnncalc show lenet5"] / floor
    version_ratio = times["cnncalc --version"] / floor
    like_for_like = times["cnncalc show lenet5"] / times["import floor, collector off"]
    print(
        f"  show lenet5 / floor = {show_ratio:.2f} (target ≤ 1.25); "
        f"--version / floor = {version_ratio:.2f} (target < 1); "
        f"show lenet5 / floor with the collector off = {like_for_like:.2f}"
    )
    heavy = {"rich", "yaml", "cnncalc.figures.analysis", "cnncalc.model.layers"}
    for arguments in (["--version"], ["list"], ["show", "lenet5"]):
        modules = imported_modules(arguments)
        loaded = ", ".join(m for m in sorted(heavy) if m in modules) or "none"
        print(f"  cnncalc {' '.join(arguments):<14} imports of {sorted(heavy)}: {loaded}")
    print("  slowest top-level imports of `cnncalc show lenet5` (python -X importtime, µs):")
    for name, microseconds in top_imports(["-m", "cnncalc", "show", "lenet5"]):
        print(f"    {name:<40} {microseconds:>9,}")
    return {
        "times_ms": {k: v * 1000 for k, v in times.items()},
        "show_ratio": show_ratio,
        "version_ratio": version_ratio,
        "show_ratio_collector_off": like_for_like,
    }


# -- tables ------------------------------------------------------------------------------


def bench_tables(runs: int) -> dict[str, Any]:
    """`show` of every bundled architecture as a table against the import floor, and the
    JSON writer against json.dumps of the same records without indent."""
    heading(
        f"tables (median of {runs} runs after a warm-up; fresh process each; the commands "
        "take turns; piped, NO_COLOR)"
    )
    from cnncalc.reading import catalog

    cli = cnncalc_command()
    floor_label = "import floor (click, yaml, rich.console, rich.table)"
    cases = {floor_label: [PYTHON, "-c", "import click, yaml, rich.console, rich.table"]}
    for name in catalog.names():
        cases[f"show {name}"] = [*cli, "show", name]
    times = interleaved_median_times(cases, runs, {"NO_COLOR": "1"})
    floor = times[floor_label]
    ratios = {}
    for label, seconds in times.items():
        ratios[label] = seconds / floor
        print(f"  {label:<55} {seconds * 1000:8.1f} ms   {seconds / floor:5.2f}× floor")
    worst = max((ratio, label) for label, ratio in ratios.items() if label != floor_label)
    print(f"  slowest: {worst[1]} at {worst[0]:.2f}× the floor (target ≤ 1.5)")

    from cnncalc.figures.analysis import analyse
    from cnncalc.reading.architecture import from_text
    from cnncalc.render.data import to_json
    from cnncalc.render.records import analysis_record

    analysis = analyse(from_text(chain_text(10_000), "chain.yaml"))
    # The three take turns, call after call, and each ratio is taken within a turn:
    # medians of each function timed on its own swing with the machine's drift.
    made = {
        "ours": lambda: to_json(analysis),
        "plain": lambda: json.dumps(analysis_record(analysis), ensure_ascii=False),
        "indented": lambda: json.dumps(analysis_record(analysis), indent=2, ensure_ascii=False),
    }
    turns: dict[str, list[float]] = {name: [] for name in made}
    for function in made.values():
        function()  # warm-up
    for _ in range(max(runs, 21)):
        for name, function in made.items():
            start = time.perf_counter()
            function()
            turns[name].append(time.perf_counter() - start)
    ours, plain, indented = (statistics.median(turns[name]) for name in made)
    ratio = statistics.median(a / b for a, b in zip(turns["ours"], turns["plain"], strict=True))
    indented_ratio = statistics.median(
        a / b for a, b in zip(turns["indented"], turns["plain"], strict=True)
    )
    print(
        f"  JSON of 10,000 layers: ours {ours * 1000:.1f} ms, json.dumps without indent "
        f"{plain * 1000:.1f} ms ({ratio:.2f}×, target ≤ 1.5), with indent=2 "
        f"{indented * 1000:.1f} ms ({indented_ratio:.2f}×)"
    )
    return {
        "times_ms": {k: v * 1000 for k, v in times.items()},
        "ratios": ratios,
        "json_ms": {"ours": ours * 1000, "plain": plain * 1000, "indent": indented * 1000},
    }


# -- bundled ------------------------------------------------------------------------------


def bench_bundled(runs: int) -> dict[str, Any]:
    """The analysis of each bundled architecture: the networks people write."""
    heading(f"bundled architectures: analyse, median of {max(runs, 20)} runs after a warm-up")
    from cnncalc.figures.analysis import analyse
    from cnncalc.reading.catalog import load, names

    report: dict[str, Any] = {}
    for name in names():
        arch = load(name)
        seconds = median_call(partial(analyse, arch), max(runs, 20))
        print(f"  {name:<22} {len(arch.layers):>4} layers  analyse {seconds * 1000:7.3f} ms")
        report[name] = seconds * 1000
    return {"analyse_ms": report}


# -- scale --------------------------------------------------------------------------------


def chain_text(layers: int) -> str:
    lines = ["name: chain", "input: [8, 16, 16]", "layers:"]
    for i in range(layers):
        if i % 2:
            lines.append(f"  - {{name: r{i}, type: activation, fn: relu}}")
        else:
            lines.append(f"  - {{name: c{i}, type: conv, filters: 8, kernel: 3, padding: 1}}")
    return "\n".join(lines) + "\n"


def residual_text(layers: int) -> str:
    """Residual blocks of three layers: conv, conv, add(the two convs' input, conv)."""
    lines = ["name: residual", "input: [8, 16, 16]", "layers:"]
    previous = "input"
    for block in range(layers // 3):
        a, b, s = f"a{block}", f"b{block}", f"s{block}"
        lines += [
            f"  - {{name: {a}, type: conv, filters: 8, kernel: 3, padding: 1, input: {previous}}}",
            f"  - {{name: {b}, type: conv, filters: 8, kernel: 3, padding: 1}}",
            f"  - {{name: {s}, type: add, inputs: [{previous}, {b}]}}",
        ]
        previous = s
    return "\n".join(lines) + "\n"


def scale_text(shape: str, layers: int) -> str:
    return (chain_text if shape == "chain" else residual_text)(layers)


def scale_child(shape: str, layers: int) -> None:
    """Runs in a fresh process: one load and one analysis of one size; prints what
    they made and the process's peak memory (max RSS) as JSON."""
    sys.setrecursionlimit(200)  # proof that no step recurses with depth
    _collector_as_asked()
    from cnncalc.figures.analysis import analyse
    from cnncalc.reading.architecture import from_text

    text = scale_text(shape, layers)
    result = analyse(from_text(text, f"{shape}{layers}.yaml"))
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "layers": len(result.layers),
                "bytes": len(text.encode()),
                "peak_mib": peak_kib / 1024,
                "params": result.totals.params,
            }
        )
    )


def scale_turns_child(shape: str, sizes: Sequence[int], rounds: int) -> None:
    """Runs in a fresh process: in each round every size is loaded once and analysed
    once, the sizes taking turns; prints the load and analysis times as JSON.

    Why turns: this machine's speed drifts by tens of percent within seconds, so sizes
    timed one after the other meet different speeds and their ratio measures the
    drift. And a size analysed again and again on its own keeps a 1,000-layer network
    in the CPU's 1 MiB L2 cache from run to run, which no real run does (the command
    line analyses a file once, after loading it). Taking turns, every size meets the
    same drift, and every analysis starts with the cache full of another size's data.
    The machine also switches between a fast and a slow state for seconds at a time;
    growth is therefore the median over the runs of the ratio of two sizes timed in
    the same round, seconds apart.
    """
    sys.setrecursionlimit(200)
    _collector_as_asked()
    from cnncalc.figures.analysis import analyse
    from cnncalc.reading.architecture import from_text

    texts = [scale_text(shape, size) for size in sizes]
    architectures = [from_text(text, f"{shape}.yaml") for text in texts]
    for arch in architectures:
        analyse(arch)  # warm-up
    load: list[list[float]] = [[] for _ in sizes]
    analysis: list[list[float]] = [[] for _ in sizes]
    collector: list[list[float]] = [[] for _ in sizes]  # of each analysis, in the collector
    in_collector = [0.0, 0.0]  # seconds so far, start of the collection under way

    def clock(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            in_collector[1] = time.perf_counter()
        else:
            in_collector[0] += time.perf_counter() - in_collector[1]

    gc.callbacks.append(clock)
    for _ in range(rounds):
        # The loads, then the analyses back to back: sizes next to each other are
        # timed within a second or two of each other (their ratio is taken per round).
        for text, samples in zip(texts, load, strict=True):
            start = time.perf_counter()
            from_text(text, f"{shape}.yaml")
            samples.append(time.perf_counter() - start)
        for arch, samples, collected in zip(architectures, analysis, collector, strict=True):
            in_collector[0] = 0.0
            start = time.perf_counter()
            analyse(arch)
            samples.append(time.perf_counter() - start)
            collected.append(in_collector[0])
    print(json.dumps({"load": load, "analyse": analysis, "collector": collector}))


def _collector_as_asked() -> None:
    """`--gc off` (passed to the children as CNNCALC_BENCH_GC): run as the command line
    does, without the cyclic garbage collector; by default it stays on, as a library
    caller has it."""
    if os.environ.get("CNNCALC_BENCH_GC") == "off":
        gc.disable()


def bench_scale(rounds: int, sizes: Sequence[int]) -> dict[str, Any]:
    processes = 3
    heading(
        f"scale: the sizes take turns, {rounds} rounds of load and analyse in each of "
        f"{processes} fresh processes, medians of the {rounds * processes} runs per size; "
        "growth: median of the ratios within a round; peak memory from a fresh process "
        "per size; recursion limit 200; cyclic garbage collector "
        + ("off, as the command line runs" if os.environ.get("CNNCALC_BENCH_GC") == "off" else "on")
    )
    report: dict[str, Any] = {}
    for shape in ("chain", "residual"):
        rows: dict[int, dict[str, Any]] = {}
        for size in sizes:
            result = _run_child("_scale-child", shape, str(size))
            if result is not None:
                rows[size] = json.loads(result)
        measured = [size for size in sizes if size in rows]
        samples: dict[str, list[list[float]]] = {
            "load": [[] for _ in measured],
            "analyse": [[] for _ in measured],
            "collector": [[] for _ in measured],
        }
        for _ in range(processes):
            # One process can run fast or slow as a whole (where its memory lands,
            # what runs beside it): several processes, their runs pooled.
            result = _run_child(
                "_scale-turns-child", shape, ",".join(map(str, measured)), str(rounds)
            )
            if result is None:
                break
            times = json.loads(result)
            for key, pooled in samples.items():
                for size_samples, size_times in zip(pooled, times[key], strict=True):
                    size_samples.extend(size_times)
        previous: dict[str, Any] | None = None
        for index, size in enumerate(measured):
            row = rows[size]
            for key, pooled in samples.items():
                row[key] = statistics.median(pooled[index]) if pooled[index] else float("nan")
            ratio = ""
            if previous and samples["analyse"][index]:
                # Paired: each run's ratio to the smaller size's run in the same round.
                for key in ("load", "analyse"):
                    row[f"{key}_growth"] = statistics.median(
                        large / small
                        for small, large in zip(
                            samples[key][index - 1], samples[key][index], strict=True
                        )
                    )
                growth = row["layers"] / previous["layers"]
                ratio = (
                    f"  ×{growth:.0f} layers → load ×{row['load_growth']:.1f},"
                    f" analyse ×{row['analyse_growth']:.1f}"
                )
            print(
                f"  {shape:<8} {row['layers']:>7,} layers ({row['bytes'] / 2**20:5.1f} MiB): "
                f"load {row['load']:7.3f} s  analyse {row['analyse']:7.3f} s "
                f"(collector {row['collector']:5.3f} s)  "
                f"peak {row['peak_mib']:6.0f} MiB{ratio}",
                flush=True,
            )
            report[f"{shape}{size}"] = row
            previous = row
    return report


def _run_child(*arguments: str) -> str | None:
    """The last line a child of this script prints, or None (its error is shown)."""
    result = subprocess.run(
        [PYTHON, __file__, *arguments], capture_output=True, text=True, check=False
    )
    if result.returncode:
        print(f"  {' '.join(arguments[1:])}: FAILED\n{result.stderr[-2000:]}")
        return None
    return result.stdout.strip().splitlines()[-1]


# -- instructions (valgrind) --------------------------------------------------------------


def instructions_child(shape: str, layers: int, passes: int) -> None:
    """Run under callgrind: one network, analysed once to warm up, then ``passes`` more
    times; the difference between 1 pass and 0 is what one analysis costs."""
    from cnncalc.figures.analysis import analyse
    from cnncalc.reading.architecture import from_text

    arch = from_text(scale_text(shape, layers), "net.yaml")
    analyse(arch)
    for _ in range(passes):
        analyse(arch)


def _collected_instructions(shape: str, layers: int, passes: int) -> int | None:
    result = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            PYTHON,
            __file__,
            "_instructions-child",
            shape,
            str(layers),
            str(passes),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    match = re.search(r"Collected\s*:\s*(\d+)", result.stderr)
    return int(match.group(1)) if match and not result.returncode else None


def bench_instructions(sizes: Sequence[int]) -> dict[str, Any]:
    """Instructions per analysis: whether the cost grows linearly, without the timing
    noise of a shared machine (a 1,000-layer analysis takes 6 to 9 ms here from one
    run to the next, which makes wall-time ratios from it swing by half)."""
    heading("instructions per analysis (valgrind --tool=callgrind: exact, repeatable)")
    if shutil.which("valgrind") is None:
        print("  skipped: valgrind is not installed")
        return {}
    report: dict[str, Any] = {}
    for shape in ("chain", "residual"):
        previous: tuple[int, int] | None = None
        for size in sizes:
            base = _collected_instructions(shape, size, 0)
            with_one = _collected_instructions(shape, size, 1)
            if base is None or with_one is None:
                print(f"  {shape} {size}: FAILED")
                continue
            count = with_one - base
            size = size if shape == "chain" else size // 3 * 3  # whole residual blocks
            ratio = ""
            if previous:
                ratio = (
                    f"  ×{size / previous[0]:.0f} layers → ×{count / previous[1]:.2f} instructions"
                )
            print(
                f"  {shape:<8} {size:>7,} layers: {count / 1e6:8.1f} M instructions, "
                f"{count / size:,.0f} per layer{ratio}",
                flush=True,
            )
            report[f"{shape}{size}"] = count
            previous = (size, count)
    return report


# -- check over many files ----------------------------------------------------------------


def bench_check(runs: int, files: int = 1000) -> dict[str, Any]:
    heading(f"`cnncalc check DIR` over {files:,} files in one invocation (median of {runs})")
    bundled = sorted((ROOT / "architectures").glob("*.yaml"))
    return {
        "zoo": _check_folder(runs, files, bundled, "the 14 bundled architectures in turn"),
        "lenet5": _check_folder(
            runs, files, [ROOT / "architectures" / "lenet5.yaml"], "LeNet-5 (7 layers) each"
        ),
    }


def _check_folder(runs: int, files: int, sources: list[Path], what: str) -> dict[str, Any]:
    cli = cnncalc_command()
    folder = Path(tempfile.mkdtemp(prefix="cnncalc-bench-"))
    try:
        layers = 0
        for i in range(files):
            source = sources[i % len(sources)]
            text = source.read_text(encoding="utf-8")
            (folder / f"{i:04d}_{source.name}").write_text(text, encoding="utf-8")
        for source in sources:
            shown = subprocess.run(
                [*cli, "show", str(source), "--format", "json"],
                capture_output=True,
                text=True,
                check=False,
            )
            layers += len(json.loads(shown.stdout)["layers"]) * files // len(sources)
        command = [*cli, "check", str(folder), "--format", "json"]
        probe = subprocess.run(command, capture_output=True, text=True, check=False)
        checked = len(json.loads(probe.stdout)["results"]) if probe.stdout.startswith("{") else 0
        # By default check uses a worker per CPU; --jobs 1 is the one-process cost.
        timed = interleaved_median_times(
            {"default": command, "one process": [*command, "--jobs", "1"]}, runs
        )
        seconds, serial = timed["default"], timed["one process"]
        print(
            f"  {what}: {seconds:6.2f} s (target < 5 s), {seconds / files * 1000:.1f} ms per "
            f"file, {layers:,} layers in all; exit {probe.returncode}, {checked:,} results; "
            f"one process (--jobs 1) {serial:.2f} s",
            flush=True,
        )
        return {
            "seconds": seconds,
            "seconds_one_process": serial,
            "files": files,
            "layers": layers,
            "exit": probe.returncode,
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# -- fuzzing ------------------------------------------------------------------------------


def bench_fuzz(examples: int) -> dict[str, Any]:
    heading(f"fuzzing: tests/test_fuzz.py with {examples:,} examples per property")
    env = {**os.environ, "CNNCALC_FUZZ_EXAMPLES": str(examples)}
    start = time.perf_counter()
    result = subprocess.run(
        [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_fuzz.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "no output"
    print(f"  {summary}  ({seconds:.0f} s; exit {result.returncode})")
    if result.returncode:
        print(result.stdout[-3000:])
    return {"examples": examples, "seconds": seconds, "exit": result.returncode}


# -- torchinfo ----------------------------------------------------------------------------


def bench_torchinfo(runs: int) -> dict[str, Any]:
    heading(f"cnncalc vs torchinfo.summary, in one process (median of {runs})")
    try:
        import torch
        import torchinfo
        from torch import nn
    except ImportError:
        print("  skipped: torch and torchinfo are not both installed (pip install torchinfo)")
        return {}
    import cnncalc

    def lenet() -> nn.Module:
        return nn.Sequential(
            nn.Conv2d(1, 6, 5),
            nn.Tanh(),
            nn.AvgPool2d(2),
            nn.Conv2d(6, 16, 5),
            nn.Tanh(),
            nn.AvgPool2d(2),
            nn.Conv2d(16, 120, 5),
            nn.Tanh(),
            nn.Flatten(),
            nn.Linear(120, 84),
            nn.Tanh(),
            nn.Linear(84, 10),
        )

    def vgg16() -> nn.Module:
        layers: list[nn.Module] = []
        channels = 3
        for width in (
            64,
            64,
            "M",
            128,
            128,
            "M",
            256,
            256,
            256,
            "M",
            512,
            512,
            512,
            "M",
            512,
            512,
            512,
            "M",
        ):
            if width == "M":
                layers.append(nn.MaxPool2d(2))
            else:
                assert isinstance(width, int)
                layers += [nn.Conv2d(channels, width, 3, padding=1), nn.ReLU()]
                channels = width
        layers += [
            nn.Flatten(),
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(),
            nn.Dropout(),
            nn.Linear(4096, 4096),
            nn.ReLU(),
            nn.Dropout(),
            nn.Linear(4096, 1000),
        ]
        return nn.Sequential(*layers)

    report = {}
    torch.set_num_threads(1)
    for name, build, shape in (
        ("lenet5", lenet, (1, 1, 32, 32)),
        ("vgg16", vgg16, (1, 3, 224, 224)),
    ):
        model = build()
        # The loop's values bound now (partial), not when the lambda runs.
        ours = median_call(partial(lambda name: cnncalc.analyse(cnncalc.bundled(name)), name), runs)
        theirs = median_call(partial(torchinfo.summary, model, shape, verbose=0), runs)
        print(
            f"  {name:<7} cnncalc load+analyse {ours * 1000:8.1f} ms   torchinfo.summary "
            f"{theirs * 1000:8.1f} ms   torchinfo / cnncalc = {theirs / ours:6.1f}×"
        )
        report[name] = {"cnncalc_ms": ours * 1000, "torchinfo_ms": theirs * 1000}
    return report


# -- hostile inputs ----------------------------------------------------------------------


def hostile_cases() -> list[tuple[str, Callable[[], str], list[str], dict[str, str]]]:
    """(what, file text, command, environment) for the inputs docs/hostile-input.md
    names: values that ask for work out of proportion to the file, and the largest
    files the default bounds let through. FILE in the command is the text's path; the
    text is made when its case runs (this process stays small: a child's peak memory
    counts the parent's at the fork)."""
    flat = "name: n\ninput: [1, 8, 8]\nlayers:\n"
    relu = "  - {{name: {name}, type: activation, fn: relu}}\n"

    def chain(layers: int, pad: int = 0) -> str:
        return flat + "".join(relu.format(name=f"r{i}" + "x" * pad) for i in range(layers))

    def nested() -> str:
        blocks = "".join(f"  b{i}: {{layers: [{{block: b{i + 1}}}]}}\n" for i in range(399))
        return (
            f"name: n\ninput: [1, 8, 8]\nblocks:\n{blocks}"
            "  b399: {layers: [{type: flatten}]}\nlayers:\n  - {block: b0}\n"
        )

    repeats = (
        "name: n\ninput: [1, 8, 8]\nblocks:\n"
        "  inner: {layers: [{type: activation, fn: relu}]}\n"
        "  outer: {layers: [{block: inner, repeat: 999}]}\n"
        "layers:\n  - {block: outer, repeat: 1000}\n"
    )
    pool = flat + "  - {name: p, type: adaptive_pool, size: 1000000000}\n"
    lenet = (ROOT / "architectures" / "lenet5.yaml").read_text(encoding="utf-8")
    # The largest texts the default 4 MiB lets through: long names, many values, comments.
    long_names = partial(chain, 10_000, 370)
    values = "  - {name: c, type: conv, filters: 1, kernel: [" + "1, " * 1_390_000 + "1]}\n"
    comments = lenet + ("# " + "c" * 1_000 + "\n") * 4_000
    return [
        ("adaptive_pool size 10^9, show", lambda: pool, ["show", "FILE"], {}),
        ("adaptive_pool size 10^9, explain", lambda: pool, ["explain", "FILE", "p"], {}),
        ("repeat 999 inside repeat 1000 (refused)", lambda: repeats, ["show", "FILE"], {}),
        ("400 nested blocks (refused)", nested, ["show", "FILE"], {}),
        (
            "330,000 layers, 15 MiB (refused)",
            partial(chain, 330_000),
            ["show", "FILE"],
            {},
        ),
        (
            "the same, CNNCALC_MAX_FILE_BYTES=16 MiB (refused)",
            partial(chain, 330_000),
            ["show", "FILE"],
            {"CNNCALC_MAX_FILE_BYTES": str(16 * 2**20)},
        ),
        ("1.4 million values in one list (refused)", lambda: flat + values, ["show", "FILE"], {}),
        ("10,000 layers (the bound), table", partial(chain, 10_000), ["show", "FILE"], {}),
        ("10,000 layers, json", partial(chain, 10_000), ["show", "FILE", "--format", "json"], {}),
        ("10,000 layers, csv", partial(chain, 10_000), ["show", "FILE", "--format", "csv"], {}),
        (
            "10,000 layers, markdown",
            partial(chain, 10_000),
            ["show", "FILE", "--format", "markdown"],
            {},
        ),
        (
            "10,000 layers, check --format github",
            partial(chain, 10_000),
            ["check", "FILE", "--format", "github"],
            {},
        ),
        ("10,000 layers, 370-byte names (4 MiB), table", long_names, ["show", "FILE"], {}),
        (
            "10,000 layers, 370-byte names (4 MiB), json",
            long_names,
            ["show", "FILE", "--format", "json"],
            {},
        ),
        ("LeNet-5 and 4 MiB of comments", lambda: comments, ["show", "FILE"], {}),
        (
            "CNNCALC_MAX_FILE_BYTES at its maximum (1 GiB)",
            lambda: lenet,
            ["show", "FILE"],
            {"CNNCALC_MAX_FILE_BYTES": str(2**30)},
        ),
    ]


HOSTILE_LAUNCHER = """
import os, sys
actions = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ, file_actions=actions)
_, status, usage = os.wait4(pid, 0)
print(usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def bench_hostile() -> dict[str, Any]:
    heading(
        "hostile: each input once in a fresh `cnncalc` process; wall time and peak memory "
        "(max RSS); exit status 0 = shown, 2 = refused with one error line"
    )
    rows = []
    # The defaults are what is measured (main raises the layer bound for scale).
    defaults = {k: v for k, v in os.environ.items() if not k.startswith("CNNCALC_MAX_")}
    with tempfile.TemporaryDirectory() as folder:
        for what, make, command, env in hostile_cases():
            path = Path(folder) / "net.yaml"
            text = make()
            path.write_text(text, encoding="utf-8")
            size = len(text.encode())
            del text
            arguments = [str(path) if word == "FILE" else word for word in command]
            start = time.perf_counter()
            # Started by a small launcher: a child's peak memory includes its parent's
            # at the fork, and this process has held large texts.
            launched = subprocess.run(
                [PYTHON, "-S", "-c", HOSTILE_LAUNCHER, *cnncalc_command(), *arguments],
                capture_output=True,
                text=True,
                env={**defaults, **env},
                check=True,
            )
            seconds = time.perf_counter() - start
            peak_kib, status = map(int, launched.stdout.split())
            row = {
                "input": what,
                "bytes": size,
                "status": status,
                "seconds": round(seconds, 2),
                "peak_mib": round(peak_kib / 1024, 1),
            }
            if "Traceback" in launched.stderr:
                row["traceback"] = True
            rows.append(row)
            print(
                f"  {what:<50} {row['bytes'] / 2**20:6.1f} MiB  exit {row['status']}  "
                f"{seconds:6.2f} s  {row['peak_mib']:7.1f} MiB"
            )
    worst_time = max(rows, key=lambda row: row["seconds"])
    worst_memory = max(rows, key=lambda row: row["peak_mib"])
    print(
        f"  worst time: {worst_time['seconds']} s ({worst_time['input']}); "
        f"peak memory: {worst_memory['peak_mib']} MiB ({worst_memory['input']})"
    )
    return {"cases": rows, "worst_seconds": worst_time, "worst_peak": worst_memory}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "topic",
        nargs="?",
        default="all",
        choices=[
            "all",
            "startup",
            "tables",
            "bundled",
            "scale",
            "instructions",
            "check",
            "fuzz",
            "torchinfo",
            "hostile",
            "_scale-child",
            "_scale-turns-child",
            "_instructions-child",
        ],
    )
    parser.add_argument("rest", nargs="*")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per case (default 5)")
    parser.add_argument(
        "--sizes",
        help="scale and instructions: layer counts (default 1000,10000,100000 for scale; "
        "instructions stops at 10,000 unless asked: valgrind takes minutes per 100,000)",
    )
    parser.add_argument(
        "--gc",
        choices=["on", "off"],
        default="on",
        help="scale: the cyclic garbage collector in the children: on (default), as a "
        "library caller has it, or off, as the command line runs",
    )
    parser.add_argument("--files", type=int, default=1000, help="check: number of files")
    parser.add_argument(
        "--examples", type=int, default=1000, help="fuzz: examples per property (default 1000)"
    )
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    if args.topic == "_scale-child":
        scale_child(args.rest[0], int(args.rest[1]))
        return 0
    if args.topic == "_scale-turns-child":
        scale_turns_child(
            args.rest[0], [int(size) for size in args.rest[1].split(",")], int(args.rest[2])
        )
        return 0
    if args.topic == "_instructions-child":
        instructions_child(args.rest[0], int(args.rest[1]), int(args.rest[2]))
        return 0
    from cnncalc import __version__
    from cnncalc.reading.document import loader_name

    print(
        f"cnncalc {__version__}, Python {sys.version.split()[0]}, YAML parser: "
        f"{loader_name()}, {os.cpu_count()} CPUs, load average "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    report: dict[str, Any] = {}
    sizes = [int(size) for size in (args.sizes or "1000,10000,100000").split(",")]
    # scale and instructions measure networks far beyond the default layer bound.
    os.environ.setdefault("CNNCALC_MAX_LAYERS", "10000000")
    os.environ["CNNCALC_BENCH_GC"] = args.gc
    topics = (
        [
            "startup",
            "tables",
            "bundled",
            "scale",
            "instructions",
            "check",
            "torchinfo",
            "fuzz",
            "hostile",
        ]
        if args.topic == "all"
        else [args.topic]
    )
    for topic in topics:
        if topic == "startup":
            report[topic] = bench_startup(max(args.runs, 5))
        elif topic == "tables":
            report[topic] = bench_tables(max(args.runs, 5))
        elif topic == "bundled":
            report[topic] = bench_bundled(args.runs)
        elif topic == "scale":
            report[topic] = bench_scale(args.runs, sizes)
        elif topic == "instructions":
            # 100,000 layers take minutes under valgrind: up to 10,000 unless asked.
            small = [size for size in sizes if size <= 10_000]
            report[topic] = bench_instructions(sizes if args.sizes else small)
        elif topic == "check":
            report[topic] = bench_check(min(args.runs, 3), args.files)
        elif topic == "torchinfo":
            report[topic] = bench_torchinfo(args.runs)
        elif topic == "hostile":
            report[topic] = bench_hostile()
        elif topic == "fuzz":
            report[topic] = bench_fuzz(args.examples)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
