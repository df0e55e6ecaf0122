"""The JSON Schema (draft 2020-12) of the architecture file, built from the layer registry.

Each layer kind declares its fields (name, parser, default, help); this module turns
those declarations into one JSON Schema, so the schema lists exactly the kinds and
fields the loader knows. The result ships as ``cnncalc/schema.json`` (package data),
which `cnncalc schema` prints and editors read. Regenerate it after adding a kind or
a field::

    python -m cnncalc.schema --write

(a test fails while the shipped file and the registry disagree).

The schema checks the file's structure: keys, types, required fields, ranges, the
layer types and their fields, budget sizes. What needs the whole network stays with
the loader and the analysis (see the README): unique layer names, `input:` naming an
earlier layer, shapes that fit, `groups` dividing the channels, `table` indices in
range, sizes with a fraction left over (`1.5` without a suffix), and whole floats
such as `6.0` where an integer is expected (JSON Schema counts 6.0 as an integer).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from importlib import resources
from typing import Any

from cnncalc import fields as f

SCHEMA_FILE = "schema.json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"

Fragment = dict[str, Any]


class SchemaGap(Exception):
    """A field's parser has no JSON Schema counterpart yet; teach `_parser_schema` it."""


def shipped() -> str:
    """The schema as shipped in the package (what `cnncalc schema` prints)."""
    return resources.files("cnncalc").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def dumps(schema: Fragment) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


# --- fragments ------------------------------------------------------------------------

TEXT: Fragment = {"type": ["string", "number"]}  # a number used as a name reads as written


def _integer(minimum: int) -> Fragment:
    return {"type": "integer", "minimum": minimum}


def _pair(minimum: int) -> Fragment:
    single = _integer(minimum)
    return {
        "anyOf": [
            single,
            {"type": "array", "items": single, "minItems": 2, "maxItems": 2},
        ],
        "description": "one integer for both axes, or [height, width]",
    }


def _case_insensitive(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else _escape(c) for c in word)


def _escape(character: str) -> str:
    return "\\" + character if character in r"\^$.|?*+()[]{}/-" else character


def _words(options: Iterable[str]) -> Fragment:
    """One of these words, any letter case (as the loader reads them); the enum
    branch gives editors their completions."""
    allowed = list(options)
    pattern = "^(?:" + "|".join(_case_insensitive(word) for word in allowed) + ")$"
    return {"anyOf": [{"enum": allowed}, {"type": "string", "pattern": pattern}]}


def _closure(parser: Callable[..., Any]) -> dict[str, Any]:
    code = parser.__code__
    cells = parser.__closure__ or ()
    return {name: cell.cell_contents for name, cell in zip(code.co_freevars, cells, strict=True)}


_FIXED: dict[Callable[..., Any], Fragment] = {
    f.boolean: {"type": "boolean"},
    f.text: TEXT,
    f.number: {"type": "number"},
    f.rate: {"type": "number", "minimum": 0, "exclusiveMaximum": 1},
    f.name_list: {"type": "array", "items": TEXT, "minItems": 1},
    f.index_table: {
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": _integer(0),
        },
        "description": "for each filter, the input channels it reads",
    },
    f.padding: {
        "anyOf": [
            _integer(0),
            {"type": "array", "items": _integer(0), "minItems": 2, "maxItems": 2},
            _words(("same", "valid")),
        ],
        "description": "an integer, [height, width], same or valid",
    },
}


def _parser_schema(parser: Callable[..., Any]) -> Fragment:
    """The JSON Schema of the values a field parser accepts."""
    if parser in _FIXED:
        return dict(_FIXED[parser])
    own = getattr(parser, "json_schema", None)  # a parser object that publishes its schema
    if isinstance(own, dict):
        return dict(own)
    qualname = getattr(parser, "__qualname__", "")
    if qualname == f"{f.integer.__name__}.<locals>.parse":
        return _integer(_closure(parser)["minimum"])
    if qualname == f"{f.pair.__name__}.<locals>.parse":
        single = _closure(parser)["single"]
        return _pair(_closure(single)["minimum"])
    if qualname == f"{f.choice.__name__}.<locals>.parse":
        return _words(_closure(parser)["allowed"])
    raise SchemaGap(qualname or repr(parser))


def _json_default(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_json_default(item) for item in value]
    return value


def field_schema(field: f.Field) -> Fragment:
    fragment = _parser_schema(field.parse)
    if field.help:
        fragment["description"] = field.help
    if field.default is not f.REQUIRED and field.default is not None:
        fragment["default"] = _json_default(field.default)
    return fragment


