"""The bundled architectures reproduce the published numbers, to the unit.

Sources:
- [tv] torchvision's model metadata, `meta["num_params"]` and `meta["_ops"]` of each
  `*_Weights.IMAGENET1K_V1` (docs: pytorch.org/vision/stable/models, "GFLOPS"), added by
  pytorch/vision PR #6936. `_ops` counts conv and linear multiply-accumulates at the
  model's input size (3×224×224 unless the file says otherwise), so cnncalc's `macs`
  total must round to it at the published precision.
- [tv-video] the same metadata of the video models' `*_Weights.KINETICS400_V1`
  (docs: pytorch.org/vision/stable/models, "Video classification"), at 3×16×112×112.
- [caffe] the two-GPU AlexNet of BVLC Caffe's bvlc_alexnet, 60,965,224 parameters
  (doonny/PipeCNN project/host/main.cpp: WEIGHTS_FILE_SIZE 60965224 //fc8-1000).
- [zf] "Various parameters of ZFNet", Table 1.4, https://newlib.net/nw_rd992225/p14.
- [lecun] LeCun et al. 1998, section II.B: 60,000 trainable parameters.
"""

from __future__ import annotations

import pytest

from cnncalc.figures.analysis import Analysis, analyse
from cnncalc.reading import catalog

# name: (params, GFLOPS as published, decimals published)  — all [tv]
TORCHVISION = {
    "alexnet_torchvision": (61_100_840, 0.714, 3),
    "vgg16": (138_357_544, 15.47, 2),
    "vgg19": (143_667_240, 19.632, 3),
    "resnet18": (11_689_512, 1.814, 3),
    "resnet34": (21_797_672, 3.664, 3),
    "resnet50": (25_557_032, 4.089, 3),
    "mobilenet_v2": (3_504_872, 0.301, 3),
    "googlenet": (6_624_904, 1.498, 3),
    "squeezenet1_0": (1_248_424, 0.819, 3),
    "densenet121": (7_978_856, 2.834, 3),
    "efficientnet_b0": (5_288_548, 0.386, 3),
    "mobilenet_v3_small": (2_542_856, 0.057, 3),
    "convnext_tiny": (28_589_128, 4.456, 3),
    "shufflenet_v2_x1_0": (2_278_604, 0.145, 3),
    "r3d_18": (33_371_472, 40.697, 3),  # [tv-video]
}

# [tv] inception_v3: its params include the auxiliary head, its GFLOPS do not (below).
INCEPTION_V3 = (27_161_264, 5.713, 3)

OTHER_PARAMS = {
    "alexnet": 60_965_224,  # [caffe]
    "zfnet": 62_357_608,  # [zf]
    "lenet5": 60_000,  # [lecun]
}

REQUIRED = set(TORCHVISION) | {"alexnet", "zfnet", "inception_v3"}


def total(name: str) -> Analysis:
    return analyse(catalog.load(name))


@pytest.mark.parametrize("name", sorted(TORCHVISION))
def test_params_equal_torchvision_exactly(name: str) -> None:
    assert total(name).totals.params == TORCHVISION[name][0]


@pytest.mark.parametrize("name", sorted(TORCHVISION))
def test_macs_match_torchvision_gflops_at_the_published_precision(name: str) -> None:
    _, gflops, decimals = TORCHVISION[name]
    assert round(total(name).totals.macs / 1e9, decimals) == gflops


@pytest.mark.parametrize("name", sorted(OTHER_PARAMS))
def test_params_equal_the_other_published_totals(name: str) -> None:
    assert total(name).totals.params == OTHER_PARAMS[name]


def test_every_required_architecture_is_bundled() -> None:
    assert set(catalog.names()) >= REQUIRED


@pytest.mark.parametrize("name", catalog.names())
def test_each_bundled_architecture_cites_a_source_and_fits_its_budgets(name: str) -> None:
    arch = catalog.load(name)
    assert arch.description, f"{name}: description must cite the source of its figures"
    if name in REQUIRED:
        assert {b.figure for b in arch.budgets} >= {"params", "macs"}
    totals = analyse(arch).totals
    for budget in arch.budgets:
        assert totals.figure(budget.figure) <= budget.limit, (name, budget.figure)


def _stage_params(analysis: Analysis, prefix: str) -> int:
    return sum(r.params for r in analysis.layers if r.name.startswith(prefix))


