"""The bundled LeNet-5, LeNet and AlexNet reproduce their published figures."""

from __future__ import annotations

import pytest

import cnncalc
from cnncalc.reading import catalog

# LeCun et al. 1998, section II.B: (trainable parameters, connections) per layer.
# The OUTPUT layer's 84·10 = 840 RBF parameters are fixed, hence non-trainable here.
LENET5_PAPER = {
    "C1": (156, 122_304),
    "S2": (12, 5_880),
    "C3": (1_516, 151_600),
    "S4": (32, 2_000),
    "C5": (48_120, 48_120),
    "F6": (10_164, 10_164),
    "OUTPUT": (0, 840),
}

# Output shapes stated in the paper's text: C1 28×28 (6 maps), S2 14×14, C3 10×10
# (16 maps), S4 5×5, C5 120 maps of 1×1, F6 84 units, 10 outputs.
LENET5_SHAPES = {
    "C1": (6, 28, 28),
    "S2": (6, 14, 14),
    "C3": (16, 10, 10),
    "S4": (16, 5, 5),
    "C5": (120, 1, 1),
    "F6": (84,),
    "OUTPUT": (10,),
}


def test_lenet5_matches_the_paper_layer_by_layer() -> None:
    analysis = cnncalc.analyse(cnncalc.bundled("lenet5"))
    assert [row.name for row in analysis.layers] == list(LENET5_PAPER)
    for row in analysis.layers:
        assert (row.params, row.connections) == LENET5_PAPER[row.name], row.name
        assert row.output == LENET5_SHAPES[row.name], row.name
    assert analysis.layer("OUTPUT").non_trainable == 840


def test_lenet5_totals_are_the_papers() -> None:
    # "LeNet-5 ... 340,908 connections, but only 60,000 trainable free parameters".
    totals = cnncalc.analyse(cnncalc.bundled("lenet5")).totals
    assert totals.params == 60_000
    assert totals.connections == 340_908
    assert totals.non_trainable == 840
    assert totals.total_params == 60_840
    assert not cnncalc.analyse(cnncalc.bundled("lenet5")).warnings


def test_lenet_28_first_conv_from_the_weight_sharing_articles() -> None:
    # 6@5×5 on 28×28 → 24×24×6 = 3,456 neurons; 156 params; 89,856 without sharing.
    conv1 = cnncalc.analyse(cnncalc.bundled("lenet")).layer("conv1")
    assert conv1.output == (6, 24, 24)
    assert (conv1.neurons, conv1.params, conv1.params_unshared) == (3_456, 156, 89_856)


# AlexNet (two GPUs), parameters per layer worked by hand from the paper's Figure 2:
#   conv1 96·(11·11·3+1)        =     34,944
#   conv2 256·(5·5·48+1)        =    307,456   (groups 2: 48 of 96 maps)
#   conv3 384·(3·3·256+1)       =    885,120   (reads both GPUs)
#   conv4 384·(3·3·192+1)       =    663,936
#   conv5 256·(3·3·192+1)       =    442,624
#   fc6   4096·(6·6·256+1)      = 37,752,832
#   fc7   4096·(4096+1)         = 16,781,312
#   fc8   1000·(4096+1)         =  4,097,000
# Total 60,965,224, the figure PipeCNN's reference constant gives.
ALEXNET_PARAMS = {
    "conv1": 34_944,
    "conv2": 307_456,
    "conv3": 885_120,
    "conv4": 663_936,
    "conv5": 442_624,
    "fc6": 37_752_832,
    "fc7": 16_781_312,
    "fc8": 4_097_000,
}
# Neurons per layer, the paper's section 3.5 list for the layers after conv1
# (186,624 – 64,896 – 64,896 – 43,264 – 4096 – 4096 – 1000); conv1 55·55·96.
ALEXNET_NEURONS = {
    "conv1": 290_400,
    "conv2": 186_624,
    "conv3": 64_896,
    "conv4": 64_896,
    "conv5": 43_264,
    "fc6": 4_096,
    "fc7": 4_096,
    "fc8": 1_000,
}


def test_alexnet_two_gpu_figures() -> None:
    analysis = cnncalc.analyse(cnncalc.bundled("alexnet"))
    for name, params in ALEXNET_PARAMS.items():
        assert analysis.layer(name).params == params, name
        assert analysis.layer(name).neurons == ALEXNET_NEURONS[name], name
    assert analysis.totals.params == 60_965_224
    assert sum(ALEXNET_PARAMS.values()) == 60_965_224
    # The paper's "650,000 neurons": the units of the layers with parameters.
    assert analysis.totals.neurons == sum(ALEXNET_NEURONS.values()) == 659_272
    conv1 = analysis.layer("conv1")
    assert conv1.params_unshared == 105_705_600  # 55·55·34,944
    assert not analysis.warnings


def test_alexnet_on_224_warns_about_conv1() -> None:
    # (224 − 11)/4 = 53.25: the last row and column of the input are never read.
    analysis = cnncalc.analyse(cnncalc.bundled("alexnet"), input_shape=(3, 224, 224))
    assert analysis.layer("conv1").output == (96, 54, 54)
    assert any("'conv1'" in str(w) for w in analysis.warnings)
    with pytest.raises(cnncalc.CnncalcError, match="conv1"):
        cnncalc.analyse(cnncalc.bundled("alexnet"), input_shape=(3, 224, 224), strict=True)


def test_padding_only_overhang_is_not_warned() -> None:
    # ResNet's stem: 224 + 2·3 − 7 = 223 is odd, but the stride-2 windows stop short
    # of trailing padding only: every input pixel is read, so no warning.
    from conftest import analyse_layers

    analysis = analyse_layers(
        (3, 224, 224), {"type": "conv", "filters": 64, "kernel": 7, "stride": 2, "padding": 3}
    )
    assert analysis.layers[0].output == (64, 112, 112)
    assert not analysis.warnings


def test_bundled_architectures_are_installed_with_the_package() -> None:
    assert {"lenet5", "lenet", "alexnet"} <= set(catalog.names())
