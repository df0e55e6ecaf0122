"""Each layer kind's output shape and figures, one table row per case.

Every expected number is worked by hand from the formulas of docs/figures.md
or taken from the source named in the case's comment.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import analyse_layers, only_layer
from tests_support import Case

CASES = [
    # docs/figures.md reference value: conv 6@5×5 on 28×28×1 → 3,456 neurons, 156 params,
    # 89,856 without sharing (24·24·6·(25+1)). MACs 24·24·6·25 = 86,400.
    # Dense equivalent 784·3,456 + 3,456 = 2,712,960.
    Case(
        "conv 6@5x5 on 28x28 (weight-sharing articles)",
        (1, 28, 28),
        {"type": "conv", "filters": 6, "kernel": 5},
        (6, 24, 24),
        dict(
            neurons=3456,
            params=156,
            params_unshared=89_856,
            connections=89_856,
            macs=86_400,
            params_dense=2_712_960,
            non_trainable=0,
        ),
    ),
    # AlexNet paper (Krizhevsky et al. 2012, section 3.5): conv1 96@11×11 stride 4 on 227×227×3 → 55×55×96 =
    # 290,400 neurons; 96·(11·11·3+1) = 34,944 params; 55·55·34,944 = 105,705,600.
    Case(
        "AlexNet conv1",
        (3, 227, 227),
        {"type": "conv", "filters": 96, "kernel": 11, "stride": 4},
        (96, 55, 55),
        dict(
            neurons=290_400,
            params=34_944,
            params_unshared=105_705_600,
            connections=105_705_600,
            macs=105_415_200,
        ),
    ),
    # Keras `model.summary()` of Conv2D(12, kernel_size=3) on 25×25×1 → 120 params (108 + 12).
    Case(
        "Keras Conv2D(12, 3)",
        (1, 25, 25),
        {"type": "conv", "filters": 12, "kernel": 3},
        (12, 23, 23),
        dict(params=120),
    ),
    # `same`, stride 2, even kernel: out ceil(10/2) = 5; total padding
    # max((5−1)·2 + 4 − 10, 0) = 2. Params 3·(4·4·1+1) = 51.
    Case(
        "conv same padding, even kernel, stride 2",
        (1, 10, 10),
        {"type": "conv", "filters": 3, "kernel": 4, "stride": 2, "padding": "same"},
        (3, 5, 5),
        dict(params=51, macs=5 * 5 * 3 * 16),
    ),
    # `same`, stride 1, kernel 2 keeps 7: padding max(6 + 2 − 7, 0) = 1 (0 before, 1 after).
    Case(
        "conv same padding keeps size with an even kernel",
        (2, 7, 9),
        {"type": "conv", "filters": 1, "kernel": 2, "padding": "same"},
        (1, 7, 9),
        dict(params=1 * (2 * 2 * 2 + 1)),
    ),
    # Dilation 2 widens a 3×3 kernel to span 5: (7 − 5)/1 + 1 = 3. Params 4·(9+1) = 40.
    Case(
        "dilated conv",
        (1, 7, 7),
        {"type": "conv", "filters": 4, "kernel": 3, "dilation": 2},
        (4, 3, 3),
        dict(params=40, macs=3 * 3 * 4 * 9),
    ),
    # Rectangular kernel, stride and padding per axis: H (12 − 3 + 2·1)/1 + 1 = 12,
    # W (12 − 5 + 2·2)/2 + 1 = 6.5 → 6. Params 2·(3·5·1 + 1) = 32.
    Case(
        "rectangular kernel, per-axis stride and padding",
        (1, 12, 12),
        {"type": "conv", "filters": 2, "kernel": [3, 5], "stride": [1, 2], "padding": [1, 2]},
        (2, 12, 6),
        dict(params=32),
    ),
    # Groups 2: each filter reads 4/2 = 2 channels: fan-in 3·3·2 = 18; params 8·19 = 152;
    # MACs 3·3 positions · 8 filters · 18 = 1,296.
    Case(
        "grouped conv",
        (4, 5, 5),
        {"type": "conv", "filters": 8, "kernel": 3, "groups": 2},
        (8, 3, 3),
        dict(params=152, macs=1296, params_unshared=9 * 152),
    ),
    # Depthwise (groups = channels = filters): fan-in 3·3·1; params 32·10 = 320.
    Case(
        "depthwise conv",
        (32, 8, 8),
        {"type": "conv", "filters": 32, "kernel": 3, "padding": 1, "groups": 32},
        (32, 8, 8),
        dict(params=320, macs=8 * 8 * 32 * 9),
    ),
    # Keras LocallyConnected2D(2, 3) on 5×5×1: every one of 3·3 positions owns
    # 2·(9+1) weights: 180 params, as many as without sharing.
    Case(
        "locally connected (sharing: false)",
        (1, 5, 5),
        {"type": "conv", "filters": 2, "kernel": 3, "sharing": False},
        (2, 3, 3),
        dict(params=180, params_unshared=180, connections=180, macs=3 * 3 * 2 * 9),
    ),
    # No bias: 2·9 weights; dense equivalent 9 inputs · 2 outputs, no bias = 18.
    Case(
        "conv without bias",
        (1, 3, 3),
        {"type": "conv", "filters": 2, "kernel": 3, "bias": False},
        (2, 1, 1),
        dict(params=18, params_unshared=18, connections=18, params_dense=18, macs=18),
    ),
    # Connection table: filter 0 reads 2 channels, filter 1 reads 3:
    # Σ(5·5·len + 1) = 51 + 76 = 127; positions 2·2 → connections 508.
    Case(
        "conv with a connection table",
        (3, 6, 6),
        {"type": "conv", "filters": 2, "kernel": 5, "table": [[0, 1], [0, 1, 2]]},
        (2, 2, 2),
        dict(params=127, connections=508, params_unshared=508, macs=4 * 125),
    ),
    # 2×2 max pool: 6×28×28 → 6×14×14; connections 1,176·4 = 4,704; no parameters.
    Case(
        "max pool 2",
        (6, 28, 28),
        {"type": "pool", "size": 2},
        (6, 14, 14),
        dict(params=0, connections=4704, macs=0, params_dense=0, params_unshared=0),
    ),
    # Overlapping pool 3/2 (AlexNet): (55 − 3)/2 + 1 = 27.
    Case(
        "AlexNet overlapping pool",
        (96, 55, 55),
        {"type": "pool", "size": 3, "stride": 2},
        (96, 27, 27),
        dict(connections=96 * 27 * 27 * 9),
    ),
    # Ceil mode (PyTorch MaxPool2d(3, 2, ceil_mode=True) on 6): ceil(3/2) + 1 = 3, and
    # the last window starts at 4 < 6, inside the input, so it stays.
    Case(
        "pool ceil mode",
        (1, 6, 6),
        {"type": "pool", "size": 3, "stride": 2, "ceil": True},
        (1, 3, 3),
        dict(connections=9 * 9),
    ),
    # Ceil mode never adds a window made only of padding (PyTorch's rule):
    # W=5, size 2, stride 2, padding 1: ceil((5+2−2)/2) + 1 = 4, but window 4 would
    # start at 6 ≥ 5 + 1, so 3.
    Case(
        "pool ceil mode drops a padding-only window",
        (1, 5, 5),
        {"type": "pool", "size": 2, "stride": 2, "padding": 1, "ceil": True},
        (1, 3, 3),
        dict(),
    ),
    # LeNet-5 S2 (paper, section II.B): 12 trainable parameters, 5,880 connections;
    # without sharing 2 per unit: 2·1,176 = 2,352.
    Case(
        "LeNet-5 S2 subsampling",
        (6, 28, 28),
        {"type": "subsample", "size": 2},
        (6, 14, 14),
        dict(
            params=12,
            connections=5880,
            params_unshared=2352,
            macs=0,
            params_dense=4704 * 1176 + 1176,
        ),
    ),
    # Global average pool: each of 512 units reads 7·7 inputs: 25,088 connections.
    Case(
        "global average pool",
        (512, 7, 7),
        {"type": "global_pool"},
        (512, 1, 1),
        dict(connections=25_088, params=0),
    ),
    # LeNet-5 F6 (paper): 84·(120+1) = 10,164 parameters and connections.
    Case(
        "LeNet-5 F6 dense",
        (120,),
        {"type": "dense", "units": 84},
        (84,),
        dict(
            params=10_164,
            connections=10_164,
            params_unshared=10_164,
            params_dense=10_164,
            macs=10_080,
        ),
    ),
    # AlexNet fc6 flattens 256×6×6 = 9,216 itself: 4,096·(9,216+1) = 37,752,832.
    Case(
        "dense flattens its input",
        (256, 6, 6),
        {"type": "dense", "units": 4096},
        (4096,),
        dict(params=37_752_832, macs=37_748_736),
    ),
    # Dense without bias: 10·20 = 200.
    Case(
        "dense without bias",
        (20,),
        {"type": "dense", "units": 10, "bias": False},
        (10,),
        dict(params=200, connections=200),
    ),
    # LeNet-5 OUTPUT (paper): 10 RBF units on 84 inputs: 840 connections, 840 fixed
    # parameters (hand-chosen), none trained.
    Case(
        "LeNet-5 RBF output",
        (84,),
        {"type": "rbf", "units": 10},
        (10,),
        dict(params=0, non_trainable=840, connections=840, macs=840, params_unshared=0),
    ),
    Case(
        "trainable RBF",
        (84,),
        {"type": "rbf", "units": 10, "trainable": True},
        (10,),
        dict(params=840, non_trainable=0, params_unshared=840),
    ),
    # Batch norm on 64 channels: 2·64 trained (γ, β), 2·64 running statistics;
    # without sharing 2 per unit: 2·64·56·56 = 401,408. No connections (elementwise).
    Case(
        "batchnorm",
        (64, 56, 56),
        {"type": "batchnorm"},
        (64, 56, 56),
        dict(params=128, non_trainable=128, params_unshared=401_408, connections=0, macs=0),
    ),
    Case(
        "activation",
        (6, 28, 28),
        {"type": "activation", "fn": "tanh"},
        (6, 28, 28),
        dict(params=0, connections=0, macs=0),
    ),
    Case("dropout", (4096,), {"type": "dropout", "rate": 0.5}, (4096,), dict(params=0)),
    Case("lrn", (96, 55, 55), {"type": "lrn", "size": 5}, (96, 55, 55), dict(params=0)),
    # Flatten: 16·5·5 = 400 units, nothing else.
    Case("flatten", (16, 5, 5), {"type": "flatten"}, (400,), dict(params=0, connections=0)),
    # PReLU (torch.nn.PReLU(16)): one learned slope per channel, 16 parameters; as a
    # private slope per unit 16·8·8 = 1,024; the fully connected equivalent without
    # bias 1,024·1,024 = 1,048,576. No multiply-accumulates (torch's FlopCounterMode
    # counts none for prelu) and, as every elementwise layer, no connections.
    Case(
        "prelu, a slope per channel",
        (16, 8, 8),
        {"type": "prelu", "num_parameters": 16},
        (16, 8, 8),
        dict(
            neurons=1_024,
            params=16,
            params_unshared=1_024,
            params_dense=1_048_576,
            connections=0,
            macs=0,
            non_trainable=0,
        ),
    ),
    # torch.nn.PReLU() on a vector of 10: one shared slope; 10 private ones; 10·10.
    Case(
        "prelu, one shared slope, on a vector",
        (10,),
        {"type": "prelu"},
        (10,),
        dict(neurons=10, params=1, params_unshared=10, params_dense=100, macs=0),
    ),
    # 1-D: M5's conv1 (Dai et al. 2017, "Very deep convolutional neural networks for
    # raw waveforms"), Conv1d(1, 128, 80, stride 4) on 8,000 samples:
    # out (8000 − 80) / 4 + 1 = 1,981; params 128·(80·1 + 1) = 10,368;
    # MACs 1,981·128·80 = 20,285,440; unshared 1,981·128·81 = 20,539,008.
    Case(
        "1-D conv, M5's conv1",
        (1, 8000),
        {"type": "conv", "filters": 128, "kernel": 80, "stride": 4},
        (128, 1981),
        dict(
            neurons=253_568,
            params=10_368,
            params_unshared=20_539_008,
            connections=20_539_008,
            macs=20_285_440,
        ),
    ),
    # 3-D: r3d_18's stem (torchvision), Conv3d(3, 64, (3, 7, 7), stride (1, 2, 2),
    # padding (1, 3, 3), bias=False) on 3×16×112×112: out 16×56×56; params
    # 64·3·3·7·7 = 28,224; MACs 16·56·56·28,224 = 1,416,167,424.
    Case(
        "3-D conv, r3d_18's stem",
        (3, 16, 112, 112),
        {
            "type": "conv",
            "filters": 64,
            "kernel": [3, 7, 7],
            "stride": [1, 2, 2],
            "padding": [1, 3, 3],
            "bias": False,
        },
        (64, 16, 56, 56),
        dict(params=28_224, macs=1_416_167_424),
    ),
    # 3-D max pool 3, stride 2, padding 1 on 64×16×56×56: out per axis
    # floor((n + 2 − 3) / 2) + 1 → 8×28×28; connections 64·8·28·28·27 = 10,838,016.
    Case(
        "3-D pool 3, stride 2, padding 1",
        (64, 16, 56, 56),
        {"type": "pool", "size": 3, "stride": 2, "padding": 1},
        (64, 8, 28, 28),
        dict(params=0, connections=10_838_016),
    ),
    # 1-D transposed conv, ConvTranspose1d(8, 4, 4, stride 2, padding 1) on 8×50:
    # out (50 − 1)·2 − 2 + 3 + 1 = 100; params 8·4·4 + 4 = 132; MACs 50·8·4·4 = 6,400.
    Case(
        "1-D conv_transpose doubling",
        (8, 50),
        {"type": "conv_transpose", "filters": 4, "kernel": 4, "stride": 2, "padding": 1},
        (4, 100),
        dict(params=132, macs=6_400),
    ),
    # BatchNorm1d on 16×100 and BatchNorm3d on 16×4×8×8: 2·16 = 32 each, trained and running.
    Case(
        "1-D batchnorm",
        (16, 100),
        {"type": "batchnorm"},
        (16, 100),
        dict(params=32, non_trainable=32),
    ),
    Case(
        "3-D global pool",
        (16, 4, 8, 8),
        {"type": "global_pool"},
        (16, 1, 1, 1),
        dict(connections=4096),
    ),
    Case(
        "3-D adaptive pool to 2×2×2 of 4×8×8: windows 2·4·4 = 32 per unit",
        (16, 4, 8, 8),
        {"type": "adaptive_pool", "size": 2},
        (16, 2, 2, 2),
        dict(connections=16 * 8 * 32),
    ),
    # ConvNeXt's LayerNorm2d(96) (torchvision): a weight and a bias per channel, 2·96 =
    # 192; 2 per unit unshared 2·96·56·56 = 602,112; dense 301,056² + 301,056.
    Case(
        "layernorm over channels (ConvNeXt-T stem)",
        (96, 56, 56),
        {"type": "layernorm"},
        (96, 56, 56),
        dict(
            neurons=301_056,
            params=192,
            params_unshared=602_112,
            params_dense=301_056 * 301_056 + 301_056,
            connections=0,
            macs=0,
            non_trainable=0,
        ),
    ),
    # torch.nn.LayerNorm([4, 5, 5]): elementwise affine, 2·100 = 200 parameters.
    Case(
        "layernorm over the sample",
        (4, 5, 5),
        {"type": "layernorm", "over": "sample"},
        (4, 5, 5),
        dict(params=200, params_unshared=200, macs=0),
    ),
    Case(
        "layernorm without affine",
        (4, 5, 5),
        {"type": "layernorm", "affine": False},
        (4, 5, 5),
        dict(params=0, params_unshared=0, params_dense=0),
    ),
    # torch.nn.GroupNorm(32, 256): 2·256 = 512 parameters, no buffers.
    Case(
        "groupnorm 32 groups of 256 channels",
        (256, 14, 14),
        {"type": "groupnorm", "groups": 32},
        (256, 14, 14),
        dict(params=512, non_trainable=0, params_unshared=2 * 256 * 14 * 14, macs=0),
    ),
    # torch.nn.InstanceNorm2d(64): affine=False, track_running_stats=False: nothing.
    Case(
        "instancenorm with torch's defaults",
        (64, 32, 32),
        {"type": "instancenorm"},
        (64, 32, 32),
        dict(params=0, non_trainable=0, params_unshared=0, params_dense=0, macs=0),
    ),
    # InstanceNorm2d(64, affine=True, track_running_stats=True): 2·64 weights and
    # biases, 2·64 running mean and variance.
    Case(
        "instancenorm with affine and running statistics",
        (64, 32, 32),
        {"type": "instancenorm", "affine": True, "track_running_stats": True},
        (64, 32, 32),
        dict(params=128, non_trainable=128),
    ),
    # ConvNeXt's layer scale: one γ per channel, 96; 96·7·7 = 4,704 unshared; dense
    # without bias 4,704².
    Case(
        "layer scale",
        (96, 7, 7),
        {"type": "scale"},
        (96, 7, 7),
        dict(params=96, params_unshared=4_704, params_dense=4_704 * 4_704, macs=0),
    ),
    # ShuffleNet's shuffle (torch.nn.ChannelShuffle(2)): a permutation, nothing counted.
    Case(
        "channel shuffle",
        (116, 28, 28),
        {"type": "channel_shuffle", "groups": 2},
        (116, 28, 28),
        dict(params=0, params_unshared=0, params_dense=0, connections=0, macs=0),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.title)
def test_layer_kind(case: Case) -> None:
    row = only_layer(case.input_shape, case.layer)
    assert row.output == case.output
    assert row.neurons == case.neurons
    for key, expected in case.figures.items():
        assert row.figure(key) == expected, key


def _merge_net(kind: str, second_filters: int) -> list[dict[str, Any]]:
    return [
        {"name": "a", "type": "conv", "filters": 64, "kernel": 3, "padding": 1},
        {"name": "b", "type": "conv", "filters": second_filters, "kernel": 1, "input": "input"},
        {"name": "m", "type": kind, "inputs": ["a", "b"]},
    ]


def test_add_joins_equal_shapes() -> None:
    # Two 64×8×8 branches sum to 64×8×8; add has no parameters or connections.
    analysis = analyse_layers((3, 8, 8), *_merge_net("add", 64))
    merged = analysis.layer("m")
    assert merged.output == (64, 8, 8)
    assert (merged.params, merged.connections, merged.macs) == (0, 0, 0)


def test_multiply_broadcasts_a_gate_over_the_map() -> None:
    # Squeeze-and-excitation: a 8×1×1 gate times the 8×5×5 map it was pooled from is
    # 8×5×5 (torch's broadcasting), with nothing to count.
    rows = analyse_layers(
        (8, 5, 5),
        {"name": "gap", "type": "global_pool"},
        {"name": "gate", "type": "multiply", "inputs": ["input", "gap"]},
    )
    gate = rows.layers[-1]
    assert gate.output == (8, 5, 5) and (gate.params, gate.macs, gate.connections) == (0, 0, 0)


def test_crop_to_the_map_it_joins() -> None:
    # U-Net 2015 (Ronneberger et al., Fig. 1): the last skip, 64×568×568, cropped to
    # the 392×392 of the map it is concatenated with; (568 − 392) / 2 = 88 cut at
    # each end. A reshape: nothing to count.
    rows = analyse_layers(
        (64, 568, 568),
        {"name": "small", "type": "adaptive_pool", "size": 392},
        {"name": "skip", "type": "crop", "input": "input", "like": "small"},
        {"name": "cut", "type": "crop", "amount": [[1, 2], 3]},
    ).layers
    assert rows[1].output == (64, 392, 392)
    assert (rows[1].params, rows[1].connections, rows[1].macs) == (0, 0, 0)
    assert rows[2].output == (64, 392 - 3, 392 - 6)


def test_split_parts_are_read_by_name() -> None:
    # ShuffleNetV2's channel split of 116 channels into two halves of 58; sizes
    # [16, 100] give parts of 16 and 100 channels. A view: nothing counted.
    rows = analyse_layers(
        (116, 7, 7),
        {"name": "s", "type": "split", "parts": 2},
        {"name": "a", "type": "activation", "fn": "relu", "input": "s.1"},
        {"name": "t", "type": "split", "sizes": [16, 100], "input": "input"},
        {"name": "b", "type": "activation", "fn": "relu", "input": "t.0"},
        {"name": "c", "type": "activation", "fn": "relu", "input": "t.1"},
    ).layers
    assert [row.output for row in rows] == [
        (116, 7, 7),
        (58, 7, 7),
        (116, 7, 7),
        (16, 7, 7),
        (100, 7, 7),
    ]
    assert (rows[0].params, rows[0].connections, rows[0].macs) == (0, 0, 0)


def test_concat_adds_channels() -> None:
    # 64 + 32 channels on the same 8×8 grid → 96×8×8.
    analysis = analyse_layers((3, 8, 8), *_merge_net("concat", 32))
    assert analysis.layer("m").output == (96, 8, 8)


def test_layers_may_be_written_before_the_layers_they_read() -> None:
    # Graph order, not file order: 'head' reads 'body', written after it.
    analysis = analyse_layers(
        (1, 4, 4),
        {"name": "head", "type": "dense", "units": 2, "input": "body"},
        {"name": "body", "type": "conv", "filters": 3, "kernel": 3, "input": "input"},
    )
    # body: 3×2×2 = 12 units; head: 2·(12+1) = 26 params.
    assert analysis.layer("head").params == 26
    assert [row.name for row in analysis.layers] == ["head", "body"]
