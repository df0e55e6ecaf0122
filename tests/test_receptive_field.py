"""Receptive field and jump (effective stride), checked three independent ways.

1. Brute force: on small random networks (chains, residual adds, concats, dilation,
   `same` padding with even kernels), propagate sets of input indices through the
   layers' own indexing — output o of a window layer reads o·S − P_before + t·D — and
   take the extent of the set. No recurrence from cnncalc is used.
2. Hand-worked values, with the arithmetic in the comments.
3. Published values: google-research/receptive_field RECEPTIVE_FIELD_TABLE.md
   (alexnet_v2 and vgg_16 end-points), and VGG16 conv5_3 = 196 (the recurrence in
   Dang Ha The Hien's "A guide to receptive field arithmetic for Convolutional Neural
   Networks", 2017).
"""

from __future__ import annotations

import json
import random
from functools import cache
from typing import Any

import pytest
from conftest import analyse_layers, run_cli

import cnncalc

# ---------------------------------------------------------------------------------------
# 1. Brute force


def _same_padding(size: int, kernel: int, stride: int, dilation: int) -> tuple[int, int]:
    # Keras/TensorFlow `same`, as docs/file-format.md states it: out = ceil(W/S), total padding
    # max((out − 1)·S + D·(F − 1) + 1 − W, 0), the smaller half first.
    out = -(-size // stride)
    total = max((out - 1) * stride + dilation * (kernel - 1) + 1 - size, 0)
    return total // 2, total - total // 2


class BruteForce:
    """One spatial axis of a network given as cnncalc layer dicts, by index sets."""

    def __init__(self, size: int, layers: list[dict[str, Any]]) -> None:
        self.specs: dict[str, tuple[str, Any]] = {}
        self.sizes: dict[str, int] = {"input": size}
        previous = "input"
        for layer in layers:
            name = layer["name"]
            kind = layer["type"]
            sources = layer.get("inputs") or [layer.get("input", previous)]
            if kind in ("conv", "pool"):
                k = layer.get("kernel", layer.get("size"))
                s = layer.get("stride", 1 if kind == "conv" else k)
                d = layer.get("dilation", 1)
                w = self.sizes[sources[0]]
                pad = layer.get("padding", 0)
                before, after = _same_padding(w, k, s, d) if pad == "same" else (pad, pad)
                self.sizes[name] = (w + before + after - d * (k - 1) - 1) // s + 1
                self.specs[name] = ("window", (sources[0], k, s, before, d))
            elif kind in ("dense", "global_pool"):
                self.sizes[name] = 1
                self.specs[name] = ("whole", sources[0])
            else:  # activation, batchnorm, add, concat: position o reads position o
                self.sizes[name] = self.sizes[sources[0]]
                self.specs[name] = ("same", tuple(sources))
            previous = name

    @cache  # noqa: B019 - one instance per test network
    def deps(self, name: str, o: int) -> frozenset[int]:
        """Network-input positions (padding included: any integer) unit o can see."""
        if name == "input":
            return frozenset({o})
        how, spec = self.specs[name]
        if how == "window":
            source, k, s, before, d = spec
            return frozenset().union(*(self.deps(source, o * s - before + t * d) for t in range(k)))
        if how == "whole":
            return frozenset().union(*(self.deps(spec, i) for i in range(self.sizes[spec])))
        return frozenset().union(*(self.deps(source, o) for source in spec))

    def field(self, name: str) -> int:
        """The widest extent over the layer's output units."""
        return max(
            max(found) - min(found) + 1
            for found in (self.deps(name, o) for o in range(self.sizes[name]))
        )

    def jump(self, name: str) -> int:
        return min(self.deps(name, 1)) - min(self.deps(name, 0))


def _window_layer(rng: random.Random, name: str, size: int, source: str) -> dict[str, Any] | None:
    kind = rng.choice(("conv", "conv", "pool"))
    k = rng.randint(1, 5)
    s = rng.randint(1, 3)
    d = rng.randint(1, 3) if kind == "conv" else 1
    pad: int | str = rng.choice(["same", 0, rng.randint(0, k - 1)]) if kind == "conv" else 0
    if kind == "pool":
        pad = rng.randint(0, k // 2)  # PyTorch: pool padding at most half the window
    span = d * (k - 1) + 1
    if pad != "same" and size + 2 * int(pad) < span:
        return None
    layer: dict[str, Any] = {"name": name, "type": kind, "stride": s, "input": source}
    if kind == "conv":
        layer.update(filters=2, kernel=k, dilation=d, padding=pad)
    else:
        layer.update(size=k, padding=pad)
    return layer


def random_network(seed: int) -> tuple[int, list[dict[str, Any]]]:
    """Chains of convs and pools, with residual adds and concats of `same` branches."""
    rng = random.Random(seed)
    size = rng.randint(12, 30)
    layers: list[dict[str, Any]] = []
    current, current_size = "input", size
    probe = BruteForce(size, [])
    for i in range(rng.randint(2, 6)):
        if rng.random() < 0.35 and current_size >= 2:
            # Two `same` branches with one stride: equal sizes, possibly offset fields
            # (even kernels pad one more row after than before).
            stride = rng.choice((1, 1, 2))
            branches = []
            for b in "ab":
                branches.append(
                    {
                        "name": f"b{i}{b}",
                        "type": "conv",
                        "filters": 2,
                        "kernel": rng.randint(1, 4),
                        "dilation": rng.randint(1, 2),
                        "stride": stride,
                        "padding": "same",
                        "input": current,
                    }
                )
            merge = rng.choice(("add", "concat"))
            layers += [*branches, {"name": f"m{i}", "type": merge, "inputs": [f"b{i}a", f"b{i}b"]}]
            current = f"m{i}"
        else:
            layer = _window_layer(rng, f"w{i}", current_size, current)
            if layer is None:
                continue
            layers.append(layer)
            current = layer["name"]
        probe = BruteForce(size, layers)
        current_size = probe.sizes[current]
        if current_size < 1:
            layers.pop()
            break
    if rng.random() < 0.3:
        layers.append({"name": "act", "type": "activation", "fn": "relu"})
    return size, layers


@pytest.mark.parametrize("seed", range(120))
def test_random_networks_match_brute_force(seed: int) -> None:
    size, layers = random_network(seed)
    if not layers:
        pytest.skip("the generator drew no layer that fits")
    brute = BruteForce(size, layers)
    analysis = analyse_layers((1, size, size), *layers)
    for row in analysis.layers:
        assert row.output[1] == brute.sizes[row.name], row.name  # same geometry first
        expected = brute.field(row.name)
        assert row.receptive_field == (expected, expected), (seed, row.name)
        if brute.sizes[row.name] > 1:
            jump = brute.jump(row.name)
            assert row.jump == (jump, jump), (seed, row.name)


def test_union_of_offset_paths_is_wider_than_either_path() -> None:
    # Hand-worked, and the reason for the merge rule (the extent of the union):
    # path a: 3×3, padding 1: unit o sees o−1 … o+1 (field 3).
    # path b: two 2×2 `same` convs (padding 0 before, 1 after): o … o+2 (field 3).
    # add: o−1 … o+2, field 4 — more than the largest single path (3).
    layers = [
        {"name": "a", "type": "conv", "filters": 1, "kernel": 3, "padding": 1},
        {"name": "b1", "type": "conv", "filters": 1, "kernel": 2, "padding": "same",
         "input": "input"},
        {"name": "b2", "type": "conv", "filters": 1, "kernel": 2, "padding": "same"},
        {"name": "sum", "type": "add", "inputs": ["a", "b2"]},
    ]  # fmt: skip
    analysis = analyse_layers((1, 8, 8), *layers)
    assert analysis.layer("a").receptive_field == (3, 3)
    assert analysis.layer("b2").receptive_field == (3, 3)
    assert analysis.layer("sum").receptive_field == (4, 4)
    assert BruteForce(8, layers).field("sum") == 4


def test_paths_with_different_jumps_are_kept_apart() -> None:
    # input 8: a = 1×1 stride 2 (4 units, unit o sees 2o, jump 2);
    # b = 5×5 valid (4 units, unit o sees o … o+4, jump 1). add: unit 0 sees 0…4 (5),
    # unit 3 sees 3…7 ∪ {6} = 3…7 (5): field 5, the larger jump 2 reported.
    layers = [
        {"name": "a", "type": "conv", "filters": 1, "kernel": 1, "stride": 2},
        {"name": "b", "type": "conv", "filters": 1, "kernel": 5, "input": "input"},
        {"name": "sum", "type": "add", "inputs": ["a", "b"]},
    ]
    row = analyse_layers((1, 8, 8), *layers).layer("sum")
    assert row.receptive_field == (5, 5) == (BruteForce(8, layers).field("sum"),) * 2
    assert row.jump == (2, 2)


# ---------------------------------------------------------------------------------------
# 2. Hand-worked


def test_lenet5_by_hand() -> None:
    # r' = r + (F − 1)·j, j' = j·S (r, j start at 1):
    # C1 5×5: 1 + 4·1 = 5, j 1; S2 2×2/2: 5 + 1·1 = 6, j 2; C3 5×5: 6 + 4·2 = 14, j 2;
    # S4 2×2/2: 14 + 1·2 = 16, j 4; C5 5×5: 16 + 4·4 = 32, j 4 (the whole 32×32 input).
    analysis = cnncalc.analyse(cnncalc.bundled("lenet5"))
    expected = {"C1": (5, 1), "S2": (6, 2), "C3": (14, 2), "S4": (16, 4), "C5": (32, 4)}
    for name, (rf, jump) in expected.items():
        row = analysis.layer(name)
        assert (row.receptive_field, row.jump) == ((rf, rf), (jump, jump)), name
    # F6 and OUTPUT are vectors: they see C5's field (32) and have no stride.
    assert analysis.layer("OUTPUT").receptive_field == (32, 32)
    assert analysis.layer("OUTPUT").jump is None


def test_dilation_and_rectangular_kernels_by_hand() -> None:
    # 3×3 dilation 2 spans 2·(3 − 1) + 1 = 5; twice: 5 + 4 = 9.
    # [1, 3] kernel, stride [2, 1]: height 1, width 3; then 3×3: height 1 + 2·2 = 5,
    # width 3 + 2·1 = 5.
    analysis = analyse_layers(
        (1, 20, 20),
        {"name": "d1", "type": "conv", "filters": 1, "kernel": 3, "dilation": 2},
        {"name": "d2", "type": "conv", "filters": 1, "kernel": 3, "dilation": 2},
        {"name": "r1", "type": "conv", "filters": 1, "kernel": [1, 3], "stride": [2, 1],
         "input": "input"},
        {"name": "r2", "type": "conv", "filters": 1, "kernel": 3},
    )  # fmt: skip
    assert analysis.layer("d1").receptive_field == (5, 5)
    assert analysis.layer("d2").receptive_field == (9, 9)
    assert analysis.layer("r1").receptive_field == (1, 3)
    assert (analysis.layer("r2").receptive_field, analysis.layer("r2").jump) == ((5, 5), (2, 1))


def test_residual_block_by_hand() -> None:
    # ResNet basic block after a 7×7/2 stem: stem 7, j 2; two 3×3: 7 + 2·2 + 2·2 = 15;
    # the identity path keeps 7; the sum sees the union: 15 (both centred).
    analysis = analyse_layers(
        (3, 32, 32),
        {"name": "stem", "type": "conv", "filters": 4, "kernel": 7, "stride": 2, "padding": 3},
        {"name": "c1", "type": "conv", "filters": 4, "kernel": 3, "padding": 1},
        {"name": "c2", "type": "conv", "filters": 4, "kernel": 3, "padding": 1},
        {"name": "sum", "type": "add", "inputs": ["c2", "stem"]},
        {"name": "gap", "type": "global_pool"},
    )
    assert analysis.layer("sum").receptive_field == (15, 15)
    assert analysis.layer("sum").jump == (2, 2)
    # global pool over 16×16 at jump 2: 15 + (16 − 1)·2 = 45.
    assert analysis.layer("gap").receptive_field == (45, 45)


def test_no_field_past_layers_without_one_window() -> None:
    # Upsampling maps positions fractionally: cnncalc reports no field (null) rather
    # than a wrong one; a flat network input has no spatial field at all.
    analysis = analyse_layers(
        (1, 8, 8),
        {"name": "c", "type": "conv", "filters": 1, "kernel": 3},
        {"name": "up", "type": "upsample", "scale": 2},
        {"name": "c2", "type": "conv", "filters": 1, "kernel": 3},
    )
    assert analysis.layer("c").receptive_field == (3, 3)
    assert analysis.layer("up").receptive_field is None
    assert analysis.layer("c2").receptive_field is None
    flat = analyse_layers((10,), {"name": "fc", "type": "dense", "units": 3})
    assert flat.layer("fc").receptive_field is None


# ---------------------------------------------------------------------------------------
# 3. Published


def test_alexnet_matches_google_receptive_field_table() -> None:
    # google-research/receptive_field RECEPTIVE_FIELD_TABLE.md, alexnet_v2 (RF/stride):
    # conv1 11/4, pool1 19/8, conv2 51/8, conv3 99/16, conv4 131/16, conv5 163/16,
    # pool5 195/32. pool2 is not listed; by hand 51 + (3 − 1)·8 = 67, stride 16.
    analysis = cnncalc.analyse(cnncalc.bundled("alexnet"))
    published = {
        "conv1": (11, 4),
        "pool1": (19, 8),
        "conv2": (51, 8),
        "pool2": (67, 16),
        "conv3": (99, 16),
        "conv4": (131, 16),
        "conv5": (163, 16),
        "pool5": (195, 32),
    }
    for name, (rf, jump) in published.items():
        row = analysis.layer(name)
        assert (row.receptive_field, row.jump) == ((rf, rf), (jump, jump)), name


def _vgg16_features() -> list[dict[str, Any]]:
    # torchvision cfg 'D': [64,64,M,128,128,M,256,256,256,M,512,512,512,M,512,512,512,M]
    layers: list[dict[str, Any]] = []
    for stage, (filters, convs) in enumerate(
        ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3)), start=1
    ):
        for i in range(1, convs + 1):
            layers.append(
                {"name": f"conv{stage}_{i}", "type": "conv", "filters": filters, "kernel": 3,
                 "padding": 1}
            )  # fmt: skip
        layers.append({"name": f"pool{stage}", "type": "pool", "size": 2})
    return layers