def kind_schema(kind: Any) -> Fragment:
    """One layer kind: its `type`, the common keys, its own fields, nothing else."""
    from cnncalc.architecture import NETWORK_INPUT

    properties: Fragment = {
        "type": {"const": kind.type_name},
        "name": {
            "allOf": [TEXT, {"not": {"const": NETWORK_INPUT}}],
            "description": f"unique; default <type><n>; {NETWORK_INPUT!r} names the network input",
        },
    }
    required = ["type"]
    if kind.arity == "many":
        properties["inputs"] = {
            "type": "array",
            "items": TEXT,
            "minItems": 2,
            "description": "the layers this one joins",
        }
        required.append("inputs")
    else:
        properties["input"] = {
            **TEXT,
            "description": "the layer it reads (default: the previous one; "
            f"{NETWORK_INPUT!r} is the network input)",
        }
    for field in kind.fields:
        try:
            properties[field.name] = field_schema(field)
        except SchemaGap as gap:
            raise SchemaGap(
                f"layer type {kind.type_name!r}, field {field.name!r}: no JSON Schema for "
                f"its parser {gap}; teach cnncalc/schema.py::_parser_schema"
            ) from None
        if field.default is f.REQUIRED:
            required.append(field.name)
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def size_schema() -> Fragment:
    """A budget size: an integer, or text like 61_000, 61k, 25M, 4.1G."""
    from cnncalc.sizes import SUFFIXES

    letters = "".join(sorted({c for s in SUFFIXES for c in (s.lower(), s.upper()) if c}))
    return {
        "anyOf": [
            _integer(0),
            {"type": "string", "pattern": rf"^\s*[0-9][0-9_]*(?:\.[0-9_]*)?\s*[{letters}]?\s*$"},
        ],
        "description": "a size: 61000, 61_000, 61k, 25M or 4.1G (k, M, G, T, P: powers of 1000)",
    }


def build() -> Fragment:
    """The whole schema, from the registry of layer kinds and the loader's top-level keys."""
    from cnncalc.architecture import BUDGET_FIGURES, TOP_LEVEL_KEYS
    from cnncalc.layers import KINDS

    defs: Fragment = {"size": size_schema()}
    for type_name, kind in KINDS.items():
        defs[f"layer.{type_name}"] = kind_schema(kind)
    defs["layer"] = {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"enum": list(KINDS), "description": "the layer's kind"}},
        "allOf": [
            {
                "if": {"properties": {"type": {"const": type_name}}, "required": ["type"]},
                "then": {"$ref": f"#/$defs/layer.{type_name}"},
            }
            for type_name in KINDS
        ],
    }
    properties: Fragment = {
        "name": {**TEXT, "description": "the architecture's name"},
        "description": {**TEXT, "description": "free text, e.g. the source of the figures"},
        "input": {
            "type": "array",
            "items": _integer(1),
            "anyOf": [{"minItems": 3, "maxItems": 3}, {"minItems": 1, "maxItems": 1}],
            "description": "[channels, height, width], or [units]",
        },
        "layers": {
            "type": "array",
            "minItems": 1,
            "items": {"anyOf": [{"$ref": "#/$defs/layer"}, {"$ref": "#/$defs/instance"}]},
            "description": "applied in order; a block instance expands into its layers",
        },
        "budgets": {
            "type": "object",
            "propertyNames": {"enum": list(BUDGET_FIGURES)},
            "additionalProperties": {"$ref": "#/$defs/size"},
            "description": "maxima checked by `cnncalc check`",
        },
    }
    properties.update(_blocks_properties())
    defs["instance"] = _instance_schema()
    unknown = set(TOP_LEVEL_KEYS) - set(properties)
    if unknown:
        raise SchemaGap(f"top-level keys without a schema: {', '.join(sorted(unknown))}")
    return {
        "$schema": DIALECT,
        "title": "cnncalc architecture file",
        "description": "A CNN architecture for cnncalc: `cnncalc schema` prints this schema.",
        "type": "object",
        "required": ["name", "input", "layers"],
        "properties": properties,
        "additionalProperties": False,
        "$defs": defs,
    }


def _blocks_properties() -> Fragment:
    # A block's layers hold `$parameter` placeholders where numbers go, so they are
    # checked only as mappings here; the loader checks each instance once expanded.
    block = {
        "type": "object",
        "required": ["layers"],
        "properties": {
            "params": {
                "type": "object",
                "description": "parameter → default; null: every instance must give it",
            },
            "layers": {"type": "array", "minItems": 1, "items": {"type": "object"}},
            "description": TEXT,
        },
        "additionalProperties": False,
    }
    return {
        "blocks": {
            "type": "object",
            "additionalProperties": block,
            "description": "reusable groups of layers, instantiated with block: NAME",
        }
    }


def _instance_schema() -> Fragment:
    """A layer entry `{block: NAME, ...}`: its own keys, then the block's arguments."""
    parameter = {"type": "string", "pattern": r"^\$[A-Za-z_][A-Za-z0-9_]*$"}
    return {
        "type": "object",
        "required": ["block"],
        "properties": {
            "block": {**TEXT, "description": "a block defined under blocks"},
            "name": {**TEXT, "description": "prefix of the instance's layer names"},
            "input": TEXT,
            "repeat": {"anyOf": [_integer(1), parameter], "description": "instances in a row"},
            "first": {"type": "object", "description": "arguments of the first repetition"},
            "type": False,
        },
    }


def main(argv: list[str]) -> int:
    text = dumps(build())
    if argv == ["--write"]:
        target = resources.files("cnncalc").joinpath(SCHEMA_FILE)
        with resources.as_file(target) as path:
            path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
        return 0
    if argv:
        print("usage: python -m cnncalc.schema [--write]", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
