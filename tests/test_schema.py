"""The JSON Schema of the file format: shipped, printed, complete, and in step with the loader.

- tests/data/invalid/*.yaml: structural mistakes; the loader (exit 2, the message on
  the file's first line, `# expect: LINE:COL: text`, positions counted by hand) and
  the schema both reject each one.
- tests/data/invalid_semantic/*.yaml: mistakes only the loader or the analysis can
  see (duplicate names, shapes, ...); each file's second line says why the schema
  cannot. The loader rejects them; the schema accepts them, which keeps that list
  honest (a file the schema learns to reject belongs in invalid/).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from cnncalc.cli import cli
from cnncalc.model.layers import KINDS
from cnncalc.reading import catalog
from cnncalc.reading.architecture import BUDGET_FIGURES, TOP_LEVEL_KEYS
from cnncalc.reading.fields import REQUIRED
from cnncalc.reports import schema as schema_module

jsonschema = pytest.importorskip("jsonschema")

DATA = Path(__file__).parent / "data"
INVALID = sorted((DATA / "invalid").glob("*.yaml"))
SEMANTIC = sorted((DATA / "invalid_semantic").glob("*.yaml"))
ARCHITECTURES = Path(__file__).resolve().parent.parent / "architectures"
ENV = {"NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"}
EXPECT = re.compile(r"^# expect: (?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(schema_module.shipped())
    return document


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Any:
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _data(path: Path) -> Any:
    # What an editor's YAML language server hands its validator: plain data.
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _expected(path: Path) -> re.Match[str]:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = EXPECT.match(first)
    assert match, f"{path.name}: the first line must be '# expect: LINE:COL: message'"
    return match


def _check_cli(path: Path) -> Any:
    return CliRunner().invoke(cli, ["check", str(path)], env=ENV, catch_exceptions=False)


# --- the schema itself --------------------------------------------------------------------


def test_cnncalc_schema_prints_the_shipped_schema(schema: dict[str, Any]) -> None:
    result = CliRunner().invoke(cli, ["schema"], env=ENV, catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stderr == ""
    assert json.loads(result.stdout) == schema
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_shipped_schema_matches_the_registry() -> None:
    """cnncalc/schema.json is what `python -m cnncalc.reports.schema --write` generates now."""
    assert schema_module.shipped() == schema_module.dumps(schema_module.build()), (
        "cnncalc/schema.json is stale: run `python -m cnncalc.reports.schema --write`"
    )


def test_schema_lists_every_kind_and_field(schema: dict[str, Any]) -> None:
    defs = schema["$defs"]
    assert defs["layer"]["properties"]["type"]["enum"] == list(KINDS)
    for type_name, kind in KINDS.items():
        layer = defs[f"layer.{type_name}"]
        declared = {field.name for field in kind.fields}
        assert declared <= set(layer["properties"]), type_name
        required = {field.name for field in kind.fields if field.default is REQUIRED}
        assert required <= set(layer["required"]), type_name
        assert layer["additionalProperties"] is False


def test_schema_lists_every_common_layer_key(schema: dict[str, Any]) -> None:
    from cnncalc.reading.architecture import _LAYER_KEYS

    for type_name, kind in KINDS.items():
        for prefix in ("layer", "block_layer"):
            declared = set(schema["$defs"][f"{prefix}.{type_name}"]["properties"])
            # A merge names its `inputs`; every other kind reads one `input`.
            absent = {"input"} if kind.arity == "many" else {"inputs"}
            assert set(_LAYER_KEYS) - absent <= declared, (prefix, type_name)


def test_schema_lists_every_top_level_key_and_budget(schema: dict[str, Any]) -> None:
    assert set(schema["properties"]) == set(TOP_LEVEL_KEYS)
    assert schema["properties"]["budgets"]["propertyNames"]["enum"] == list(BUDGET_FIGURES)


@pytest.mark.parametrize("name", catalog.names())
def test_every_bundled_architecture_validates(validator: Any, name: str) -> None:
    data = _data(ARCHITECTURES / f"{name}.yaml")
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize("path", sorted((DATA / "check").glob("*.yaml")), ids=lambda p: p.name)
def test_check_examples(validator: Any, path: Path) -> None:
    # bad_budget.yaml holds `params: 12X`; the others are valid files.
    assert validator.is_valid(_data(path)) == (path.name != "bad_budget.yaml")


@pytest.mark.parametrize(
    ("size", "valid"),
    [
        (61000, True),
        ("61_000", True),
        ("61k", True),
        ("25M", True),
        ("4.1G", True),
        ("1.5g", True),
        ("12X", False),
        ("-3M", False),
        ("1e999", False),
        (-1, False),
        (True, False),
    ],
)
def test_budget_sizes(validator: Any, size: Any, valid: bool) -> None:
    data = {"name": "n", "input": [1], "layers": [{"type": "flatten"}], "budgets": {"macs": size}}
    assert validator.is_valid(data) == valid


@pytest.mark.parametrize(
    ("layer", "valid"),
    [
        ({"type": "activation", "fn": "ReLU"}, True),  # the loader reads any letter case
        ({"type": "conv", "filters": 1, "kernel": 1, "padding": "SAME"}, True),
        ({"type": "conv", "filters": 1, "kernel": [1, 2], "stride": [1, 1]}, True),
        ({"type": "pool", "size": 2, "mode": "median"}, False),
        ({"type": "add", "inputs": ["a", "b"]}, True),
        ({"type": "add", "input": "a", "inputs": ["a", "b"]}, False),
    ],
)
def test_layer_cases(validator: Any, layer: dict[str, Any], valid: bool) -> None:
    data = {"name": "n", "input": [1, 8, 8], "layers": [layer]}
    assert validator.is_valid(data) == valid


@pytest.mark.parametrize(
    ("layer", "valid"),
    [
        ({"type": "conv", "filters": "$width", "kernel": 3}, True),
        ({"type": "conv", "filters": 4, "kernel": ["$k", 1]}, True),  # items may be $k too
        ({"type": "conv", "filters": "six", "kernel": 3}, False),  # not a $parameter
        ({"type": "conv", "filter": "$width", "kernel": 3}, False),  # typo: unknown field
        ({"type": "add", "inputs": ["bn3", "$input"]}, True),
        ({"type": "$kind", "units": 3}, True),  # the kind itself is a parameter
        ({"block": "inner", "repeat": "$n"}, True),  # a nested instance
        ({"block": "inner", "repeat": 0}, False),
    ],
)
def test_block_layer_cases(validator: Any, layer: dict[str, Any], valid: bool) -> None:
    data = {
        "name": "n",
        "input": [1, 8, 8],
        "blocks": {"b": {"params": {"width": None}, "layers": [layer]}},
        "layers": [{"block": "b", "width": 2}],
    }
    assert validator.is_valid(data) == valid


def test_instances_need_blocks(validator: Any) -> None:
    data = {"name": "n", "input": [1, 8, 8], "layers": [{"block": "b"}]}
    assert not validator.is_valid(data)


# --- schema and loader agree ------------------------------------------------------------------


def test_there_are_examples() -> None:
    assert len(INVALID) >= 20
    assert len(SEMANTIC) >= 5


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_rejected_by_loader_and_schema(validator: Any, path: Path) -> None:
    expected = _expected(path)
    result = _check_cli(path)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    prefix = f"error: {path}:{expected['line']}:{expected['col']}: "
    assert lines[0].startswith(prefix), lines[0]
    assert expected["message"] in lines[0]
    assert "Traceback" not in result.output
    assert not validator.is_valid(_data(path)), f"the schema accepts {path.name}"


@pytest.mark.parametrize("path", SEMANTIC, ids=lambda p: p.name)
def test_semantic_only_rejected_by_loader_not_schema(validator: Any, path: Path) -> None:
    expected = _expected(path)
    result = _check_cli(path)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    prefix = f"error: {path}:{expected['line']}:{expected['col']}: "
    assert lines[0].startswith(prefix), lines[0]
    assert expected["message"] in lines[0]
    why = path.read_text(encoding="utf-8").splitlines()[1]
    assert why.startswith("# Why the schema passes it: ")
    assert validator.is_valid(_data(path)), f"the schema now rejects {path.name}: move it"


def test_1d_and_3d_files_are_valid_and_four_axes_are_not(validator: Any) -> None:
    layers_1d = [
        {"type": "conv", "filters": 4, "kernel": [80], "stride": 16, "padding": [2]},
        {"type": "pad", "padding": [1, 2]},
        {"type": "upsample", "scale": [2]},
    ]
    layers_3d = [
        {"type": "conv", "filters": 4, "kernel": [3, 7, 7], "dilation": [1, 2, 2]},
        {"type": "pad", "padding": [1, 1, 0, 0, 2, 2]},
        {"type": "adaptive_pool", "size": [1, 3, 3]},
    ]
    assert validator.is_valid({"name": "a", "input": [1, 8000], "layers": layers_1d})
    assert validator.is_valid({"name": "v", "input": [3, 16, 112, 112], "layers": layers_3d})
    four = {"type": "conv", "filters": 4, "kernel": [1, 3, 7, 7]}
    assert not validator.is_valid({"name": "x", "input": [3, 8, 8], "layers": [four]})
    assert not validator.is_valid({"name": "x", "input": [1, 2, 3, 4, 5], "layers": layers_1d})
