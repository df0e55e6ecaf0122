"""U-Net 2015 and M5, the two bundled networks torchvision does not have, each held to a
torch.nn definition written here from its source, never generated from the files.

Sources:
- [unet] Ronneberger, Fischer and Brox, "U-Net: Convolutional networks for biomedical
  image segmentation", MICCAI 2015, section 2 and Fig. 1: valid 3×3 convs with ReLUs,
  2×2 max pools of stride 2, a 2×2 up-convolution halving the channels, concatenation
  with the centre crop of the contracting path's map, a final 1×1 conv to 2 classes.
- [m5] the M5 class of the PyTorch tutorial "Speech Command Classification with
  torchaudio" (pytorch/tutorials,
  intermediate_source/speech_command_classification_with_torchaudio_tutorial.py) with
  its defaults n_input=1, n_output=35, stride=16, n_channel=32, on 8,000 samples (one
  second resampled to 8 kHz, as the tutorial does).

torch measures each module: its output tensor's shape, the numel of its parameters, of
its running statistics (non-trainable), and torch.utils.flop_counter's FLOPs of its
forward pass divided by 2 (a multiply-accumulate counts as 2 FLOPs; conv, transposed
conv and matrix products only, as docs/figures.md counts MACs). The torch modules carry
the files' layer names (M5's through the tutorial's names) so rows pair up by name.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest

torch = pytest.importorskip("torch")

from torch import nn  # noqa: E402
from torch.nn import functional as F  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from cnncalc.figures.analysis import Analysis, analyse  # noqa: E402
from cnncalc.reading import catalog  # noqa: E402

Tensor = Any  # torch.Tensor; torch is imported lazily, so keep the hints loose


class Measured(NamedTuple):
    output: tuple[int, ...]
    params: int
    non_trainable: int
    macs: int


def measure(
    model: nn.Module, shape: tuple[int, ...], device: str
) -> tuple[Tensor, dict[str, Measured]]:
    """Run ``model`` once on a zero batch of one; every leaf module's figures by name."""
    outputs: dict[str, tuple[int, ...]] = {}
    leaves = {name: m for name, m in model.named_modules() if name and not list(m.children())}

    def keep(name: str) -> Any:
        def hook(_module: nn.Module, _inputs: Any, output: Tensor) -> None:
            assert name not in outputs, f"{name} runs twice: its figures would mix"
            outputs[name] = tuple(output.shape[1:])

        return hook

    for name, module in leaves.items():
        module.register_forward_hook(keep(name))
    model.eval()
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        output = model(torch.zeros(1, *shape, device=device))
    # The counter names a module "ClassName.path"; the network itself is its class name.
    flops = {
        key.split(".", 1)[1]: sum(counts.values())
        for key, counts in counter.get_flop_counts().items()
        if "." in key
    }
    measured = {}
    for name, module in leaves.items():
        assert flops.get(name, 0) % 2 == 0
        measured[name] = Measured(
            outputs[name],
            sum(p.numel() for p in module.parameters()),
            sum(
                b.numel() for n, b in module.named_buffers() if n in ("running_mean", "running_var")
            ),
            flops.get(name, 0) // 2,
        )
    assert counter.get_total_flops() == 2 * sum(m.macs for m in measured.values())
    return output, measured


def ours(analysis: Analysis, name: str) -> Measured:
    row = analysis.layer(name)
    return Measured(row.output, row.params, row.non_trainable, row.macs)


# --- U-Net 2015 ------------------------------------------------------------------------


class DoubleConv(nn.Module):
    """[unet] "two 3x3 convolutions (unpadded convolutions), each followed by a ReLU"."""

    def __init__(self, cin: int, cout: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3)
        self.conv2 = nn.Conv2d(cout, cout, 3)

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(self.conv2(F.relu(self.conv1(x))))


def centre_crop(x: Tensor, size: tuple[int, int]) -> Tensor:
    """[unet] "the correspondingly cropped feature map": the centre of ``x``."""
    top = (x.shape[2] - size[0]) // 2
    left = (x.shape[3] - size[1]) // 2
    return x[:, :, top : top + size[0], left : left + size[1]]


