"""Several network inputs (`inputs: {NAME: shape, ...}`): a Siamese pair against torch,
memory and receptive fields against hand-worked values, and how they are shown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

import cnncalc
from cnncalc.errors import CnncalcError
from cnncalc.reading.architecture import from_dict, from_text

SIAMESE_YAML = """\
name: siamese pair
inputs: {left: [1, 28, 28], right: [1, 28, 28]}
layers:
  - {name: l_conv1, type: conv, filters: 8, kernel: 5}
  - {name: l_relu1, type: activation, fn: relu}
  - {name: l_pool1, type: pool, size: 2}
  - {name: l_conv2, type: conv, filters: 16, kernel: 5}
  - {name: r_conv1, type: conv, filters: 8, kernel: 5, input: right, share: l_conv1}
  - {name: r_relu1, type: activation, fn: relu}
  - {name: r_pool1, type: pool, size: 2}
  - {name: r_conv2, type: conv, filters: 16, kernel: 5, share: l_conv2}
  - {name: join, type: JOIN, inputs: [l_conv2, r_conv2]}
  - {name: fc, type: dense, units: 10}
"""


def siamese(join: str) -> cnncalc.Analysis:
    return cnncalc.analyse(from_text(SIAMESE_YAML.replace("JOIN", join)))


@pytest.mark.parametrize("join", ["concat", "add"])
def test_siamese_pair_agrees_with_torch(join: str) -> None:
    """One conv stack applied to two inputs (its modules called twice, as a Siamese
    network is written in torch), then joined: per call, torch's output shape and
    multiply-accumulates (FlopCounterMode's FLOPs / 2); the network's parameters
    counted once, as torch's `parameters()` counts a module used twice."""
    torch = pytest.importorskip("torch")
    from torch import nn
    from torch.utils.flop_counter import FlopCounterMode

    torch.manual_seed(0)
    conv1, conv2 = nn.Conv2d(1, 8, 5), nn.Conv2d(8, 16, 5)
    relu, pool = nn.ReLU(), nn.MaxPool2d(2)
    joined_channels = 32 if join == "concat" else 16
    fc = nn.Linear(joined_channels * 8 * 8, 10)
    model = nn.ModuleList([conv1, conv2, relu, pool, fc])
    measured: dict[str, tuple[tuple[int, ...], int]] = {}

    def step(name: str, module: Any, *tensors: Any) -> Any:
        with FlopCounterMode(display=False) as counter:
            out = module(*tensors)
        measured[name] = (tuple(out.shape[1:]), counter.get_total_flops() // 2)
        return out

    def branch(prefix: str, x: Any) -> Any:
        x = step(f"{prefix}_conv1", conv1, x)
        x = step(f"{prefix}_relu1", relu, x)
        x = step(f"{prefix}_pool1", pool, x)
        return step(f"{prefix}_conv2", conv2, x)

    left, right = torch.zeros(1, 1, 28, 28), torch.zeros(1, 1, 28, 28)
    a, b = branch("l", left), branch("r", right)
    if join == "concat":
        joined = step("join", lambda p, q: torch.cat([p, q], dim=1), a, b)
    else:
        joined = step("join", lambda p, q: p + q, a, b)
    step("fc", lambda t: fc(t.flatten(1)), joined)

    analysis = siamese(join)
    ours = {row.name: (row.output, row.macs) for row in analysis.layers}
    assert ours == measured
    assert analysis.totals.params == sum(p.numel() for p in model.parameters())
    # The right branch reuses the left's parameters: listed as tied, counted once.
    assert analysis.totals.params_tied == sum(
        p.numel() for p in [*conv1.parameters(), *conv2.parameters()]
    )


def test_first_layer_reads_the_first_input_and_later_ones_name_theirs() -> None:
    analysis = siamese("concat")
    assert analysis.layer("l_conv1").inputs == ("left",)
    assert analysis.layer("r_conv1").inputs == ("right",)
    assert analysis.input == (1, 28, 28)
    assert analysis.named_inputs == (("left", (1, 28, 28)), ("right", (1, 28, 28)))


def test_each_input_is_held_from_the_start_until_its_last_reader() -> None:
    # left 1×4×4 = 16 values, right 2×4×4 = 32; a = conv(left) 1×4×4 = 16 (kernel 1);
    # b = conv(right) 1×4×4 = 16; s = a + b 16. float32: 4 bytes a value.
    # a runs: left 16 + right 32 (held from the start) + a 16 = 64 values;
    # b runs: right 32 + a 16 + b 16 = 64 (left freed after a, its last reader);
    # s runs: a 16 + b 16 + s 16 = 48 (right freed after b).
    arch = from_dict(
        {
            "name": "two inputs",
            "inputs": {"left": [1, 4, 4], "right": [2, 4, 4]},
            "layers": [
                {"name": "a", "type": "conv", "filters": 1, "kernel": 1},
                {"name": "b", "type": "conv", "filters": 1, "kernel": 1, "input": "right"},
                {"name": "s", "type": "add", "inputs": ["a", "b"]},
            ],
        }
    )
    analysis = cnncalc.analyse(arch)
    assert {row.name: row.live_bytes for row in analysis.layers} == {
        "a": 64 * 4,
        "b": 64 * 4,
        "s": 48 * 4,
    }
    assert analysis.totals.peak_activation_bytes == 64 * 4


def test_an_input_read_late_is_held_from_the_start() -> None:
    # left 1×4×4 = 16 values, right 1×2×2 = 4. c1 = conv(left, kernel 1) 16,
    # c2 = pool(c1, size 2) 1×2×2 = 4, s = c2 + right 4.
    # c1 runs: left 16 + right 4 + c1 16 = 36; c2: right 4 + c1 16 + c2 4 = 24;
    # s: right 4 + c2 4 + s 4 = 12.
    arch = from_dict(
        {
            "name": "late input",
            "inputs": {"left": [1, 4, 4], "right": [1, 2, 2]},
            "layers": [
                {"name": "c1", "type": "conv", "filters": 1, "kernel": 1},
                {"name": "c2", "type": "pool", "size": 2},
                {"name": "s", "type": "add", "inputs": ["c2", "right"]},
            ],
        }
    )
    analysis = cnncalc.analyse(arch)
    assert [row.live_bytes for row in analysis.layers] == [36 * 4, 24 * 4, 12 * 4]


def test_receptive_field_of_a_join_is_measured_on_either_input() -> None:
    # Each branch: conv 5 (field 5, jump 1), pool 2 (5 + (2−1)·1 = 6, jump 2),
    # conv 5 (6 + (5−1)·2 = 14, jump 2). The join sees what either branch sees: 14.
    analysis = siamese("add")
    assert analysis.layer("l_conv2").receptive_field == (14, 14)
    assert analysis.layer("join").receptive_field == (14, 14)
    assert analysis.layer("join").jump == (2, 2)


def test_blocks_first_layer_reads_the_first_input() -> None:
    arch = from_text(
        "name: blocks\n"
        "inputs: {a: [3, 8, 8], b: [3, 8, 8]}\n"
        "blocks:\n"
        "  pair:\n"
        "    layers:\n"
        "      - {name: c, type: conv, filters: 4, kernel: 3}\n"
        "layers:\n"
        "  - {block: pair, name: p}\n"
        "  - {name: q, type: conv, filters: 4, kernel: 3, input: b}\n"
    )
    assert [layer.inputs for layer in arch.layers] == [("a",), ("b",)]


def test_json_reports_the_inputs_and_the_table_caption_names_them(tmp_path: Path) -> None:
    path = tmp_path / "siamese.yaml"
    path.write_text(SIAMESE_YAML.replace("JOIN", "concat"), encoding="utf-8")
    data = json.loads(run_cli(["show", str(path), "--format", "json"]).stdout)
    assert data["inputs"] == {"left": [1, 28, 28], "right": [1, 28, 28]}
    assert data["input"] == [1, 28, 28]
    table = run_cli(["show", str(path)])
    assert table.exit_code == 0
    assert "inputs left 1×28×28, right 1×28×28" in table.stdout
    markdown = run_cli(["show", str(path), "--format", "markdown"]).stdout
    assert "— inputs left 1×28×28, right 1×28×28" in markdown.splitlines()[0]
    assert (
        "network inputs held from the start"
        in run_cli(["show", str(path), "--columns", "live_bytes"]).stdout
    )


def test_json_of_a_single_input_file_is_unchanged() -> None:
    data = json.loads(run_cli(["show", "lenet5", "--format", "json"]).stdout)
    assert "inputs" not in data


def test_explain_shows_both_inputs_held(tmp_path: Path) -> None:
    path = tmp_path / "siamese.yaml"
    path.write_text(SIAMESE_YAML.replace("JOIN", "add"), encoding="utf-8")
    result = run_cli(["explain", str(path), "r_conv1"])
    assert result.exit_code == 0, result.output
    # left's last reader is l_conv1, so by r_conv1 only right (1·28·28 = 784 values),
    # l_conv2 (16·8·8 = 1,024, read by join) and r_conv1's output (8·24·24 = 4,608)
    # are live: 6,416 values × 4 bytes.
    assert "held: right, l_conv2, r_conv1" in result.stdout
    assert "3,136 + 4,096 + 18,432" in result.stdout
    assert "25,664" in result.stdout


def test_explain_names_every_input_in_its_header(tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text(
        "name: two streams\n"
        "inputs: {left: [1, 28, 28], right: [1, 32, 32]}\n"
        "layers:\n"
        "  - {name: l_conv1, type: conv, filters: 8, kernel: 5}\n"
        "  - {name: r_conv1, type: conv, filters: 8, kernel: 5, input: right}\n",
        encoding="utf-8",
    )
    table = run_cli(["explain", str(path), "r_conv1"]).stdout
    assert table.splitlines()[0] == "two streams — inputs left 1×28×28, right 1×32×32"
    markdown = run_cli(["explain", str(path), "r_conv1", "--format", "markdown"]).stdout
    assert markdown.splitlines()[0] == "**two streams** — inputs left 1×28×28, right 1×32×32"
    data = json.loads(run_cli(["explain", str(path), "r_conv1", "--format", "json"]).stdout)
    assert (data["input"], data["inputs"]) == (
        [1, 28, 28],
        {"left": [1, 28, 28], "right": [1, 32, 32]},
    )
    # A file of one input reads as before.
    assert run_cli(["explain", "lenet5", "C1"]).stdout.splitlines()[0] == "LeNet-5 — input 1×32×32"
    assert "inputs" not in json.loads(run_cli(["explain", "lenet5", "--format", "json"]).stdout)


def test_overriding_the_input_shape_of_several_inputs_is_refused() -> None:
    with pytest.raises(CnncalcError, match="this network has 2 inputs"):
        cnncalc.analyse(from_text(SIAMESE_YAML.replace("JOIN", "add")), (1, 32, 32))
