"""Every kind of bad input: one line `error: FILE:LINE:COL: ...`, exit 2, no traceback.

Each case is a small file and the line and column the error must point at, counted
by hand in the text (1-based).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

HEAD = "name: t\ninput: [1, 28, 28]\nlayers:\n"


def assert_one_error_line(result: Any, path: str, line: int, column: int, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    match = re.match(r"^error: (.+):(\d+):(\d+): (.+)$", lines[0])
    assert match, lines[0]
    assert match[1] == path
    assert (int(match[2]), int(match[3])) == (line, column), lines[0]
    for fragment in fragments:
        assert fragment in match[4], lines[0]


# (id, file text, line, what the column points at, fragments the message must contain).
# The expected column is where that text first stands on that line (None: column 1).
CASES: list[tuple[str, str, int, str | None, tuple[str, ...]]] = [
    ("empty file", "", 1, None, ("empty",)),
    ("only a comment", "# nothing\n", 1, None, ("empty",)),
    ("yaml syntax error", HEAD + "  - {type: conv, filters: 6\n", 5, None, ("YAML syntax error",)),
    ("two documents", "name: a\n---\nname: b\n", 2, None, ("more than one YAML document",)),
    ("top level is a list", "- a\n- b\n", 1, None, ("top level must be a mapping", "a list")),
    ("top level is a scalar", "hello\n", 1, None, ("top level must be a mapping",)),
    (
        "missing layers",
        "name: t\ninput: [1, 28, 28]\n",
        1,
        None,
        ("missing required key 'layers'",),
    ),
    ("missing input", "name: t\nlayers:\n  - {type: flatten}\n", 1, None, ("'input'",)),
    (
        "unknown top-level key",
        "name: t\nlayer: [1, 2, 3]\n",
        2,
        None,
        ("'layer'", "did you mean 'layers'"),
    ),
    ("duplicate key", "name: t\nname: u\n", 2, None, ("duplicate key 'name'",)),
    (
        "input not a shape",
        "name: t\ninput: [1, 2, 3, 4, 5]\nlayers:\n  - {type: flatten}\n",
        2,
        "[1, 2, 3, 4, 5]",
        ("[channels, height, width]",),
    ),
    ("layers empty", "name: t\ninput: [1, 2, 2]\nlayers: []\n", 3, "[]", ("non-empty list",)),
    ("layer not a mapping", HEAD + "  - conv\n", 4, "conv", ("layer 1", "must be a mapping")),
    ("missing type", HEAD + "  - {filters: 6}\n", 4, "{", ("missing required field 'type'",)),
    (
        "unknown layer type",
        HEAD + "  - {type: convv, filters: 6, kernel: 5}\n",
        4,
        "convv",
        ("unknown layer type 'convv'", "did you mean 'conv'"),
    ),
    (
        "unknown field",
        HEAD + "  - {type: conv, filter: 6, kernel: 5}\n",
        4,
        "filter:",
        ("unknown field 'filter'", "did you mean 'filters'"),
    ),
    (
        "missing field",
        HEAD + "  - {type: conv, kernel: 5}\n",
        4,
        "{",
        ("missing required field 'filters'",),
    ),
    (
        "string for an int",
        HEAD + "  - {type: conv, filters: six, kernel: 5}\n",
        4,
        "six",
        ("filters must be a positive integer", "'six'"),
    ),
    (
        "float for an int",
        HEAD + "  - {type: conv, filters: 6.5, kernel: 5}\n",
        4,
        "6.5",
        ("filters must be a positive integer", "6.5"),
    ),
    (
        "bool for an int",
        HEAD + "  - {type: conv, filters: true, kernel: 5}\n",
        4,
        "true",
        ("filters must be a positive integer", "boolean"),
    ),
    (
        "zero filters",
        HEAD + "  - {type: conv, filters: 0, kernel: 5}\n",
        4,
        "0",
        ("positive", "got 0"),
    ),
    ("negative kernel", HEAD + "  - {type: conv, filters: 1, kernel: -5}\n", 4, "-5", ("got -5",)),
    (
        "stride zero",
        HEAD + "  - {type: conv, filters: 1, kernel: 3, stride: 0}\n",
        4,
        "0}",
        ("stride must be a positive integer",),
    ),
    (
        "kernel larger than padded input",
        HEAD + "  - {type: conv, filters: 1, kernel: 31, padding: 1}\n",
        4,
        "31",
        ("kernel 31×31", "larger than its padded input 30×30"),
    ),
    (
        "bad padding word",
        HEAD + "  - {type: conv, filters: 1, kernel: 3, padding: sam}\n",
        4,
        "sam",
        ("did you mean 'same'",),
    ),
    (
        "groups do not divide",
        "name: t\ninput: [3, 8, 8]\nlayers:\n  - {type: conv, filters: 4, kernel: 3, groups: 2}\n",
        4,
        "2}",
        ("groups 2 must divide",),
    ),
    (
        "table index out of range",
        "name: t\ninput: [3, 8, 8]\nlayers:\n"
        "  - {type: conv, filters: 2, kernel: 3, table: [[0, 1], [2, 3]]}\n",
        4,
        "[[",
        ("reads input channel 3", "3 channels"),
    ),
    (
        "table length",
        "name: t\ninput: [3, 8, 8]\nlayers:\n"
        "  - {type: conv, filters: 3, kernel: 3, table: [[0], [1]]}\n",
        4,
        "[[",
        ("2 entries", "3 filters"),
    ),
    (
        "duplicate layer names",
        HEAD + "  - {name: a, type: flatten}\n  - {name: a, type: dense, units: 2}\n",
        5,
        "a,",
        ("'a' is already used", "line 4"),
    ),
    (
        "layer named input",
        HEAD + "  - {name: input, type: flatten}\n",
        4,
        "input",
        ("names the network input",),
    ),
    (
        "unknown reference",
        HEAD + "  - {name: a, type: flatten}\n  - {type: dense, units: 2, input: aa}\n",
        5,
        "aa",
        ("reads 'aa'", "no layer has that name"),
    ),
    (
        "cycle",
        HEAD + "  - {name: a, type: activation, fn: relu, input: b}\n"
        "  - {name: b, type: activation, fn: relu, input: a}\n",
        4,
        "b}",
        ("cycle", "a → b → a"),
    ),
    (
        # The graph's references are checked before any layer is computed: the bad
        # kernel above the unknown reference is not what is reported.
        "unknown reference below a bad layer",
        HEAD + "  - {name: a, type: conv, filters: 2, kernel: 99}\n"
        "  - {type: dense, units: 2, input: aa}\n",
        5,
        "aa",
        ("reads 'aa'", "no layer has that name"),
    ),
    (
        "bad layer in a file listed out of order",
        HEAD + "  - {name: b, type: dense, units: 2, input: a}\n"
        "  - {name: a, type: conv, filters: 2, kernel: 99, input: input}\n",
        5,
        "99",
        ("kernel",),
    ),
    (
        "self reference",
        HEAD + "  - {name: a, type: flatten, input: a}\n",
        4,
        "a}",
        ("its own output",),
    ),
    (
        "add with unequal shapes",
        HEAD + "  - {name: a, type: conv, filters: 2, kernel: 3}\n"
        "  - {name: b, type: conv, filters: 2, kernel: 5, input: input}\n"
        "  - {type: add, inputs: [a, b]}\n",
        6,
        "[a",
        ("2×26×26", "2×24×24"),
    ),
    (
        "concat with unequal H×W",
        HEAD + "  - {name: a, type: conv, filters: 2, kernel: 3}\n"
        "  - {name: b, type: conv, filters: 3, kernel: 5, input: input}\n"
        "  - {type: concat, inputs: [a, b]}\n",
        6,
        "[a",
        ("equal H×W",),
    ),
    (
        "merge with one input",
        HEAD + "  - {type: add, inputs: [input]}\n",
        4,
        "[input",
        ("at least two",),
    ),
    (
        "inputs on a one-input layer",
        HEAD + "  - {type: flatten, inputs: [input]}\n",
        4,
        "[input",
        ("reads one tensor",),
    ),
    (
        "conv after flatten",
        HEAD + "  - {type: flatten}\n  - {type: conv, filters: 1, kernel: 1}\n",
        5,
        "{",
        ("needs a C×L, C×H×W or C×D×H×W input",),
    ),
    (
        "python object tag",
        "name: !!python/object/apply:os.system ['echo hi']\n",
        1,
        "!!python",
        ("tag !!python/object/apply:os.system is not allowed",),
    ),
    ("custom tag", "name: !custom t\n", 1, "!custom", ("tag !custom is not allowed",)),
    (
        "unknown activation",
        HEAD + "  - {type: activation, fn: rellu}\n",
        4,
        "rellu",
        ("did you mean 'relu'",),
    ),
    ("dropout rate 1", HEAD + "  - {type: dropout, rate: 1}\n", 4, "1}", ("rate",)),
    (
        "bad budget",
        "name: t\ninput: [1, 2, 2]\nlayers:\n  - {type: flatten}\nbudgets: {params: 12X}\n",
        5,
        "12X",
        ("unknown suffix 'X'",),
    ),
    (
        "unknown budget figure",
        "name: t\ninput: [1, 2, 2]\nlayers:\n  - {type: flatten}\nbudgets: {parms: 1}\n",
        5,
        "parms",
        ("did you mean 'params'",),
    ),
]


def column_of(text: str, line: int, pointer: str | None) -> int:
    if pointer is None:
        return 1
    return text.splitlines()[line - 1].index(pointer) + 1


@pytest.mark.parametrize(
    "text,line,pointer,fragments", [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_file(
    write: Any, text: str, line: int, pointer: str | None, fragments: tuple[str, ...]
) -> None:
    path = write(text)
    column = column_of(text, line, pointer)
    assert_one_error_line(run_cli(["show", str(path)]), str(path), line, column, *fragments)


def test_missing_file(tmp_path: Path) -> None:
    path = str(tmp_path / "nope.yaml")
    assert_one_error_line(run_cli(["show", path]), path, 1, 1, "no such file")


def test_unknown_bundled_name_suggests_one() -> None:
    assert_one_error_line(run_cli(["show", "alexnt"]), "alexnt", 1, 1, "did you mean 'alexnet'")


def test_directory(tmp_path: Path) -> None:
    assert_one_error_line(run_cli(["show", str(tmp_path)]), str(tmp_path), 1, 1, "is a directory")


def test_binary_file(write: Any) -> None:
    path = write(b"name: t\n\x00\x01\x02")
    assert_one_error_line(run_cli(["show", str(path)]), str(path), 2, 1, "binary file")


def test_not_utf8(write: Any) -> None:
    # Latin-1 'é' (0xe9) on line 2 after "description: caf" (16 characters): column 17.
    path = write(b"name: t\ndescription: caf\xe9\n")
    assert_one_error_line(run_cli(["show", str(path)]), str(path), 2, 17, "not UTF-8", "0xe9")


def test_alias_bomb_is_refused_quickly(write: Any) -> None:
    # "Billion laughs": nine levels of ten aliases would expand to 10^9 values.
    lines = ['a0: &a0 ["lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    path = write("\n".join(lines) + "\n")
    result = run_cli(["show", str(path)])
    assert result.exit_code == 2
    assert "alias bomb" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_recursive_alias(write: Any) -> None:
    path = write("name: t\nloop: &x [*x]\n")
    result = run_cli(["show", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}:")


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("Conv1d", "conv"),
        ("Conv3d", "conv"),
        ("ConvTranspose3d", "conv_transpose"),
        ("Conv1DTranspose", "conv_transpose"),  # Keras
        ("MaxPool1d", "pool, mode: max"),
        ("AvgPool3d", "pool, mode: avg"),
        ("AveragePooling1D", "pool, mode: avg"),  # Keras
        ("GlobalAveragePooling3D", "global_pool, mode: avg"),  # Keras
        ("AdaptiveAvgPool1d", "adaptive_pool, mode: avg"),
        ("BatchNorm3d", "batchnorm"),
        ("ZeroPad1d", "pad"),
        ("UpSampling3D", "upsample"),  # Keras
    ],
)
def test_a_torch_or_keras_name_of_any_rank_is_told_the_kind(
    tmp_path: Path, written: str, kind: str
) -> None:
    path = tmp_path / "net.yaml"
    path.write_text(f"name: t\ninput: [1, 8]\nlayers:\n  - {{type: {written}}}\n")
    result = run_cli(["show", str(path)])
    assert result.exit_code == 2 and result.stdout == ""
    assert f"unknown layer type {written!r} (in cnncalc: type: {kind};" in result.stderr
    assert len(result.stderr.splitlines()) == 1
