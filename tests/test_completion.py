"""Shell completion of ARCH (click's protocol): bundled names, then file paths."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cnncalc.cli import cli
from cnncalc.reading import catalog


def complete(shell: str, words: str, cword: int) -> list[str]:
    env = {"_CNNCALC_COMPLETE": f"{shell}_complete", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    result = CliRunner().invoke(cli, [], env=env, prog_name="cnncalc")
    assert result.exit_code == 0
    return result.stdout.splitlines()


@pytest.mark.parametrize("command", ["show", "compare", "explain", "check", "plot"])
def test_bash_completes_bundled_names_and_files(command: str) -> None:
    lines = complete("bash", f"cnncalc {command} res", 2)
    # The bundled ResNets (architectures/resnet18.yaml, resnet34, resnet50), then the
    # shell's own file completion for what was typed.
    expected = [name for name in catalog.names() if name.startswith("res")]
    assert expected == ["resnet18", "resnet34", "resnet50"]
    assert lines == [*(f"plain,{name}" for name in expected), "file,res"]


def test_zsh_gets_the_same_names() -> None:
    lines = complete("zsh", "cnncalc show lenet", 2)
    assert "lenet" in lines and "lenet5" in lines and "file" in lines


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_each_shell_has_a_script(shell: str) -> None:
    result = CliRunner().invoke(
        cli, [], env={"_CNNCALC_COMPLETE": f"{shell}_source"}, prog_name="cnncalc"
    )
    assert result.exit_code == 0
    assert "_CNNCALC_COMPLETE" in result.stdout