def test_vgg16_matches_published_fields() -> None:
    # google-research/receptive_field, vgg_16: conv1_1 3/1, pool1 6/2, conv2_1 10/2,
    # pool2 16/4, conv3_1 24/4, conv3_2 32/4, pool3 44/8, conv4_1 60/8, conv4_2 76/8,
    # pool4 100/16, conv5_1 132/16, conv5_2 164/16, pool5 212/32. conv5_3 = 196: the
    # figure quoted for VGG16 (164 + 2·16), and 212 = 196 + 1·16.
    analysis = analyse_layers((3, 224, 224), *_vgg16_features())
    published = {
        "conv1_1": (3, 1), "pool1": (6, 2), "conv2_1": (10, 2), "pool2": (16, 4),
        "conv3_1": (24, 4), "conv3_2": (32, 4), "pool3": (44, 8), "conv4_1": (60, 8),
        "conv4_2": (76, 8), "pool4": (100, 16), "conv5_1": (132, 16), "conv5_2": (164, 16),
        "conv5_3": (196, 16), "pool5": (212, 32),
    }  # fmt: skip
    for name, (rf, jump) in published.items():
        row = analysis.layer(name)
        assert (row.receptive_field, row.jump) == ((rf, rf), (jump, jump)), name


def test_bundled_vgg16_conv5_3_when_present() -> None:
    try:
        analysis = cnncalc.analyse(cnncalc.bundled("vgg16"))
        row = analysis.layer("conv5_3")
    except (cnncalc.CnncalcError, KeyError):
        pytest.skip("the bundled vgg16 is not there (or names its layers otherwise)")
    assert row.receptive_field == (196, 196)  # as above


