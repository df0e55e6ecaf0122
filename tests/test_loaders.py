"""libyaml's C parser and PyYAML's pure Python parser give the same nodes, figures and
error positions on every file of the test corpus.

The corpus: the bundled architectures, every YAML file under tests/data, hostile
snippets (below), and 300 deterministic one-character mutations of LeNet-5's file.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from cnncalc.errors import CnncalcError
from cnncalc.figures.analysis import analyse
from cnncalc.reading import document
from cnncalc.reading.architecture import from_node
from cnncalc.render.records import analysis_record

ROOT = Path(__file__).resolve().parent.parent
C_LOADER = getattr(yaml, "CSafeLoader", None)
pytestmark = pytest.mark.skipif(C_LOADER is None, reason="PyYAML built without libyaml")

HOSTILE = {
    "tab_separator": "name: x\ninput: [1, 8, 8]\nlayers:\n  - {type: conv,\tfilters: 2, kernel: 3}\n",
    "tab_indent": "name: x\n\tinput: [1, 8, 8]\n",
    "unclosed_flow": "name: x\ninput: [1, 8, 8\nlayers: []\n",
    "bad_indent": "name: x\n input: [1]\n  layers: 2\n",
    "two_documents": "name: a\n---\nname: b\n",
    "empty": "",
    "only_comment": "# nothing\n",
    "alias_undefined": "name: *nope\n",
    "alias_recursive": "a: &x [1, *x]\n",
    "anchor_twice": "a: &x 1\nb: &x 2\n",
    "merge": "base: &b {type: conv, filters: 2}\nlayer: {<<: *b, kernel: 3}\n",
    "merge_bad": "a: {<<: 3}\n",
    "duplicate_key": "name: a\nname: b\n",
    "key_list": "[a]: 1\n",
    "key_map": "? {a: 1}\n: 2\n",
    "python_tag": "name: !!python/object:os.system echo\n",
    "custom_tag": "name: !foo bar\n",
    "binary_tag": "name: !!binary aGVsbG8=\n",
    "bad_int_tag": "a: !!int twelve\n",
    "bad_bool_tag": "a: !!bool maybe\n",
    "empty_float_tag": "a: !!float ''\n",
    "long_int": "a: " + "9" * 150 + "\n",
    "control_char": "name: a\x01b\n",
    "inner_bom": "name: a\ufeffb\n",
    "leading_bom": "\ufeffname: a\n",
    "nested_101": "a: " + "[" * 101 + "]" * 101 + "\n",
    "nested_flow_5000": "[" * 5000 + "]" * 5000,
    "nested_block_150": "".join(" " * i + "-\n" for i in range(150)),
    "alias_bomb": "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
    ),
    "unicode": "name: Réseau ✓ 网络 😀\ninput: [1, 8, 8]\nlayers: [{type: flatten}]\n",
    "quoted_numbers": "name: '1'\ninput: ['1', 8, 8]\n",
    "sexagesimal": "a: 1:30\n",
    "yes_no": "a: yes\nb: off\n",
    "date": "name: 2024-01-01\n",
    "block_scalar": "name: |\n  two\n  lines\ndescription: >-\n  folded\n",
    "stray_colon": "name: a: b\n",
    "unterminated_quote": "name: 'abc\n",
    "bad_escape": 'name: "\\q"\n',
}


def _corpus() -> dict[str, str]:
    corpus = {f"hostile/{name}": text for name, text in HOSTILE.items()}
    for path in sorted((ROOT / "architectures").glob("*.yaml")):
        corpus[f"architectures/{path.name}"] = path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "tests" / "data").rglob("*.y*ml")):
        try:
            corpus[str(path.relative_to(ROOT))] = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            continue  # refused before any parser runs
    lenet = (ROOT / "architectures" / "lenet5.yaml").read_text(encoding="utf-8")
    rng = random.Random(6)  # fixed seed: the same 300 mutations every run
    alphabet = "[]{}:,-#&*!|>'\"\n ?%@`0123456789abc"
    for i in range(300):
        at = rng.randrange(len(lenet))
        if i % 3 == 0:
            mutated = lenet[:at] + lenet[at + 1 :]
        elif i % 3 == 1:
            mutated = lenet[:at] + rng.choice(alphabet) + lenet[at:]
        else:
            mutated = lenet[:at] + rng.choice(alphabet) + lenet[at + 1 :]
        corpus[f"mutated/lenet5_{i:03d}"] = mutated
    return corpus


CORPUS = _corpus()


def _plain(node: document.Node) -> Any:
    """A node tree as comparable data, positions included."""
    position = (node.position.line, node.position.column)
    if isinstance(node, document.Mapping):
        return (
            "map",
            position,
            [(e.key, (e.key_position.line, e.key_position.column), _plain(e.value)) for e in node],
        )
    if isinstance(node, document.Sequence):
        return ("seq", position, [_plain(item) for item in node.items])
    return ("scalar", position, type(node.value).__name__, repr(node.value), node.text)


def _outcome(text: str, name: str, loader: type[Any]) -> tuple[Any, Any]:
    """(nodes or error, figures or error) with one parser."""
    try:
        root = document.parse(text, name, loader)
    except CnncalcError as error:
        return (str(error), None)
    try:
        figures: Any = analysis_record(analyse(from_node(root, name)))
    except CnncalcError as error:
        figures = str(error)
    return (_plain(root), figures)


def test_the_corpus_is_large_and_varied() -> None:
    assert len(CORPUS) >= 350
    outcomes = [_outcome(text, name, yaml.SafeLoader) for name, text in CORPUS.items()]
    parse_errors = sum(isinstance(nodes, str) for nodes, _ in outcomes)
    analysed = sum(isinstance(figures, dict) for _, figures in outcomes)
    assert parse_errors >= 50 and analysed >= 20, (parse_errors, analysed)


# Texts libyaml accepts and PyYAML refuses (their grammars differ; no error to align):
# `!` followed by `,` in a flow sequence (PyYAML reads the tag `!,`), and `?` inside a
# plain key in a flow mapping (`{name?: C1}`). Every other corpus file agrees exactly.
KNOWN_GRAMMAR_DIFFERENCES = {"mutated/lenet5_077", "mutated/lenet5_091"}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_both_parsers_agree(name: str) -> None:
    text = CORPUS[name]
    pure = _outcome(text, name, yaml.SafeLoader)
    libyaml = _outcome(text, name, C_LOADER)
    if name in KNOWN_GRAMMAR_DIFFERENCES:
        assert isinstance(pure[0], str) and not isinstance(libyaml[0], str)
        return
    assert pure == libyaml


def test_errors_name_the_place() -> None:
    """Every corpus error reads FILE:LINE:COL with a real line and column."""
    for name, text in CORPUS.items():
        for loader in (yaml.SafeLoader, C_LOADER):
            try:
                document.parse(text, name, loader)
            except CnncalcError as error:
                assert error.position.line >= 1 and error.position.column >= 1, (name, error)


def test_default_parser_is_libyaml_when_present() -> None:
    assert document.loader_name() == "libyaml (C)"
    assert document.loader_name(yaml.SafeLoader) == "pure Python"
