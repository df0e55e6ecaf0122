"""Reusable blocks: expansion, names, inputs, positions, and every bad block input.

The expected figures here never come from cnncalc: a network written with blocks must
give exactly the rows of the same network written out by hand, and the few numbers
below are hand arithmetic shown in the comments.
"""

from __future__ import annotations

import re
from pathlib import Path
from textwrap import dedent

import pytest
from conftest import run_cli

from cnncalc.errors import CnncalcError
from cnncalc.figures.analysis import analyse
from cnncalc.reading import catalog
from cnncalc.reading.architecture import from_text

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parent.parent


def rows(text: str) -> list[tuple[object, ...]]:
    analysis = analyse(from_text(dedent(text)))
    return [
        (r.name, r.type, r.inputs, r.output, r.params, r.non_trainable, r.connections, r.macs)
        for r in analysis.layers
    ]


RESIDUAL_WITH_BLOCKS = """\
    name: residual
    input: [4, 8, 8]
    blocks:
      res:
        params: {width: null, k: 3}
        layers:
          - {name: conv, type: conv, filters: $width, kernel: $k, padding: 1}
          - {name: bn, type: batchnorm}
          - {name: add, type: add, inputs: [bn, $input]}
    layers:
      - {name: stem, type: conv, filters: 4, kernel: 1}
      - {name: stage, block: res, repeat: 2, width: 4}
      - {name: head, type: dense, units: 3}
"""

RESIDUAL_BY_HAND = """\
    name: residual
    input: [4, 8, 8]
    layers:
      - {name: stem, type: conv, filters: 4, kernel: 1}
      - {name: stage.0.conv, type: conv, filters: 4, kernel: 3, padding: 1}
      - {name: stage.0.bn, type: batchnorm}
      - {name: stage.0.add, type: add, inputs: [stage.0.bn, stem]}
      - {name: stage.1.conv, type: conv, filters: 4, kernel: 3, padding: 1}
      - {name: stage.1.bn, type: batchnorm}
      - {name: stage.1.add, type: add, inputs: [stage.1.bn, stage.0.add]}
      - {name: head, type: dense, units: 3}
"""


def test_an_instance_expands_to_the_layers_written_out_by_hand() -> None:
    assert rows(RESIDUAL_WITH_BLOCKS) == rows(RESIDUAL_BY_HAND)


def test_the_expansion_has_the_figures_of_the_hand_arithmetic() -> None:
    analysis = analyse(from_text(dedent(RESIDUAL_WITH_BLOCKS)))
    conv = analysis.layer("stage.1.conv")
    # 4 filters of 3·3·4 weights + 4 biases = 148; MACs 8·8·4·36 = 9,216.
    assert (conv.output, conv.params, conv.macs) == ((4, 8, 8), 148, 9_216)
    assert analysis.layer("stage.1.add").inputs == ("stage.1.bn", "stage.0.add")


def test_first_replaces_the_block_and_arguments_of_the_first_repetition_only() -> None:
    text = """\
        name: t
        input: [2, 8, 8]
        blocks:
          plain:
            params: {width: null}
            layers: [{name: conv, type: conv, filters: $width, kernel: 1}]
          strided:
            params: {width: null, stride: 1}
            layers: [{name: conv, type: conv, filters: $width, kernel: 1, stride: $stride}]
        layers:
          - {name: s, block: plain, repeat: 3, width: 5, first: {block: strided, stride: 2}}
    """
    analysis = analyse(from_text(dedent(text)))
    # 8 → (8 − 1) // 2 + 1 = 4 in the first copy; the other two keep 4×4.
    assert [(r.name, r.output) for r in analysis.layers] == [
        ("s.0.conv", (5, 4, 4)),
        ("s.1.conv", (5, 4, 4)),
        ("s.2.conv", (5, 4, 4)),
    ]