def test_resnet18_per_stage_params() -> None:
    # torchinfo's tests/test_output/resnet18_depth_consistency.out (torchvision resnet18):
    # conv1 9,408; bn1 128; layer1 147,968; layer2 525,568; layer3 2,099,712;
    # layer4 8,393,728; fc 513,000.
    analysis = total("resnet18")
    assert analysis.layer("conv1").params == 9_408
    assert analysis.layer("bn1").params == 128
    stages = [_stage_params(analysis, f"layer{i}.") for i in range(1, 5)]
    assert stages == [147_968, 525_568, 2_099_712, 8_393_728]
    assert analysis.layer("fc").params == 513_000


def test_torchvision_alexnet_per_layer_params() -> None:
    # torchsummary printout in the README of github.com/Dynmi/AlexNet.
    analysis = total("alexnet_torchvision")
    names = ["conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8"]
    assert [analysis.layer(n).params for n in names] == [
        23_296, 307_392, 663_936, 884_992, 590_080, 37_752_832, 16_781_312, 4_097_000
    ]  # fmt: skip


def test_vgg16_layer_params_by_hand() -> None:
    # conv1_1: 64·(3·3·3 + 1) = 1,792; conv5_3: 512·(3·3·512 + 1) = 2,359,808;
    # fc6: 4096·(512·7·7 + 1) = 102,764,544.
    analysis = total("vgg16")
    assert analysis.layer("conv1_1").params == 1_792
    assert analysis.layer("conv5_3").params == 2_359_808
    assert analysis.layer("fc6").params == 102_764_544
    assert analysis.layer("avgpool").output == (512, 7, 7)


def test_zfnet_per_layer_params_and_the_sizes_of_its_figure() -> None:
    # [zf] params per layer; sizes 110, 55, 26, 13, 6 from the paper's Fig. 3.
    analysis = total("zfnet")
    names = ["conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8"]
    assert [analysis.layer(n).params for n in names] == [
        14_208, 614_656, 885_120, 1_327_488, 884_992, 37_752_832, 16_781_312, 4_097_000
    ]  # fmt: skip
    sizes = [analysis.layer(n).output[1] for n in ("conv1", "pool1", "conv2", "pool2", "pool5")]
    assert sizes == [110, 55, 26, 13, 6]


def test_mobilenet_v2_depthwise_convs_are_grouped_convs() -> None:
    # The first strided depthwise 3×3 has 96 channels and one group per channel:
    # 96 filters of 3·3·1 weights, no bias = 864; on 112×112 → 56×56, MACs 56·56·864.
    row = total("mobilenet_v2").layer("stage2.0.depthwise")
    assert (row.output, row.params, row.macs) == ((96, 56, 56), 864, 56 * 56 * 864)


def test_ceil_mode_pools_give_torchvisions_sizes() -> None:
    # googlenet 112 → 56 → 28 → 14 → 7 and squeezenet1_0 109 → 54 → 27 → 13 with ceil
    # mode (floor would give 55/27/13 and 54/26/12): size arithmetic by hand,
    # e.g. ceil((112 − 3) / 2) + 1 = 56.
    google = total("googlenet")
    assert [google.layer(n).output[1] for n in ("maxpool1", "maxpool2", "maxpool3", "maxpool4")] == [
        56, 28, 14, 7
    ]  # fmt: skip
    squeeze = total("squeezenet1_0")
    assert squeeze.layer("conv1").output[1] == 109
    assert [squeeze.layer(n).output[1] for n in ("maxpool1", "maxpool4", "maxpool8")] == [
        54, 27, 13
    ]  # fmt: skip


def test_densenet121_channels_grow_by_32_per_dense_layer() -> None:
    # 64 + 6·32 = 256, halved to 128; 128 + 12·32 = 512; 256 + 24·32 = 1024; 512 + 16·32.
    analysis = total("densenet121")
    outs = [analysis.layer(n).output for n in (
        "denseblock1.5.concat", "transition1.pool", "denseblock2.11.concat",
        "denseblock3.23.concat", "denseblock4.15.concat",
    )]  # fmt: skip
    assert outs == [(256, 56, 56), (128, 28, 28), (512, 28, 28), (1024, 14, 14), (1024, 7, 7)]


