"""The JSON Schema (draft 2020-12) of the architecture file, built from the layer registry.

Each layer kind declares its fields (name, parser, default, help); this module turns
those declarations into one JSON Schema, so the schema lists exactly the kinds and
fields the loader knows. The result ships as ``cnncalc/schema.json`` (package data),
which `cnncalc schema` prints and editors read. Regenerate it after adding a kind or
a field::

    python -m cnncalc.reports.schema --write

(a test fails while the shipped file and the registry disagree).

The schema checks the file's structure: keys, types, required fields, ranges, the
layer types and their fields, budget sizes. What needs the whole network stays with
the loader and the analysis (see docs/file-format.md): unique layer names, `input:` naming an
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

from cnncalc.reading import fields as f

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


def _axes(minimum: int) -> Fragment:
    single = _integer(minimum)
    return {
        "anyOf": [
            single,
            {"type": "array", "items": single, "minItems": 1, "maxItems": 3},
        ],
        "description": "one integer for every spatial axis, or one per axis: [length], "
        "[height, width] or [depth, height, width]",
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
            {"type": "array", "items": _integer(0), "minItems": 1, "maxItems": 3},
            _words(("same", "valid")),
        ],
        "description": "an integer, one per spatial axis ([height, width]), same or valid",
    },
}


def _parser_schema(parser: Callable[..., Any]) -> Fragment:
    """The JSON Schema of the values a field parser accepts.

    A parser may declare its own as a ``json_schema`` attribute (a dict, or a
    function returning one); the generic parsers of `cnncalc.reading.fields` are known here.
    """
    declared = getattr(parser, "json_schema", None)
    if declared is not None:
        fragment = declared() if callable(declared) else declared
        copied: Fragment = json.loads(json.dumps(fragment))  # a deep copy, and JSON-safe
        return copied
    if parser in _FIXED:
        return dict(_FIXED[parser])
    qualname = getattr(parser, "__qualname__", "")
    if qualname == f"{f.integer.__name__}.<locals>.parse":
        return _integer(_closure(parser)["minimum"])
    if qualname == f"{f.pair.__name__}.<locals>.parse":
        single = _closure(parser)["single"]
        return _pair(_closure(single)["minimum"])
    if qualname == f"{f.per_axis.__name__}.<locals>.parse":
        single = _closure(parser)["single"]
        return _axes(_closure(single)["minimum"])
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


PARAMETER: Fragment = {
    "type": "string",
    "pattern": r"^\$[A-Za-z_][A-Za-z0-9_]*$",
    "description": "a block parameter, $name, replaced by the instance's argument",
}
_PARAMETER_REF: Fragment = {"$ref": "#/$defs/parameter"}


def templated(fragment: Fragment) -> Fragment:
    """Inside a block's layers any value, or any item of a list, may be `$parameter`."""
    outer: Fragment = {key: fragment[key] for key in ("description", "default") if key in fragment}
    inner = {key: value for key, value in fragment.items() if key not in outer}
    return {"anyOf": [_templated_inside(inner), _PARAMETER_REF], **outer}


def _templated_inside(fragment: Fragment) -> Fragment:
    result = dict(fragment)
    if isinstance(result.get("items"), dict):
        result["items"] = templated(result["items"])
    if "anyOf" in result:
        result["anyOf"] = [_templated_inside(branch) for branch in result["anyOf"]]
    return result


def kind_schema(kind: Any, in_block: bool = False) -> Fragment:
    """One layer kind: its `type`, the common keys, its own fields, nothing else.

    ``in_block``: the kind as written in a block's layers, where values may be
    `$parameter`s and `$input` names the instance's input.
    """
    from cnncalc.reading.architecture import NETWORK_INPUT

    reads = f"{NETWORK_INPUT!r} is the network input" + ("; $input the block's" if in_block else "")
    properties: Fragment = {
        "type": {"const": kind.type_name},
        "name": {
            "allOf": [TEXT, {"not": {"const": NETWORK_INPUT}}],
            "description": f"unique; default <type><n>; {NETWORK_INPUT!r} names the network input",
        },
    }
    required = ["type"]
    if kind.arity == "many":
        inputs: Fragment = {"type": "array", "items": TEXT, "minItems": 2}
        properties["inputs"] = {
            **(templated(inputs) if in_block else inputs),
            "description": f"the layers this one joins ({reads})",
        }
        required.append("inputs")
    else:
        properties["input"] = {
            **TEXT,
            "description": f"the layer it reads (default: the previous one; {reads})",
        }
    properties["share"] = {
        **TEXT,
        "description": "reuse this layer's parameters (tied weights, counted once)",
    }
    trainable: Fragment = {
        "type": "boolean",
        "default": True,
        "description": "false: the layer is frozen, its parameters count as non-trainable",
    }
    properties["trainable"] = templated(trainable) if in_block else trainable
    for field in kind.fields:
        try:
            fragment = field_schema(field)
        except SchemaGap as gap:
            raise SchemaGap(
                f"layer type {kind.type_name!r}, field {field.name!r}: no JSON Schema for "
                f"its parser {gap}; give the parser a json_schema attribute, or teach "
                "cnncalc/reports/schema.py::_parser_schema"
            ) from None
        properties[field.name] = templated(fragment) if in_block else fragment
        if field.default is f.REQUIRED:
            required.append(field.name)
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _dispatch(prefix: str, kinds: Iterable[str], in_block: bool) -> Fragment:
    """A layer mapping: `type` picks the kind whose schema then applies."""
    names = list(kinds)
    type_schema: Fragment = {"enum": names}
    if in_block:
        type_schema = {"anyOf": [type_schema, _PARAMETER_REF]}
    return {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {**type_schema, "description": "the layer's kind"}},
        "allOf": [
            {
                "if": {"properties": {"type": {"const": name}}, "required": ["type"]},
                "then": {"$ref": f"#/$defs/{prefix}.{name}"},
            }
            for name in names
        ],
    }