class Up(nn.Module):
    """[unet] "an upsampling of the feature map followed by a 2x2 convolution
    ('up-convolution') that halves the number of feature channels, a concatenation with
    the correspondingly cropped feature map from the contracting path, and two 3x3
    convolutions, each followed by a ReLU"; the copy is the first half (Fig. 1)."""

    def __init__(self, cin: int) -> None:
        super().__init__()
        self.upconv = nn.ConvTranspose2d(cin, cin // 2, kernel_size=2, stride=2)
        self.convs = DoubleConv(cin, cin // 2)

    def forward(self, x: Tensor, skip: Tensor) -> Tensor:
        up = self.upconv(x)
        return self.convs(torch.cat([centre_crop(skip, tuple(up.shape[2:])), up], dim=1))


class UNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.enc1 = DoubleConv(1, 64)
        self.pool1 = nn.MaxPool2d(2, stride=2)
        self.enc2 = DoubleConv(64, 128)
        self.pool2 = nn.MaxPool2d(2, stride=2)
        self.enc3 = DoubleConv(128, 256)
        self.pool3 = nn.MaxPool2d(2, stride=2)
        self.enc4 = DoubleConv(256, 512)
        self.pool4 = nn.MaxPool2d(2, stride=2)
        self.enc5 = DoubleConv(512, 1024)
        self.dec4 = Up(1024)
        self.dec3 = Up(512)
        self.dec2 = Up(256)
        self.dec1 = Up(128)
        # [unet] "a 1x1 convolution is used to map each 64-component feature vector to
        # the desired number of classes" (2 in Fig. 1).
        self.out = nn.Conv2d(64, 2, 1)

    def forward(self, x: Tensor) -> Tensor:
        e1 = self.enc1(x)
        e2 = self.enc2(self.pool1(e1))
        e3 = self.enc3(self.pool2(e2))
        e4 = self.enc4(self.pool3(e3))
        x = self.enc5(self.pool4(e4))
        x = self.dec1(self.dec2(self.dec3(self.dec4(x, e4), e3), e2), e1)
        return self.out(x)


@pytest.fixture(scope="module")
def unet() -> tuple[Analysis, Tensor, dict[str, Measured], nn.Module]:
    # The meta device: torch computes shapes and counts products without the 150 G
    # multiply-accumulates.
    with torch.device("meta"):
        model = UNet()
    output, measured = measure(model, (1, 572, 572), device="meta")
    return analyse(catalog.load("unet")), output, measured, model


def test_unet_agrees_with_torch_module_by_module(unet: Any) -> None:
    analysis, _, measured, _ = unet
    assert {name: ours(analysis, name) for name in measured} == measured
    # Every row with parameters is one of torch's modules: nothing counted twice or missed.
    assert {r.name for r in analysis.layers if r.params} <= set(measured)


def test_unet_totals_agree_with_torch(unet: Any) -> None:
    analysis, output, measured, model = unet
    assert tuple(output.shape[1:]) == (2, 388, 388) == analysis.layers[-1].output
    assert analysis.totals.params == sum(p.numel() for p in model.parameters())
    assert analysis.totals.macs == sum(m.macs for m in measured.values())


def test_unet_sizes_and_channels_are_those_of_fig_1() -> None:
    # [unet] Fig. 1, each 3×3 valid conv losing 2: 572 → 570 → 568, pooled to 284 →
    # 282 → 280, 140 → 138 → 136, 68 → 66 → 64, 32 → 30 → 28 with 64 ... 1024 channels;
    # up: 28·2 = 56 → 54 → 52, 104 → 102 → 100, 200 → 198 → 196, 392 → 390 → 388.
    analysis = analyse(catalog.load("unet"))
    down = [(f"enc{i}.conv{j}") for i in range(1, 6) for j in (1, 2)]
    assert [analysis.layer(n).output for n in down] == [
        (64, 570, 570), (64, 568, 568), (128, 282, 282), (128, 280, 280),
        (256, 138, 138), (256, 136, 136), (512, 66, 66), (512, 64, 64),
        (1024, 30, 30), (1024, 28, 28),
    ]  # fmt: skip
    up = [f"dec{i}.{n}" for i in (4, 3, 2, 1) for n in ("crop", "concat", "convs.conv2")]
    assert [analysis.layer(n).output for n in up] == [
        (512, 56, 56), (1024, 56, 56), (512, 52, 52),
        (256, 104, 104), (512, 104, 104), (256, 100, 100),
        (128, 200, 200), (256, 200, 200), (128, 196, 196),
        (64, 392, 392), (128, 392, 392), (64, 388, 388),
    ]  # fmt: skip
    assert analysis.layer("out").output == (2, 388, 388)


def test_unet_params_by_hand() -> None:
    # A 3×3 conv from a to b channels holds b·(9a + 1); the up-conv from a to a/2,
    # a·(a/2)·4 + a/2; the 1×1 output 2·(64 + 1).
    def conv(a: int, b: int) -> int:
        return b * (9 * a + 1)

    down = sum(conv(a, b) + conv(b, b) for a, b in [(1, 64), (64, 128), (128, 256),
                                                      (256, 512), (512, 1024)])  # fmt: skip
    up = sum(a * (a // 2) * 4 + a // 2 + conv(a, a // 2) + conv(a // 2, a // 2)
             for a in (1024, 512, 256, 128))  # fmt: skip
    assert analyse(catalog.load("unet")).totals.params == down + up + 2 * 65 == 31_030_658


# --- M5 -------------------------------------------------------------------------------


class M5(nn.Module):
    """[m5] the tutorial's class, as written there."""

    def __init__(
        self, n_input: int = 1, n_output: int = 35, stride: int = 16, n_channel: int = 32
    ) -> None:
        super().__init__()
        self.conv1 = nn.Conv1d(n_input, n_channel, kernel_size=80, stride=stride)
        self.bn1 = nn.BatchNorm1d(n_channel)
        self.pool1 = nn.MaxPool1d(4)
        self.conv2 = nn.Conv1d(n_channel, n_channel, kernel_size=3)
        self.bn2 = nn.BatchNorm1d(n_channel)
        self.pool2 = nn.MaxPool1d(4)
        self.conv3 = nn.Conv1d(n_channel, 2 * n_channel, kernel_size=3)
        self.bn3 = nn.BatchNorm1d(2 * n_channel)
        self.pool3 = nn.MaxPool1d(4)
        self.conv4 = nn.Conv1d(2 * n_channel, 2 * n_channel, kernel_size=3)
        self.bn4 = nn.BatchNorm1d(2 * n_channel)
        self.pool4 = nn.MaxPool1d(4)
        self.fc1 = nn.Linear(2 * n_channel, n_output)

    def forward(self, x: Tensor) -> Tensor:
        x = self.pool1(F.relu(self.bn1(self.conv1(x))))
        x = self.pool2(F.relu(self.bn2(self.conv2(x))))
        x = self.pool3(F.relu(self.bn3(self.conv3(x))))
        x = self.pool4(F.relu(self.bn4(self.conv4(x))))
        x = F.avg_pool1d(x, x.shape[-1])
        x = x.permute(0, 2, 1)
        return F.log_softmax(self.fc1(x), dim=2)


# The tutorial's module names → the file's layer names (its repeated unit is a block).
M5_NAMES = {f"{kind}{i}": f"unit{i}.{unit}" for i in range(1, 5)
            for kind, unit in (("conv", "conv"), ("bn", "bn"), ("pool", "pool"))}  # fmt: skip
M5_NAMES["fc1"] = "fc1"


@pytest.fixture(scope="module")
def m5() -> tuple[Analysis, Tensor, dict[str, Measured], nn.Module]:
    model = M5()
    output, measured = measure(model, (1, 8000), device="cpu")
    return analyse(catalog.load("m5")), output, measured, model


def test_m5_agrees_with_torch_module_by_module(m5: Any) -> None:
    analysis, _, measured, _ = m5
    # The tutorial keeps a time axis of length 1 into fc1 (it permutes N×64×1 to
    # N×1×64), so its fc1 gives 1×35 where cnncalc's dense gives 35.
    fc1 = measured["fc1"]
    assert fc1.output[0] == 1
    measured = {**measured, "fc1": fc1._replace(output=fc1.output[1:])}
    assert {name: ours(analysis, M5_NAMES[name]) for name in measured} == measured
    assert {r.name for r in analysis.layers if r.params} <= {M5_NAMES[n] for n in measured}


def test_m5_totals_agree_with_torch(m5: Any) -> None:
    analysis, output, measured, model = m5
    assert tuple(output.shape) == (1, 1, 35)
    assert analysis.layers[-1].output == (35,)
    assert analysis.totals.params == sum(p.numel() for p in model.parameters())
    assert analysis.totals.macs == sum(m.macs for m in measured.values())


def test_m5_output_lengths_and_params_by_hand() -> None:
    # Lengths: floor((8000 − 80) / 16) + 1 = 496, pooled by 4 to 124; 124 − 2 = 122 →
    # 30; 30 − 2 = 28 → 7; 7 − 2 = 5 → 1.
    analysis = analyse(catalog.load("m5"))
    names = [f"unit{i}.{n}" for i in range(1, 5) for n in ("conv", "pool")]
    assert [analysis.layer(n).output for n in names] == [
        (32, 496), (32, 124), (32, 122), (32, 30), (64, 28), (64, 7), (64, 5), (64, 1)
    ]  # fmt: skip
    # Trainable parameters, what the tutorial's count_parameters prints: conv1
    # 32·80 + 32 = 2,592; conv2 32·32·3 + 32 = 3,104; conv3 64·32·3 + 64 = 6,208;
    # conv4 64·64·3 + 64 = 12,352; batch norms 2·(32 + 32 + 64 + 64) = 384;
    # fc1 64·35 + 35 = 2,275: 26,915. The running statistics are 384 more.
    assert analysis.totals.params == 2_592 + 3_104 + 6_208 + 12_352 + 384 + 2_275 == 26_915
    assert analysis.totals.non_trainable == 384
