"""Style, types and imports never drift: the tests also run ruff, mypy --strict and lint-imports."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is in the test extras")
def test_ruff_check_passes() -> None:
    result = _run("ruff", "check", "cnncalc", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_passes() -> None:
    pytest.importorskip("mypy")
    result = _run(sys.executable, "-m", "mypy", "--strict", "cnncalc")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is in the test extras")
def test_ruff_format_leaves_the_tree_as_it_is() -> None:
    result = _run("ruff", "format", "--check", "cnncalc", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(
    shutil.which("lint-imports") is None, reason="import-linter is in the test extras"
)
def test_import_contracts_are_kept() -> None:
    # pyproject.toml [tool.importlinter]: the core never imports click or rich, and the
    # layer kinds never import the analysis.
    result = _run("lint-imports")
    assert result.returncode == 0, result.stdout + result.stderr


# Modules allowed to import click and rich: the command line, the renderers, and the
# console script that starts the command line.
_PRESENTATION = {
    "cnncalc.cli",
    "cnncalc.render",
    "cnncalc.render.plot",
    "cnncalc.console",
    "cnncalc.__main__",
}


def test_every_core_module_is_under_the_import_contract() -> None:
    # A new module of the core must be listed in the contract, or it could import rich
    # unnoticed; a new presentation module joins _PRESENTATION above.
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    core = next(
        contract["source_modules"]
        for contract in contracts["tool"]["importlinter"]["contracts"]
        if "click" in contract["forbidden_modules"]
    )
    package = ROOT / "cnncalc"
    top_level = {
        f"cnncalc.{path.stem if path.is_file() else path.name}"
        for path in package.iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").exists()
    }
    assert top_level - _PRESENTATION == set(core)


_SKIPPING_TESTS = {
    # A whole oracle file skipped at import, as when torch is missing.
    "test_torch_oracle.py": "import pytest\npytest.importorskip('cnncalc_no_such_module')\n",
    # One preset comparison skipped inside its test.
    "test_conventions.py": "import pytest\n\ndef test_preset():\n    pytest.skip('no torch module mapped')\n",
    # Elsewhere: a missing oracle package counts, any other reason does not.
    "test_elsewhere.py": (
        "import pytest\n\n"
        "def test_needs_thop():\n    pytest.skip(\"could not import 'thop': No module named 'thop'\")\n\n"
        "def test_unrelated():\n    pytest.skip('not on this platform')\n"
    ),
}


_ALL = ("--continue-on-collection-errors",)


@pytest.mark.parametrize("ci", ["true", ""])
def test_a_skipped_oracle_fails_only_under_ci(tmp_path: Path, ci: str) -> None:
    shutil.copy(ROOT / "tests" / "conftest.py", tmp_path / "conftest.py")
    for name, text in _SKIPPING_TESTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rfEs", *_ALL, "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "CI": ci},
    )
    summary = result.stdout.strip().splitlines()[-1]
    if ci:
        # The file skipped at import is an error, the two skipped tests fail, and the
        # unrelated skip stays a skip.
        assert result.returncode != 0, result.stdout
        assert summary.startswith("2 failed, 1 skipped, 1 error"), result.stdout
        assert "could not import 'cnncalc_no_such_module'" in result.stdout
        assert "could not import 'thop'" in result.stdout
    else:
        assert result.returncode == 0, result.stdout
        assert summary.startswith("4 skipped"), result.stdout
