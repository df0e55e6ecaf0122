"""The documentation tells the truth: its links resolve, the README's commands run, and
every output the README pastes is what the command prints today.

The README shows commands in ```sh blocks; a line starting with `cnncalc` runs as
written (redirections included) in a folder holding the files the examples name. An
output is pasted as a ```text block right after a line "`cnncalc ...` (at N columns):"
and compared line by line, trailing spaces aside. After a deliberate change of output,
`CNNCALC_UPDATE_README=1 pytest tests/test_docs.py` pastes the new outputs in (the
same holds for outputs pasted in docs/).
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = sorted([README, ROOT / "CONTRIBUTING.md", ROOT / "CHANGELOG.md", *ROOT.glob("docs/*.md")])

# The files the README's examples name, made from bundled architectures.
EXAMPLE_FILES = {"my_net.yaml": "alexnet_torchvision.yaml", "model.yaml": "lenet5.yaml"}

_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
_PASTED = re.compile(
    r"^`(cnncalc [^`]+)` \(at (\d+) columns\):\n\n```text\n(.*?)^```\n", re.M | re.S
)


def _links(page: Path) -> list[str]:
    # Links inside code blocks are examples, not links.
    text = _FENCE.sub("", page.read_text(encoding="utf-8"))
    return [target for target in _LINK.findall(text) if not re.match(r"[a-z]+:", target)]


def _anchors(page: Path) -> set[str]:
    # GitHub's anchors: the heading lowercased, punctuation dropped, spaces to hyphens.
    text = _FENCE.sub("", page.read_text(encoding="utf-8"))
    headings = re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_relative_link_resolves(page: Path) -> None:
    assert page.exists(), f"{page.relative_to(ROOT)} is missing"
    broken = []
    for link in _links(page):
        path, _, anchor = unquote(link).partition("#")
        target = (page.parent / path).resolve() if path else page
        if not target.exists():
            broken.append(f"{link}: no such file")
        elif anchor and target.suffix == ".md" and anchor not in _anchors(target):
            broken.append(f"{link}: no heading #{anchor}")
    assert not broken, broken


def test_the_link_checker_sees_a_broken_link(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n\n[ok](page.md#title) [bad](gone.md) ![img](x.png) [web](https://a.b)\n"
        "```sh\n[not a link](nowhere.md)\n```\n",
        encoding="utf-8",
    )
    assert _links(page) == ["page.md#title", "gone.md", "x.png"]
    assert _anchors(page) == {"title"}


def _readme_commands() -> list[str]:
    readme = README.read_text(encoding="utf-8")
    commands = []
    for language, body in _FENCE.findall(readme):
        if language != "sh":
            continue
        for line in body.splitlines():
            command = re.sub(r"\s+#.*$", "", line).strip()
            if command.startswith("cnncalc ") or command == "cnncalc":
                commands.append(command)
            elif command.startswith("pip install . && cnncalc "):
                commands.append(command.split("&& ", 1)[1])
    return commands


def _run(
    command: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    scripts = str(Path(sys.executable).parent)
    base = {**os.environ, "PATH": scripts + os.pathsep + os.environ.get("PATH", "")}
    base |= {"NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"}
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=base | (env or {}),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    for name, bundled in EXAMPLE_FILES.items():
        shutil.copy(ROOT / "architectures" / bundled, tmp_path / name)
    shutil.copytree(ROOT / "architectures", tmp_path / "architectures")
    return tmp_path


def test_the_readme_shows_commands() -> None:
    commands = _readme_commands()
    assert "cnncalc show lenet5" in commands
    assert len(commands) >= 8, commands


def _write_small_onnx_model(path: Path) -> None:
    """A 3×3 conv of 8 filters on 1×28×28, then a ReLU, built with onnx's helpers: the
    model the README's `cnncalc import model.onnx` example reads."""
    pytest.importorskip("onnx", reason="could not import onnx")
    from onnx import TensorProto, helper

    weight = helper.make_tensor("w", TensorProto.FLOAT, [8, 1, 3, 3], [0.0] * 72)
    graph = helper.make_graph(
        [
            helper.make_node("Conv", ["x", "w"], ["c"], name="conv1"),
            helper.make_node("Relu", ["c"], ["y"], name="relu1"),
        ],
        "small",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 28, 28])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        initializer=[weight],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    path.write_bytes(model.SerializeToString())


@pytest.mark.parametrize("command", _readme_commands())
def test_every_readme_command_runs(command: str, examples: Path) -> None:
    if shutil.which("cnncalc", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("the cnncalc script is not installed next to this Python")
    if "model.onnx" in command:
        _write_small_onnx_model(examples / "model.onnx")
    result = _run(command, examples)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_readme_turns_completion_on(shell: str, examples: Path) -> None:
    readme = README.read_text(encoding="utf-8")
    assert f"_CNNCALC_COMPLETE={shell}_source cnncalc" in readme
    result = _run("cnncalc", examples, {"_CNNCALC_COMPLETE": f"{shell}_source"})
    assert result.returncode == 0, result.stderr
    assert "_CNNCALC_COMPLETE" in result.stdout  # the script calls cnncalc back


def _lines(text: str) -> list[str]:
    # Trailing spaces and blank lines at either end are not part of what a reader sees.
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n").splitlines()


def test_the_readme_pastes_outputs() -> None:
    shown = {match[1] for match in _PASTED.finditer(README.read_text(encoding="utf-8"))}
    assert shown >= {
        "cnncalc show lenet5",
        "cnncalc compare alexnet --no-sharing --dense",
        "cnncalc explain alexnet conv1",
    }


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_pasted_output_is_what_runs(page: Path, examples: Path) -> None:
    text = page.read_text(encoding="utf-8")
    stale = []

    def compare(match: re.Match[str]) -> str:
        command, columns, pasted = match.groups()
        result = _run(command, examples, {"COLUMNS": columns})
        assert result.returncode == 0, result.stderr
        printed = _lines(result.stdout)
        if _lines(pasted) == printed:
            return match[0]
        stale.append(command)
        return match[0].replace(pasted, "\n".join(printed) + "\n")

    updated = _PASTED.sub(compare, text)
    if stale and os.environ.get("CNNCALC_UPDATE_README") == "1":
        page.write_text(updated, encoding="utf-8")
        return
    assert not stale, f"the output of {stale} is stale (CNNCALC_UPDATE_README=1 rewrites it)"


def test_the_readme_stays_a_front_door() -> None:
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 300


REFERENCE_SCRIPTS = sorted((ROOT / "tests" / "reference").glob("*.py"))


@pytest.mark.parametrize("script", REFERENCE_SCRIPTS, ids=lambda script: script.name)
def test_reference_scripts_print_what_their_header_says(script: Path) -> None:
    # Tests cite these scripts for numbers PyTorch counted; the indented lines of each
    # script's docstring are what it printed, with the torch version it names.
    pytest.importorskip("torch")
    header = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8"))) or ""
    assert re.search(r"Produced with torch \d+\.\d+", header), "name the torch version"
    expected = [line.strip() for line in header.splitlines() if line.startswith("    ")]
    assert expected, "paste what the script printed, indented, in its docstring"
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=False, timeout=300
    )
    assert result.returncode == 0, result.stderr
    printed = result.stdout.splitlines()
    assert [line for line in expected if line not in printed] == []
