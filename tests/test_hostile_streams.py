"""Hostile environments and text: full disks, closed streams, Ctrl-C, injected controls,
exports over inputs, unreadable folders, the Python API's validation.

Every expectation here is a rule stated in the issue or a fact of the environment
(ENOSPC's message, XML 1.0's character set, GitHub's workflow-command syntax), never a
copy of cnncalc's own output.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import cnncalc
from cnncalc.reports.budget_check import expand_arguments
from cnncalc.visible import json_visible, visible

ROOT = Path(__file__).resolve().parents[1]
EVIL_NAME = "evil\x1b]0;pwned\x07\n::error file=x.yaml::forged\u202e\x9b"
CONTROLS = ("\x1b", "\x07", "\u202e", "\x9b")


def run(*args: str, stdin: object = None, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cnncalc", *args],
        capture_output=stdin is None,
        stdin=stdin,  # type: ignore[arg-type]
        text=True,
        timeout=60,
        cwd=ROOT,
        **kwargs,  # type: ignore[arg-type]
    )


def evil_file(tmp_path: Path) -> Path:
    path = tmp_path / "evil.yaml"
    name = json.dumps(EVIL_NAME)  # a JSON string is a YAML double-quoted scalar
    path.write_text(
        f"name: {name}\ninput: [1, 8, 8]\nlayers:\n"
        f"  - {{name: {name}, type: conv, filters: 2, kernel: 3}}\n"
        "budgets: {params: 1000}\n",
        encoding="utf-8",
    )
    return path


# --- 1. output that cannot be written --------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    [("show", "alexnet"), ("show", "alexnet", "--format", "json"), ("check", "alexnet"), ("list",)],
)
def test_full_disk_is_one_line_and_status_2(args: tuple[str, ...]) -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "cnncalc", *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
    assert result.returncode == 2
    # ENOSPC's message, as the C library words it.
    assert result.stderr == "error: cannot write the output: No space left on device\n"


def test_closed_stdout_and_stdin() -> None:
    closed_out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os,sys; os.close(1); sys.stdout=None; "
            "from cnncalc.console import main; raise SystemExit(main(['list']))",
        ],
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert closed_out.returncode == 2
    assert closed_out.stderr.startswith("error: cannot write the output")
    closed_in = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.stdin=None; "
            "from cnncalc.console import main; raise SystemExit(main(['show', '-']))",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert closed_in.returncode == 2
    assert closed_in.stderr == "error: <stdin>:1:1: standard input is closed\n"


def test_broken_pipe_is_quiet() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "cnncalc", "show", "alexnet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader goes away before anything is read
    status = process.wait(timeout=60)
    assert process.stderr.read() == b""
    assert status == 141  # 128 + SIGPIPE, as a shell reports it


# --- 2. exit statuses -------------------------------------------------------------------


def test_internal_error_is_one_line_with_its_own_status() -> None:
    code = (
        "import cnncalc.figures.analysis as a\n"
        "def boom(*args, **kwargs): raise ZeroDivisionError('planted')\n"
        "a._field = boom\n"
        "from cnncalc.console import main\n"
        "raise SystemExit(main(['show', 'lenet5']))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "CNNCALC_DEBUG"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT, env=env
    )
    assert result.returncode == 3
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: internal error: ZeroDivisionError: planted")
    debug = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**env, "CNNCALC_DEBUG": "1"},
    )
    assert "Traceback" in debug.stderr and debug.returncode == 3


def test_ctrl_c_exits_130_and_workers_end(tmp_path: Path) -> None:
    source = (ROOT / "architectures" / "resnet18.yaml").read_text(encoding="utf-8")
    for index in range(3000):
        (tmp_path / f"r{index}.yaml").write_text(source, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "cnncalc", "check", str(tmp_path), "--jobs", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        start_new_session=True,
    )
    time.sleep(3)
    assert process.poll() is None, "the check ended before it could be interrupted"
    # As a terminal's Ctrl-C does: to every process of the group, workers included.
    os.killpg(process.pid, signal.SIGINT)
    started = time.monotonic()
    status = process.wait(timeout=30)
    assert status == 130
    assert time.monotonic() - started < 10
    assert process.stderr is not None
    assert b"Traceback" not in process.stderr.read()
    # No worker of that session is left behind.
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)


# --- 6. text ----------------------------------------------------------------------------


def test_lone_surrogate_is_refused_at_its_position(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text('name: "a\\ud800"\ninput: [1, 8, 8]\nlayers: [{type: flatten}]\n')
    result = run("show", str(path))
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {path}:1:7: the text holds a lone surrogate")


def test_utf16_is_named(tmp_path: Path) -> None:
    path = tmp_path / "u.yaml"
    path.write_bytes("name: x\ninput: [1, 8, 8]\nlayers: [{type: flatten}]\n".encode("utf-16"))
    result = run("show", str(path))
    assert (result.returncode, result.stderr) == (
        2,
        f"error: {path}:1:1: UTF-16: save the file as UTF-8\n",
    )


# --- 7. check DIR -----------------------------------------------------------------------


def test_dangling_and_looping_links_are_errors_and_the_rest_is_checked(tmp_path: Path) -> None:
    (tmp_path / "ok.yaml").write_text((ROOT / "architectures" / "lenet5.yaml").read_text())
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "missing.yaml")
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    result = run("check", str(tmp_path), "--format", "json")
    assert result.returncode == 2
    assert f"error: {tmp_path}/dangling.yaml:1:1:" in result.stderr
    assert f"error: {tmp_path}/loop.yaml:1:1:" in result.stderr
    passed = [r for r in json.loads(result.stdout)["results"] if r["status"] == "pass"]
    assert {r["file"] for r in passed} == {f"{tmp_path}/ok.yaml"}


def test_unreadable_folder_is_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    real_walk = os.walk

    def walk(top: str, onerror: object = None, **kwargs: object) -> object:
        # As os.walk reports a folder it may not list (root reads every folder).
        for folder, subfolders, files in real_walk(top, **kwargs):  # type: ignore[call-overload]
            if "locked" in subfolders:
                subfolders.remove("locked")
                onerror(PermissionError(13, "Permission denied", str(locked)))  # type: ignore[operator]
            yield folder, subfolders, files

    monkeypatch.setattr(os, "walk", walk)
    assert str(locked) in expand_arguments([str(tmp_path)])


# --- 8. exports -------------------------------------------------------------------------


def test_export_never_replaces_the_input(tmp_path: Path) -> None:
    path = tmp_path / "net.yaml"
    original = (ROOT / "architectures" / "lenet5.yaml").read_text()
    path.write_text(original)
    for option in ("--export-html", "--export-svg"):
        result = run("show", str(path), option, str(path))
        assert result.returncode == 2
        assert "this is an input of the command" in result.stderr
    result = run("check", str(path), "--junit", str(path))
    assert result.returncode == 2 and result.stdout == ""  # refused before any work
    assert path.read_text() == original


def test_empty_export_path_is_a_usage_error() -> None:
    for args in (("show", "lenet5", "--export-svg", ""), ("check", "lenet5", "--junit", "")):
        result = run(*args)
        assert result.returncode == 2
        assert "needs a file name" in result.stderr


def test_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    from cnncalc import output_files

    target = tmp_path / "report.xml"
    target.write_text("old")
    with pytest.raises(cnncalc.CnncalcError, match="No space left on device"):
        output_files.write("/dev/full", b"x" * 10, "JUnit report")
    output_files.write(str(target), b"new", "JUnit report")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["report.xml"]  # no temporary left


def test_junit_write_error_is_an_error_line_before_the_report(tmp_path: Path) -> None:
    result = run("check", "lenet5", "--junit", str(tmp_path / "no" / "such" / "j.xml"))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {tmp_path}/no/such/j.xml:1:1: cannot write")


# --- 9. injection -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown"])
@pytest.mark.parametrize(
    "command", [("show",), ("show", "--columns", "all"), ("explain",), ("compare",)]
)
def test_no_control_character_reaches_a_text_output(
    tmp_path: Path, fmt: str, command: tuple[str, ...]
) -> None:
    path = str(evil_file(tmp_path))
    arguments = [command[0], path, *command[1:], "--format", fmt]
    result = run(*arguments, env={**os.environ, "COLUMNS": "300"})
    assert result.returncode == 0, result.stderr
    assert not any(c in result.stdout + result.stderr for c in CONTROLS)
    assert "evil\\x1b]0;pwned\\x07" in result.stdout


def test_json_keeps_the_name_and_shows_no_control(tmp_path: Path) -> None:
    result = run("show", str(evil_file(tmp_path)), "--format", "json")
    assert not any(c in result.stdout for c in CONTROLS)
    assert json.loads(result.stdout)["name"] == EVIL_NAME


def test_github_annotations_cannot_be_forged(tmp_path: Path) -> None:
    result = run("check", str(evil_file(tmp_path)), "--format", "github")
    # Workflow commands start at the beginning of a line: only cnncalc's own may.
    commands = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert commands == []
    assert not any(c in result.stdout for c in CONTROLS)


def test_junit_is_well_formed(tmp_path: Path) -> None:
    report = tmp_path / "j.xml"
    run("check", str(evil_file(tmp_path)), "--junit", str(report))
    root = ET.parse(report).getroot()  # XML 1.0 parser: forbidden characters would fail
    assert root.find("testsuite") is not None


def test_svg_and_html_show_no_control(tmp_path: Path) -> None:
    svg, html = tmp_path / "t.svg", tmp_path / "t.html"
    result = run(
        "show", str(evil_file(tmp_path)), "--export-svg", str(svg), "--export-html", str(html)
    )
    assert result.returncode == 0
    for path in (svg, html):
        assert not any(c in path.read_text(encoding="utf-8") for c in CONTROLS)


def test_visible_keeps_ordinary_text() -> None:
    assert visible("conv1 – Größe ✓ 层") == "conv1 – Größe ✓ 层"
    assert visible("a\x1bb\tc\u202e") == "a\\x1bb\\tc\\u202e"
    assert json.loads(json_visible(json.dumps("\x9b\u2028", ensure_ascii=False))) == "\x9b\u2028"


# --- 10. the Python API -----------------------------------------------------------------


def test_api_validates_like_the_command_line() -> None:
    arch = cnncalc.bundled("lenet5")
    # (1, 2) is a 1-D input now; five values are no rank cnncalc knows.
    for shape in [(-1, 32, 32), (0, 32, 32), (1, 2, 3, 4, 5)]:
        with pytest.raises(cnncalc.CnncalcError, match="positive integers"):
            cnncalc.analyse(arch, input_shape=shape)
    with pytest.raises(TypeError):
        cnncalc.analyse(None)  # type: ignore[arg-type]
    with pytest.raises(cnncalc.CnncalcError, match="no bundled architecture"):
        cnncalc.bundled("nope")
    with pytest.raises(cnncalc.CnncalcError, match="CNNCALC_MAX_INT_DIGITS"):
        cnncalc.load(
            {"name": "n", "input": [1, 8, 8], "layers": [{"type": "dense", "units": 10**5000}]}
        )


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_full_disk_with_stderr_closed_still_exits_2() -> None:
    # Nowhere to say it: the status alone tells.
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "import os,sys; os.close(2); sys.stderr=None; "
                "from cnncalc.console import main; raise SystemExit(main(['show', 'lenet5']))",
            ],
            stdout=full,
            timeout=60,
            cwd=ROOT,
        )
    assert result.returncode == 2