def _item(layer: str, instance: str) -> Fragment:
    """An entry of a `layers` list: a block instance when it has `block:`, else a layer."""
    return {
        "if": {"type": "object", "required": ["block"]},
        "then": {"$ref": f"#/$defs/{instance}"},
        "else": {"$ref": f"#/$defs/{layer}"},
    }


def size_schema() -> Fragment:
    """A budget size: an integer, or text like 61_000, 61k, 25M, 4.1G."""
    from cnncalc.reading.sizes import SUFFIXES

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
    from cnncalc.model.layers import KINDS
    from cnncalc.names import BUDGET_FIGURES
    from cnncalc.reading.architecture import TOP_LEVEL_KEYS

    defs: Fragment = {"size": size_schema(), "parameter": PARAMETER}
    for type_name, kind in KINDS.items():
        defs[f"layer.{type_name}"] = kind_schema(kind)
    for type_name, kind in KINDS.items():
        defs[f"block_layer.{type_name}"] = kind_schema(kind, in_block=True)
    defs["layer"] = _dispatch("layer", KINDS, in_block=False)
    defs["block_layer"] = _dispatch("block_layer", KINDS, in_block=True)
    defs["instance"] = _instance_schema(in_block=False)
    defs["block_instance"] = _instance_schema(in_block=True)
    defs["layers_item"] = _item("layer", "instance")
    defs["block_layers_item"] = _item("block_layer", "block_instance")
    defs["block"] = _block_schema()
    shape = {
        "type": "array",
        "items": _integer(1),
        "minItems": 1,
        "maxItems": 4,
        "description": "[channels, height, width], [channels, length], "
        "[channels, depth, height, width], or [units]",
    }
    properties: Fragment = {
        "name": {**TEXT, "description": "the architecture's name"},
        "description": {**TEXT, "description": "free text, e.g. the source of the figures"},
        "input": shape,
        "inputs": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": shape,
            "description": "several network inputs by name (instead of input); "
            "the first layer reads the first",
        },
        "layers": {
            "type": "array",
            "minItems": 1,
            "items": {"$ref": "#/$defs/layers_item"},
            "description": "applied in order; a block instance expands into its layers",
        },
        "budgets": {
            "type": "object",
            "propertyNames": {"enum": list(BUDGET_FIGURES)},
            "additionalProperties": {"$ref": "#/$defs/size"},
            "description": "maxima checked by `cnncalc check`",
        },
        "blocks": {
            "type": "object",
            "additionalProperties": {"$ref": "#/$defs/block"},
            "description": "reusable groups of layers, instantiated with block: NAME",
        },
    }
    unknown = set(TOP_LEVEL_KEYS) - set(properties)
    if unknown:
        raise SchemaGap(f"top-level keys without a schema: {', '.join(sorted(unknown))}")
    return {
        "$schema": DIALECT,
        "title": "cnncalc architecture file",
        "description": "A CNN architecture for cnncalc: `cnncalc schema` prints this schema.",
        "type": "object",
        "required": ["name", "layers"],
        "oneOf": [{"required": ["input"]}, {"required": ["inputs"]}],
        "properties": properties,
        "additionalProperties": False,
        # Without blocks: (no block definitions), no layer can be a block instance.
        "if": {"not": {"required": ["blocks"]}},
        "then": {"properties": {"layers": {"items": {"not": {"required": ["block"]}}}}},
        "$defs": defs,
    }


def _block_schema() -> Fragment:
    from cnncalc.reading.blocks import INSTANCE_KEYS, NETWORK_INPUT

    reserved = [NETWORK_INPUT, *INSTANCE_KEYS]
    return {
        "type": "object",
        "required": ["layers"],
        "properties": {
            "params": {
                "type": "object",
                "propertyNames": {
                    "pattern": r"^[A-Za-z_][A-Za-z0-9_]*$",
                    "not": {"enum": reserved},
                },
                "description": "parameter → default; null: every instance must give it",
            },
            "layers": {
                "type": "array",
                "minItems": 1,
                "items": {"$ref": "#/$defs/block_layers_item"},
                "description": "the first reads the instance's input; the last is its output",
            },
            "description": TEXT,
        },
        "additionalProperties": False,
    }


def _instance_schema(in_block: bool) -> Fragment:
    """A layer entry `{block: NAME, ...}`: its own keys, then the block's arguments."""
    repeat = _integer(1)
    block = TEXT
    trainable: Fragment = {"type": "boolean"}
    return {
        "type": "object",
        "required": ["block"],
        "properties": {
            "block": {
                **(templated(block) if in_block else block),
                "description": "a block defined under blocks",
            },
            "name": {**TEXT, "description": "prefix of the instance's layer names"},
            "input": TEXT,
            "repeat": {
                **(templated(repeat) if in_block else repeat),
                "description": "instances in a row (names NAME.0, NAME.1, ...)",
            },
            "first": {
                "type": "object",
                "description": "arguments of the first repetition (and block: another block)",
            },
            "trainable": {
                **(templated(trainable) if in_block else trainable),
                "description": "false: every layer of the instance is frozen",
            },
            "type": False,
        },
        "dependentRequired": {"first": ["repeat"]},
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
        print("usage: python -m cnncalc.reports.schema [--write]", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