def test_nested_instances_add_a_level_to_the_names_and_read_their_own_input() -> None:
    text = """\
        name: t
        input: [3, 6, 6]
        blocks:
          unit:
            params: {filters: null}
            layers:
              - {name: conv, type: conv, filters: $filters, kernel: 1}
              - {name: relu, type: activation, fn: relu}
          split:
            layers:
              - {name: a, block: unit, filters: 2}
              - {name: b, block: unit, input: $input, filters: 5}
              - {name: cat, type: concat, inputs: [a, b]}
        layers:
          - {name: x, block: split}
          - {name: after, type: flatten, input: x}
    """
    analysis = analyse(from_text(dedent(text)))
    assert [r.name for r in analysis.layers] == [
        "x.a.conv", "x.a.relu", "x.b.conv", "x.b.relu", "x.cat", "after"
    ]  # fmt: skip
    assert analysis.layer("x.b.conv").inputs == ("input",)
    assert analysis.layer("x.cat").inputs == ("x.a.relu", "x.b.relu")
    # Reading an instance by name reads its output: 2 + 5 channels of 6×6 = 252 units.
    assert analysis.layer("after").inputs == ("x.cat",)
    assert analysis.layer("after").output == (252,)


def test_a_block_reads_the_parts_of_its_own_split() -> None:
    text = """\
        name: t
        input: [8, 4, 4]
        blocks:
          unit:
            layers:
              - {name: split, type: split, parts: 2}
              - {name: conv, type: conv, input: split.1, filters: 4, kernel: 1}
              - {name: cat, type: concat, inputs: [split.0, conv]}
        layers:
          - {name: u, block: unit, repeat: 2}
    """
    analysis = analyse(from_text(dedent(text)))
    assert analysis.layer("u.1.conv").inputs == ("u.1.split.1",)
    assert analysis.layer("u.1.cat").inputs == ("u.1.split.0", "u.1.conv")
    # The conv reads 4 of the 8 channels: 4 filters of 4 weights + 4 biases = 20.
    assert analysis.layer("u.1.conv").params == 20
    with pytest.raises(CnncalcError, match=r"'u\.0\.split' has 2 parts"):
        analyse(from_text(dedent(text.replace("input: split.1", "input: split.3"))))


def test_unnamed_layers_are_numbered_by_their_place_in_the_list_they_are_written_in() -> None:
    text = """\
        name: t
        input: [1, 4, 4]
        blocks:
          b:
            layers:
              - {type: conv, filters: 2, kernel: 1}
              - {type: activation, fn: relu}
        layers:
          - {type: activation, fn: relu}
          - {block: b}
          - {type: flatten}
    """
    names = [r.name for r in analyse(from_text(dedent(text))).layers]
    assert names == ["activation1", "b2.conv1", "b2.activation2", "flatten3"]


def test_a_parameter_can_carry_a_layer_name_from_outside_the_block() -> None:
    text = """\
        name: t
        input: [2, 4, 4]
        blocks:
          join:
            params: {other: null}
            layers:
              - {name: conv, type: conv, filters: 2, kernel: 1}
              - {name: add, type: add, inputs: [conv, $other]}
        layers:
          - {name: first, type: activation, fn: relu}
          - {name: second, type: activation, fn: tanh}
          - {name: j, block: join, other: first}
    """
    analysis = analyse(from_text(dedent(text)))
    assert analysis.layer("j.add").inputs == ("j.conv", "first")
    assert analysis.layer("j.conv").inputs == ("second",)


def test_crop_like_names_a_layer_of_its_block_or_an_instance_as_input_does() -> None:
    text = """\
        name: t
        input: [1, 8, 8]
        blocks:
          up:
            params: {skip: null}
            layers:
              - {name: shrink, type: conv, filters: 2, kernel: 3}
              - {name: cut, type: crop, input: $skip, like: shrink}
              - {name: join, type: concat, inputs: [cut, shrink]}
        layers:
          - {name: stem, type: conv, filters: 2, kernel: 1}
          - {name: u, block: up, skip: stem}
          - {name: tail, type: crop, input: stem, like: u}
    """
    # The 3×3 conv makes 8×8 into 6×6; stem's 2×8×8 is cut to it, and the join has
    # 2 + 2 channels. `like: u` reads the instance's output, u.join, 6×6 too.
    analysis = analyse(from_text(dedent(text)))
    outputs = [analysis.layer(n).output for n in ("u.cut", "u.join", "tail")]
    assert outputs == [(2, 6, 6), (4, 6, 6), (2, 6, 6)]
    outside = dedent(text).replace("like: shrink", "like: stem")
    with pytest.raises(CnncalcError, match="reads 'stem', which is not a layer of this block"):
        from_text(outside)


