"""Property: whatever the input, cnncalc answers with an analysis or its own error.

Generated inputs: arbitrary text, arbitrary YAML documents, bundled architectures with
random mutations (wrong types, missing and extra keys, huge and negative numbers, deep
nesting, unicode names, broken references) and character-level edits of their text.
The outcome must be an `Analysis` with integer figures, or a `CnncalcError` that points
at a line and column; on the command line, exit 0 with one JSON document or exit 2 with
one `error: FILE:LINE:COL: message` line. Anything else (a traceback) fails.

Deterministic in the normal suite (derandomize=True, a bounded number of examples);
`CNNCALC_FUZZ_EXAMPLES=5000` (or `python benchmarks/run.py fuzz`) runs a long campaign.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnncalc.cli import cli
from cnncalc.errors import CnncalcError
from cnncalc.figures.analysis import analyse
from cnncalc.names import FIGURE_KEYS
from cnncalc.reading.architecture import from_text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("CNNCALC_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=EXAMPLES or 80,
    derandomize=not EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ERROR_LINE = re.compile(r"^error: .+:\d+:\d+: \S")
SEEDS = ("lenet5", "alexnet", "resnet18", "mobilenet_v2", "googlenet")
SEED_TEXTS = {name: (ROOT / "architectures" / f"{name}.yaml").read_text() for name in SEEDS}
SEED_DATA = {name: yaml.safe_load(text) for name, text in SEED_TEXTS.items()}
LAYER_FIELDS = [
    "name", "type", "input", "inputs", "filters", "kernel", "stride", "padding", "dilation",
    "groups", "bias", "sharing", "table", "mode", "size", "ceil", "units", "trainable",
    "fn", "rate", "block", "repeat", "share",
]  # fmt: skip


def outcome(text: str) -> str:
    """'ok' or 'error'; any other exception escapes and fails the property."""
    try:
        analysis = analyse(from_text(text, "fuzz.yaml"))
    except CnncalcError as error:
        assert error.position.line >= 1 and error.position.column >= 1, str(error)
        assert str(error).startswith("fuzz.yaml:"), str(error)
        return "error"
    for row in (*analysis.layers, analysis.totals):
        for key in FIGURE_KEYS:
            value = row.figure(key)
            assert type(value) is int and value >= 0, (key, value)
    return "ok"


def cli_outcome(text: str) -> None:
    result = CliRunner().invoke(
        cli, ["show", "-", "--format", "json"], input=text.encode("utf-8", "surrogatepass")
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 0:
        json.loads(result.stdout)
    else:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and ERROR_LINE.match(lines[0]), lines


# -- strategies -------------------------------------------------------------------------

numbers = st.one_of(
    st.integers(-3, 300),
    st.integers(),
    st.sampled_from([0, -1, 2**63, 10**30, -(10**30), 10**99, 10**100, 10**101]),
    st.floats(allow_nan=True, allow_infinity=True),
)
words = st.one_of(
    st.sampled_from([*LAYER_FIELDS, "conv", "same", "valid", "max", "avg", "relu", "input"]),
    st.text(max_size=12),
    st.text(st.characters(codec="utf-8"), max_size=8),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, words)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(words, inner, max_size=5)),
    max_leaves=25,
)


def deep(levels: int) -> Any:
    value: Any = 1
    for i in range(levels):
        value = [value] if i % 2 else {"k": value}
    return value


def _dump(data: Any, flow: bool | None) -> str:
    return yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, sort_keys=False)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


def _mutate(data: Any, draw: Any) -> Any:
    paths = _paths(data)
    path = draw(st.sampled_from(paths[1:] or paths))
    parent: Any = data
    for step in path[:-1]:
        parent = parent[step]
    if not path:
        return draw(values)
    key = path[-1]
    action = draw(st.sampled_from(["replace", "delete", "extra", "reference", "deep", "dup"]))
    if action == "replace":
        parent[key] = draw(values)
    elif action == "delete":
        del parent[key]
    elif action == "extra" and isinstance(parent, dict):
        parent[draw(words)] = draw(values)
    elif action == "reference" and isinstance(parent, dict):
        names = [str(v) for p in _paths(data) if p and p[-1] == "name" for v in [_get(data, p)]]
        target = draw(st.sampled_from([*names, "input", "nowhere", ""]))
        parent[draw(st.sampled_from(["input", "inputs"]))] = draw(
            st.sampled_from([target, [target], [target, target], []])
        )
    elif action == "deep":
        parent[key] = deep(draw(st.integers(50, 300)))
    elif action == "dup" and isinstance(parent, list):
        parent.insert(key, parent[key])
    return data


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


@st.composite
def mutated_architectures(draw: Any) -> str:
    name = draw(st.sampled_from(SEEDS))
    data = yaml.safe_load(SEED_TEXTS[name])  # a fresh copy to mutate
    for _ in range(draw(st.integers(1, 3))):
        data = _mutate(data, draw)
    return _dump(data, draw(st.sampled_from([None, True, False])))


@st.composite
def edited_texts(draw: Any) -> str:
    text = SEED_TEXTS[draw(st.sampled_from(SEEDS))]
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        piece = draw(st.one_of(st.sampled_from(list("[]{}:,-#&*!|>'\"\n\t ?%@`&*<")), words))
        cut = draw(st.integers(0, 3))
        text = text[:at] + piece + text[at + cut :]
    return text


# -- properties -------------------------------------------------------------------------


@FUZZ
@given(st.text())
def test_arbitrary_text(text: str) -> None:
    outcome(text)


@FUZZ
@given(values, st.sampled_from([None, True, False]))
def test_arbitrary_yaml_documents(data: Any, flow: bool | None) -> None:
    outcome(_dump(data, flow))


@FUZZ
@given(mutated_architectures())
def test_mutated_architectures(text: str) -> None:
    outcome(text)


@FUZZ
@given(edited_texts())
def test_edited_texts(text: str) -> None:
    outcome(text)


@settings(FUZZ, max_examples=max(EXAMPLES // 4, 25))
@given(st.one_of(mutated_architectures(), edited_texts(), st.text()))
def test_command_line_answers_with_json_or_one_error_line(text: str) -> None:
    cli_outcome(text)


def test_the_seeds_themselves_analyse() -> None:
    assert all(outcome(text) == "ok" for text in SEED_TEXTS.values())
