"""The `cnncalc-check` pre-commit hook, through a real pre-commit run.

A temporary git repository uses this checkout as a hook repository, the way another
project would: `.pre-commit-config.yaml` names it by path and commit, `pre-commit
install` sets the git hook, and `git commit` runs it. An over-budget file is refused;
a file within its budget is committed.

pre-commit reads a hook repository at a commit, so the test first commits a copy of
this checkout's working tree (what `pre-commit try-repo` does) into a scratch
repository; pre-commit then builds its own virtualenv and pip-installs cnncalc from
it (PyPI is needed for the build requirements). Skipped when pre-commit or git is
missing, or when this checkout is not a git working tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "check"

pytest.importorskip("pre_commit", reason="pre-commit is in the test extras")
if shutil.which("git") is None:
    pytest.skip("git is not installed", allow_module_level=True)

# A clean environment for git and pre-commit: nothing from an enclosing git hook.
ENV = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
ENV.update(
    {
        "GIT_AUTHOR_NAME": "test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
        "GIT_CONFIG_NOSYSTEM": "1",
        "NO_COLOR": "1",
    }
)


def _run(
    *command: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=cwd,
        env=env or ENV,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def _git(*args: str, cwd: Path) -> str:
    result = _run("git", *args, cwd=cwd)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


def _snapshot_of_checkout(target: Path) -> str:
    """Commit this checkout's working tree (tracked and untracked, not ignored) into a
    new repository at ``target``; return the commit."""
    listing = _run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT)
    if listing.returncode != 0:
        pytest.skip("this checkout is not a git working tree")
    target.mkdir()
    for name in filter(None, listing.stdout.split("\0")):
        source = ROOT / name
        if source.is_file():
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    _git("init", "-q", cwd=target)
    _git("add", "-A", cwd=target)
    _git("commit", "-q", "-m", "snapshot", cwd=target)
    return _git("rev-parse", "HEAD", cwd=target)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    base = tmp_path_factory.mktemp("precommit")
    hooks_repo = base / "cnncalc"
    rev = _snapshot_of_checkout(hooks_repo)
    project = base / "project"
    project.mkdir()
    _git("init", "-q", cwd=project)
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks_repo}\n    rev: {rev}\n    hooks:\n      - id: cnncalc-check\n",
        encoding="utf-8",
    )
    env = {**ENV, "PRE_COMMIT_HOME": str(base / "cache")}
    installed = _run(sys.executable, "-m", "pre_commit", "install", cwd=project, env=env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    _git("add", ".pre-commit-config.yaml", cwd=project)
    # Commits the config alone: no architecture file is staged, so the hook is skipped.
    committed = _run("git", "commit", "-q", "-m", "config", cwd=project, env=env)
    assert committed.returncode == 0, committed.stdout + committed.stderr
    return project, env


def _commit(project: Path, env: dict[str, str], name: str) -> subprocess.CompletedProcess[str]:
    shutil.copy(DATA / name, project / name)
    _git("add", name, cwd=project)
    return _run("git", "commit", "-m", f"add {name}", cwd=project, env=env)


def test_over_budget_file_is_refused_then_within_budget_is_committed(
    project: tuple[Path, dict[str, str]],
) -> None:
    path, env = project
    # over.yaml: params 2·(3·3·1 + 1) = 20 against a budget of 19.
    refused = _commit(path, env, "over.yaml")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "cnncalc check" in output and "Failed" in output, output
    assert "tiny-over" in output and "FAIL" in output, output
    assert _git("log", "--format=%s", cwd=path).splitlines() == ["config"]

    _git("rm", "-q", "--cached", "over.yaml", cwd=path)
    (path / "over.yaml").unlink()
    # within.yaml: params 20 ≤ 20 and macs 648 ≤ 1,000.
    accepted = _commit(path, env, "within.yaml")
    output = accepted.stdout + accepted.stderr
    assert accepted.returncode == 0, output
    assert "Passed" in output, output
    assert _git("log", "--format=%s", cwd=path).splitlines() == ["add within.yaml", "config"]