def test_placeholders_inside_lists_are_substituted() -> None:
    text = """\
        name: t
        input: [1, 9, 9]
        blocks:
          b:
            params: {k: 3}
            layers: [{name: c, type: conv, filters: 1, kernel: [$k, 1]}]
        layers: [{name: x, block: b, k: 5}]
    """
    # 9 − 5 + 1 = 5 rows, 9 − 1 + 1 = 9 columns.
    assert analyse(from_text(dedent(text))).layer("x.c").output == (1, 5, 9)


def test_a_file_without_blocks_is_untouched() -> None:
    assert rows(RESIDUAL_BY_HAND)[0][0] == "stem"


def test_resnet50_fits_in_about_a_hundred_lines_with_torchvision_names() -> None:
    lines = (ROOT / "architectures" / "resnet50.yaml").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 100
    names = {r.name for r in analyse(catalog.load("resnet50")).layers}
    # torchvision's state_dict keys: layer2.0.conv1.weight, layer2.0.downsample.0.weight
    assert {"layer2.0.conv1", "layer2.0.downsample.0", "layer4.2.conv3", "fc"} <= names


def test_errors_inside_an_instance_point_into_the_block_and_name_the_instance() -> None:
    text = dedent("""\
        name: t
        input: [1, 4, 4]
        blocks:
          b:
            layers:
              - {name: c, type: conv, filters: 1, kernel: 9}
        layers: [{name: x, block: b}]
    """)
    with pytest.raises(CnncalcError) as raised:
        analyse(from_text(text, "net.yaml"))
    # Line 6 is the block's layer: 6 spaces, "- {" puts "{" at column 9, and the 9 of
    # "kernel: 9" stands 42 characters further, at column 51.
    assert (raised.value.position.line, raised.value.position.column) == (6, 51)
    assert "layer 'x.c'" in raised.value.message


def _cases() -> list[Path]:
    # invalid/: the JSON Schema rejects them too; invalid_semantic/: only the loader can.
    return sorted(
        [*DATA.glob("invalid/blocks_*.yaml"), *DATA.glob("invalid_semantic/blocks_*.yaml")]
    )


@pytest.mark.parametrize("path", _cases(), ids=lambda p: p.stem)
def test_each_bad_block_input_is_one_positioned_line(path: Path) -> None:
    header = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.match(r"# expect: (\d+):(\d+): (.+)$", header)
    assert match, f"{path.name} must start with '# expect: LINE:COL: message'"
    result = run_cli(["show", str(path)])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith(f"error: {path}:{match[1]}:{match[2]}: {match[3]}"), lines[0]


def test_there_are_bad_block_inputs_to_check() -> None:
    assert len(_cases()) >= 10


def test_trainable_false_on_an_instance_freezes_every_layer_it_expands_to() -> None:
    # Keras: trainable = False on a model freezes its layers. By hand: each conv 8 ×
    # 3·3·3 = 216 (stem) or 8 × 3·3·8 = 576 (body), no bias; each batchnorm 2·8 scale
    # and shift plus 2·8 running statistics. Frozen: stem 216 + 32, body 2 × (576 +
    # 32); the head stays trainable: 4 × 3·3·8 = 288 and 2·4, with 2·4 statistics.
    arch = from_text(
        dedent(
            """\
            name: frozen backbone
            input: [3, 16, 16]
            blocks:
              unit:
                params: {planes: null}
                layers:
                  - {name: conv, type: conv, filters: $planes, kernel: 3, padding: 1,
                     bias: false}
                  - {name: bn, type: batchnorm}
            layers:
              - {name: stem, block: unit, planes: 8, trainable: false}
              - {name: body, block: unit, repeat: 2, planes: 8, trainable: false}
              - {name: head, block: unit, planes: 4, trainable: true}
            """
        )
    )
    rows = {row.name: (row.params, row.non_trainable) for row in analyse(arch).layers}
    assert rows == {
        "stem.conv": (0, 216),
        "stem.bn": (0, 32),
        "body.0.conv": (0, 576),
        "body.0.bn": (0, 32),
        "body.1.conv": (0, 576),
        "body.1.bn": (0, 32),
        "head.conv": (288, 0),
        "head.bn": (8, 8),
    }