def test_efficientnet_b0_squeezes_to_a_quarter_of_the_block_input() -> None:
    # torchvision's MBConv: squeeze = input channels // 4. features.2.1 reads 24 channels,
    # expands to 6·24 = 144: fc1 6·(144 + 1) = 870, fc2 144·(6 + 1) = 1,008 (by hand);
    # the gate multiplies the 144×56×56 depthwise output.
    analysis = total("efficientnet_b0")
    se = "features.2.1.block.2."
    assert analysis.layer(se + "fc1").params == 870
    assert analysis.layer(se + "fc2").params == 1_008
    assert analysis.layer(se + "gate").output == (144, 56, 56)


def test_mobilenet_v3_small_rounds_squeeze_channels_to_multiples_of_8() -> None:
    # torchvision's _make_divisible(expanded // 4, 8): 120 // 4 = 30 → 32, and 16 // 4 = 4
    # → 8 (its minimum); fc1 32·(120 + 1) = 3,872 and 8·(16 + 1) = 136 (by hand), where
    # an unrounded squeeze would give 3,630 and 68. The hidden layer: 1024·(576 + 1).
    analysis = total("mobilenet_v3_small")
    assert analysis.layer("features.7.block.2.fc1").params == 3_872
    assert analysis.layer("features.1.block.1.fc1").params == 136
    assert analysis.layer("classifier.0").params == 590_848


def test_convnext_tiny_block_params_and_pointwise_macs_by_hand() -> None:
    # One stage-1 block, dim 96: depthwise 7×7 96·(49 + 1) = 4,800; LayerNorm 2·96 = 192;
    # pointwise 384·(96 + 1) = 37,248 and 96·(384 + 1) = 36,960; layer scale 96:
    # 79,296. The first pointwise layer at 56×56: 56·56·96·384 = 115,605,504 MACs.
    analysis = total("convnext_tiny")
    assert _stage_params(analysis, "features.1.0.") == 79_296
    assert analysis.layer("features.1.0.block.3").macs == 115_605_504
    assert analysis.layer("features.7.2.add").output == (768, 7, 7)


def test_inception_v3_counts_the_auxiliary_head_in_params_but_not_in_gflops() -> None:
    # [tv] torchvision builds inception_v3 with its AuxLogits head, so the published
    # params include it; the published GFLOPS are an eval-mode forward, which skips it.
    # The head's MACs by hand: conv0 1×1 768 → 128 at 5×5: 25·768·128 = 2,457,600;
    # conv1 5×5 128 → 768 at 1×1: 25·128·768 = 2,457,600; fc 768 → 1000: 768,000.
    params, gflops, decimals = INCEPTION_V3
    analysis = total("inception_v3")
    assert analysis.totals.params == params
    aux = [r for r in analysis.layers if r.name.startswith("AuxLogits.")]
    aux_macs = sum(r.macs for r in aux)
    assert aux_macs == 2_457_600 + 2_457_600 + 768_000
    assert round((analysis.totals.macs - aux_macs) / 1e9, decimals) == gflops


def test_shufflenet_v2_stride_1_units_transform_half_their_channels() -> None:
    # stage3 has 232 channels at 14×14; a stride-1 unit's first 1×1 conv reads one half:
    # 116·116 weights, no bias = 13,456, MACs 14·14·13,456; the other half joins it again.
    analysis = total("shufflenet_v2_x1_0")
    conv = analysis.layer("stage3.1.branch2.0")
    assert (conv.input_shapes, conv.params, conv.macs) == (
        ((116, 14, 14),), 13_456, 14 * 14 * 13_456
    )  # fmt: skip
    assert analysis.layer("stage3.1.concat").output == (232, 14, 14)


def test_r3d_18_sizes_follow_tran_et_al_table_1() -> None:
    # Tran et al. 2018, Table 1 (R3D-18 on an L×112×112 clip, L = 16): conv1 L×56×56,
    # conv2_x L×56×56, conv3_x L/2×28×28, conv4_x L/4×14×14, conv5_x L/8×7×7, then
    # 1×1×1 and 400 classes (Kinetics).
    analysis = total("r3d_18")
    stages = [f"layer{i}.1.relu" for i in range(1, 5)]
    assert [analysis.layer(n).output for n in ("stem.0", *stages, "avgpool", "fc")] == [
        (64, 16, 56, 56), (64, 16, 56, 56), (128, 8, 28, 28), (256, 4, 14, 14),
        (512, 2, 7, 7), (512, 1, 1, 1), (400,),
    ]  # fmt: skip
