"""torchvision's networks, exported to ONNX by torch and imported: exact figures.

Each network is torchvision's own (tests/torchvision_models.py), exported once per session in training
mode so that its batch norms stay nodes, and imported by `cnncalc import`. The expected
figures are torch's count of the same module: its parameters (per-module sum), its
running statistics, and its multiply-accumulates from torch's FlopCounterMode (FLOPs
halved, as docs/figures.md counts: conv, transposed conv and matrix products only).
Every bundled file built as torchvision's is here, and the import must give its figures.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest
import torchvision_models

pytest.importorskip("onnx")
torch = pytest.importorskip("torch")

from conftest import run_cli  # noqa: E402

from cnncalc.figures.analysis import Analysis, analyse  # noqa: E402
from cnncalc.reading import catalog  # noqa: E402
from cnncalc.reading.architecture import load_file  # noqa: E402

# Inception's auxiliary head normalises a 1×1 map: training mode needs two samples.
BATCH = {"inception_v3": 2}


def build(name: str) -> Any:
    torch.manual_seed(0)
    module = torchvision_models.build(name)
    # A training-mode export samples stochastic depth's mask (RandomUniformLike): at
    # rate 0 the block is its plain sum, as at inference; its figures are the same.
    for part in module.modules():
        if type(part).__name__ == "StochasticDepth":
            part.p = 0.0
    return module


class Exported:
    def __init__(self, text: str, analysis: Analysis, counted: dict[str, int]) -> None:
        self.text = text
        self.analysis = analysis
        self.counted = counted


@pytest.fixture(scope="module", params=sorted(torchvision_models.NETWORKS))
def exported(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from torch.utils.flop_counter import FlopCounterMode

    name: str = request.param
    module = build(name)
    batch = BATCH.get(name, 1)
    module.train(True)
    example = torch.zeros(batch, *torchvision_models.input_shape(name))
    counter = FlopCounterMode(display=False)
    with torch.no_grad(), counter:
        module(example)
    statistics = sum(
        b.numel() for n, b in module.named_buffers() if n.endswith(("running_mean", "running_var"))
    )
    counted = {
        "params": sum(p.numel() for p in module.parameters()),
        "non_trainable": statistics,
        "macs": counter.get_total_flops() // 2 // batch,
    }
    folder = tmp_path_factory.mktemp(name)
    path = folder / f"{name}.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's deprecation notices
        torch.onnx.export(
            module, example, str(path), dynamo=False, training=torch.onnx.TrainingMode.TRAINING
        )
    out = path.with_suffix(".yaml")
    result = run_cli(["import", str(path), "-o", str(out)])
    path.unlink()
    assert result.exit_code == 0, result.output
    return name, Exported(out.read_text(encoding="utf-8"), analyse(load_file(out)), counted)


def test_every_torchvision_family_network_is_exported() -> None:
    assert set(torchvision_models.torchvision_family()) <= set(torchvision_models.NETWORKS)


def test_the_import_has_torchs_figures(exported: tuple[str, Exported]) -> None:
    name, found = exported
    totals = found.analysis.totals
    assert (totals.params, totals.non_trainable, totals.macs) == (
        found.counted["params"],
        found.counted["non_trainable"],
        found.counted["macs"],
    )
    bundled = analyse(catalog.load(name)).totals
    assert (totals.params, totals.macs) == (bundled.params, bundled.macs)


# What each network's import must hold, written from torchvision's source: the layers
# that carry its design, as cnncalc's kinds.
SIGNATURES = {
    # MBConv: SiLU everywhere, a squeeze-and-excitation gate per block (16 blocks).
    "efficientnet_b0": {"fn: silu": None, "type: multiply": 16},
    # 9 of 11 inverted residual blocks have a hard-sigmoid gate; hard swish elsewhere.
    "mobilenet_v3_small": {"fn: hardswish": None, "fn: hardsigmoid": 9, "type: multiply": 9},
    # 18 blocks of layer scale; LayerNorm2d in the stem, 3 downsamplings, the head, and
    # one per block: 23 layer norms over the channels.
    "convnext_tiny": {"type: scale": 18, "type: layernorm": 23, "fn: gelu": 18},
    # 16 blocks, each ending in a shuffle of 2 groups; 13 split their input in two.
    "shufflenet_v2_x1_0": {"type: channel_shuffle, groups: 2": 16, "type: split, parts: 2": 13},
    # The auxiliary classifier included: 2 dense layers (fc and AuxLogits.fc).
    "inception_v3": {"type: dense": 2, "AuxLogits.fc": None},
    "r3d_18": {"kernel: [3, 7, 7]": 1, "type: batchnorm": 20},
    # 5 convs, 3 linear layers.
    "alexnet_torchvision": {"type: conv": 5, "type: dense": 3},
    # 13 and 16 convs, 3 linear layers.
    "vgg16": {"type: conv": 13, "type: dense": 3},
    "vgg19": {"type: conv": 16, "type: dense": 3},
    # The stem, two convs per basic block (8, 16) or three per bottleneck (16), and a
    # 1×1 shortcut conv in each stage that changes shape (3, 3, 4); one add per block.
    "resnet18": {"type: conv": 1 + 2 * 8 + 3, "type: batchnorm": 20, "type: add": 8},
    "resnet34": {"type: conv": 1 + 2 * 16 + 3, "type: add": 16},
    "resnet50": {"type: conv": 1 + 3 * 16 + 4, "type: add": 16},
    # Stem, 17 inverted residuals (the first without expansion: 2 convs, the rest 3), the
    # last 1×1 conv; ReLU6 after each conv but the projections; 10 blocks keep their shape
    # and add their input.
    "mobilenet_v2": {"type: conv": 1 + 2 + 16 * 3 + 1, "fn: relu6": 35, "type: add": 10},
    # 3 stem convs and 9 Inception modules of 6 convs, each concatenating its 4 branches.
    "googlenet": {"type: conv": 3 + 9 * 6, "type: concat": 9},
    # conv1, 8 Fire modules (squeeze, expand 1×1, expand 3×3, concat), the final conv.
    "squeezenet1_0": {"type: conv": 1 + 8 * 3 + 1, "type: concat": 8},
    # conv0, 58 dense layers of two convs (6 + 12 + 24 + 16), 3 transitions; a batch
    # norm before every conv but conv0's after it, and the final one.
    "densenet121": {"type: conv": 1 + 2 * 58 + 3, "type: batchnorm": 121},
}


def test_the_import_holds_the_networks_design(exported: tuple[str, Exported]) -> None:
    name, found = exported
    for needle, count in SIGNATURES[name].items():
        assert needle in found.text, needle
        if count is not None:
            assert found.text.count(needle) == count, needle
    assert "skipped" not in found.text
