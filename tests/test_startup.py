"""Start-up stays lean: each command imports only what it needs.

Functional checks in fresh interpreters (what a module imports is what it pays for);
the timings themselves live in benchmarks/run.py.
"""

from __future__ import annotations

import subprocess
import sys


def imported_after(*arguments: str) -> set[str]:
    code = (
        "import sys\nfrom cnncalc.console import main\n"
        f"try:\n    main({list(arguments)!r})\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        env={"NO_COLOR": "1", "COLUMNS": "120", "PATH": ""},
    )
    return set(result.stderr.split())


def _top(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_version_imports_neither_rich_nor_yaml_nor_the_core() -> None:
    modules = imported_after("--version")
    assert "click" in modules
    assert not {"rich", "yaml"} & _top(modules)
    assert (
        not {"cnncalc.figures.analysis", "cnncalc.reading.architecture", "cnncalc.model.layers"}
        & modules
    )


def test_help_imports_neither_rich_nor_yaml() -> None:
    modules = imported_after("--help")
    assert not {"rich", "yaml"} & _top(modules)


def test_json_output_does_not_import_rich() -> None:
    modules = imported_after("show", "lenet5", "--format", "json")
    assert {"yaml", "cnncalc.figures.analysis"} <= modules | _top(modules)
    assert "rich" not in _top(modules)


def test_show_uses_the_c_parser_and_imports_no_test_or_torch_modules() -> None:
    modules = imported_after("show", "lenet5")
    assert "yaml._yaml" in modules  # libyaml's bindings
    assert not {"torch", "numpy", "hypothesis", "pytest"} & _top(modules)


def test_api_import_is_lazy() -> None:
    code = "import sys, cnncalc; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert not {"yaml", "rich", "click"} & _top(set(out.split()))


def test_only_the_console_script_pauses_the_garbage_collector() -> None:
    """The command line runs without the cyclic collector (cnncalc.console); a program
    that imports the library and analyses a network keeps its collector on."""
    code = "import gc, cnncalc\ncnncalc.analyse(cnncalc.bundled('lenet5'))\nprint(gc.isenabled())"
    library = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert library.split() == ["True"]
    code = (
        "import gc, sys\nfrom cnncalc.console import main\n"
        "try:\n    main(['show', 'lenet5', '--format', 'json'])\nexcept SystemExit:\n    pass\n"
        "print(gc.isenabled(), file=sys.stderr)"
    )
    command = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert command.stderr.split() == ["False"]