# ---------------------------------------------------------------------------------------
# Output


def test_json_carries_receptive_field_and_jump() -> None:
    result = run_cli(["show", "lenet5", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    layers = {row["name"]: row for row in json.loads(result.stdout)["layers"]}
    assert layers["C3"]["receptive_field"] == [14, 14]  # by hand, above
    assert layers["C3"]["jump"] == [2, 2]
    assert layers["F6"]["jump"] is None


def test_table_columns_show_fields() -> None:
    result = run_cli(["show", "lenet5", "--columns", "params,rf,jump"])
    assert result.exit_code == 0, result.stderr
    c3 = next(line for line in result.stdout.splitlines() if line.strip().startswith("C3"))
    assert c3.split()[-3:] == ["1,516", "14×14", "2×2"]  # LeNet-5 paper: C3 1,516 params
    assert "Connections" not in result.stdout


def test_receptive_field_and_jump_per_axis_in_1d_and_3d() -> None:
    # r' = r + (F − 1)·j, j' = j·S per axis (Dang Ha The Hien's recurrence), by hand.
    # 1-D, M5's front (Dai et al. 2017): conv 80 stride 16 → r 80, j 16; pool 4 →
    # r 80 + 3·16 = 128, j 64; a dense layer then sees the whole input.
    from cnncalc.reading.architecture import from_dict

    audio = from_dict(
        {
            "name": "1-D",
            "input": [1, 8000],
            "layers": [
                {"name": "c", "type": "conv", "filters": 4, "kernel": 80, "stride": 16},
                {"name": "p", "type": "pool", "size": 4},
                {"name": "fc", "type": "dense", "units": 2},
            ],
        }
    )
    rows = {row.name: row for row in cnncalc.analyse(audio).layers}
    assert (rows["c"].receptive_field, rows["c"].jump) == ((80,), (16,))
    assert (rows["p"].receptive_field, rows["p"].jump) == ((128,), (64,))
    # The dense layer reads all 124 pool units: 128 + (124 − 1)·64 = 8,000, every
    # sample ((8000 − 80) / 16 = 495 is exact: the conv's windows tile the input).
    assert rows["fc"].receptive_field == (8_000,) and rows["fc"].jump is None
    # 3-D, r3d_18's stem: kernel (3, 7, 7), stride (1, 2, 2) → r (3, 7, 7), j (1, 2, 2);
    # a 3×3×3 pool, stride 2 → r (3 + 2·1, 7 + 2·2, 7 + 2·2) = (5, 11, 11), j (2, 4, 4).
    video = from_dict(
        {
            "name": "3-D",
            "input": [3, 16, 56, 56],
            "layers": [
                {"name": "c", "type": "conv", "filters": 4, "kernel": [3, 7, 7],
                 "stride": [1, 2, 2], "padding": [1, 3, 3]},
                {"name": "p", "type": "pool", "size": 3, "stride": 2, "padding": 1},
            ],
        }
    )  # fmt: skip
    rows = {row.name: row for row in cnncalc.analyse(video).layers}
    assert (rows["c"].receptive_field, rows["c"].jump) == ((3, 7, 7), (1, 2, 2))
    assert (rows["p"].receptive_field, rows["p"].jump) == ((5, 11, 11), (2, 4, 4))
