"""PyTorch as a differential oracle: an independent implementation must agree, layer by
layer, on output shapes, parameters and multiply-accumulates.

Each parsed layer is translated into `torch.nn` modules by this file's own code, from
the layer's settings only (filters, kernel, stride, ...): channel counts and feature
sizes come from the tensors torch produces, never from cnncalc's arithmetic. Then
- the output shape is the tensor's shape;
- params are the numel of the module's parameters, non_trainable the numel of its
  running statistics (or fixed RBF vectors);
- macs are torch.utils.flop_counter's count divided by 2 (it counts a
  multiply-accumulate as 2 FLOPs, and counts conv, transposed conv and matrix products
  only, as docs/figures.md does).
What torch cannot express (LeNet-5's connection table) is built as the dense conv and
checked against the formula of docs/figures.md on top of it.

Compared: every bundled architecture, plus a few hundred random networks (valid by
construction: torch itself accepts every layer drawn) with a fixed seed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

torch = pytest.importorskip("torch")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from torch import nn  # noqa: E402
from torch.nn import functional as F  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from cnncalc.figures.analysis import Analysis, analyse  # noqa: E402
from cnncalc.reading import catalog  # noqa: E402
from cnncalc.reading.architecture import NETWORK_INPUT, Architecture, from_dict  # noqa: E402

Tensor = Any  # torch.Tensor; the module is imported lazily, so keep the hints loose


# --- translation: one layer's settings → torch modules ------------------------------------


def axes(value: Any, rank: int) -> tuple[int, ...]:
    """An int for every spatial axis, or one per axis, as a tuple of ``rank`` ints."""
    if isinstance(value, int):
        return (value,) * rank
    assert len(value) == rank
    return tuple(int(v) for v in value)


def rank_of(x: Tensor) -> int:
    """Spatial axes of a batch N×C×…: 1 for N×C×L, 2 for N×C×H×W, 3 for N×C×D×H×W."""
    return int(x.dim()) - 2


def torch_pad(pairs: list[tuple[int, int]]) -> tuple[int, ...]:
    """(before, after) per spatial axis, first axis first, in F.pad's order (last axis
    first)."""
    return tuple(side for before_after in reversed(pairs) for side in before_after)


def zero_pad(pad: tuple[int, ...], rank: int) -> nn.Module:
    return getattr(nn, f"ZeroPad{rank}d")(pad)


def tf_same_padding(size: int, kernel: int, stride: int, dilation: int) -> tuple[int, int]:
    """The `same` rule of docs/file-format.md, written out again here: output ceil(W/S), total
    padding max((out−1)·S + D·(F−1) + 1 − W, 0), the smaller half before."""
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + dilation * (kernel - 1) + 1 - size, 0)
    return total // 2, total - total // 2


def explicit_padding(
    settings: dict[str, Any], x: Tensor, kernel: tuple[int, ...], stride: tuple[int, ...]
) -> tuple[int, ...]:
    """The padding as torch.nn.ZeroPad1d/2d/3d takes it ((left, right, top, bottom) in 2-D)."""
    rank = rank_of(x)
    dilation = axes(settings.get("dilation", 1), rank)
    padding = settings.get("padding", 0)
    if padding == "same":
        sizes = x.shape[2:]
        return torch_pad(
            [tf_same_padding(sizes[i], kernel[i], stride[i], dilation[i]) for i in range(rank)]
        )
    if padding == "valid":
        padding = 0
    return torch_pad([(p, p) for p in axes(padding, rank)])


class LocallyConnected(nn.Module):  # type: ignore[misc]
    """A conv whose every output position owns its weights (Keras LocallyConnected2D),
    as unfold + a batched matrix product, so flop_counter sees its products."""

    def __init__(self, x: Tensor, settings: dict[str, Any]) -> None:
        super().__init__()
        assert settings["groups"] == 1, "locally connected with groups is not generated"
        self.rank = rank_of(x)
        self.kernel = axes(settings["kernel"], self.rank)
        self.stride = axes(settings["stride"], self.rank)
        self.dilation = axes(settings["dilation"], self.rank)
        self.pad = explicit_padding(settings, x, self.kernel, self.stride)
        self.filters = settings["filters"]
        # The output size, as torch's own conv computes it on the padded input.
        conv = getattr(F, f"conv{self.rank}d")
        probe = conv(
            F.pad(x[:, :1], self.pad),
            torch.zeros(1, 1, *self.kernel),
            stride=self.stride,
            dilation=self.dilation,
        )
        self.out_size = tuple(probe.shape[2:])
        columns = self._columns(x)
        self.weight = nn.Parameter(torch.zeros(columns.shape[0], self.filters, columns.shape[1]))
        self.bias = (
            nn.Parameter(torch.zeros(self.filters, *self.out_size)) if settings["bias"] else None
        )

    def _columns(self, x: Tensor) -> Tensor:
        """positions × fan-in: each window's inputs, gathered with Tensor.unfold along
        each axis (dilation keeps every D-th of the span), which flop_counter does not
        count."""
        windows = F.pad(x, self.pad)[0]  # C × padded sizes
        for i in range(self.rank):
            span = self.dilation[i] * (self.kernel[i] - 1) + 1
            windows = windows.unfold(1 + i, span, self.stride[i])[..., :: self.dilation[i]]
        # C × out sizes × kernel sizes → positions × (C · kernel)
        order = [*range(1, 1 + self.rank), 0, *range(1 + self.rank, 1 + 2 * self.rank)]
        return windows.permute(order).reshape(math.prod(self.out_size), -1)

    def forward(self, x: Tensor) -> Tensor:
        columns = self._columns(x).unsqueeze(-1)  # positions × fan-in × 1
        out = torch.bmm(self.weight, columns).squeeze(-1).T  # filters × positions
        out = out.reshape(1, self.filters, *self.out_size)
        return out if self.bias is None else out + self.bias


class Subsample(nn.Module):  # type: ignore[misc]
    """LeNet-5's S-layers: average a window, times one coefficient, plus one bias, per map."""

    def __init__(self, x: Tensor, settings: dict[str, Any]) -> None:
        super().__init__()
        rank = rank_of(x)
        size = axes(settings["size"], rank)
        stride = axes(settings["stride"] if settings["stride"] is not None else size, rank)
        self.pool = getattr(nn, f"AvgPool{rank}d")(size, stride)
        ones = (1,) * rank
        self.weight = nn.Parameter(torch.ones(1, x.shape[1], *ones))
        self.bias = nn.Parameter(torch.zeros(1, x.shape[1], *ones))

    def forward(self, x: Tensor) -> Tensor:
        return self.pool(x) * self.weight + self.bias


class Rbf(nn.Module):  # type: ignore[misc]
    """Euclidean RBF units, Σ(x − w)², written with a matrix product (which torch counts)."""

    def __init__(self, inputs: int, units: int, trainable: bool) -> None:
        super().__init__()
        centres = torch.zeros(units, inputs)
        if trainable:
            self.centres = nn.Parameter(centres)
        else:
            self.register_buffer("centres", centres)

    def forward(self, x: Tensor) -> Tensor:
        x = x.flatten(1)
        return (x * x).sum(1, keepdim=True) - 2 * x @ self.centres.T + (self.centres**2).sum(1)


ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "relu": nn.ReLU,
    "relu6": nn.ReLU6,
    "leaky_relu": nn.LeakyReLU,
    "elu": nn.ELU,
    "selu": nn.SELU,
    "gelu": nn.GELU,
    "silu": nn.SiLU,
    "swish": nn.SiLU,
    "mish": nn.Mish,
    "hardswish": nn.Hardswish,
    "hardsigmoid": nn.Hardsigmoid,
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "softmax": lambda: nn.Softmax(dim=1),
    "log_softmax": lambda: nn.LogSoftmax(dim=1),
    "softplus": nn.Softplus,
    "softsign": nn.Softsign,
    "linear": nn.Identity,
    "identity": nn.Identity,
}


@dataclass
class Built:
    """A translated layer: what to run, and the figures torch cannot count
    itself (only for a conv with a connection table)."""

    module: nn.Module
    params: int | None = None  # override: the table formula of docs/figures.md
    mac_fraction: tuple[int, int] = (1, 1)  # the table's share of the dense conv's products


def conv_module(settings: dict[str, Any], x: Tensor) -> Built:
    rank = rank_of(x)
    kernel, stride = axes(settings["kernel"], rank), axes(settings["stride"], rank)
    if not settings.get("sharing", True):
        return Built(LocallyConnected(x, settings))
    channels = x.shape[1]
    conv = getattr(nn, f"Conv{rank}d")(
        channels,
        settings["filters"],
        kernel,
        stride=stride,
        dilation=axes(settings["dilation"], rank),
        groups=settings["groups"],
        bias=settings["bias"],
    )
    module = nn.Sequential(zero_pad(explicit_padding(settings, x, kernel, stride), rank), conv)
    table = settings.get("table")
    if table is None:
        return Built(module)
    # Torch has no partial connectivity: run the dense conv (same shape), and take the
    # formula of docs/figures.md for params, Σ over filters (kh·kw·len(entry) + bias), and the
    # table's share of the dense conv's products for MACs.
    bias = 1 if settings["bias"] else 0
    params = sum(math.prod(kernel) * len(entry) + bias for entry in table)
    links = sum(len(entry) for entry in table)
    return Built(module, params, (links, settings["filters"] * channels))


def pool_module(settings: dict[str, Any], x: Tensor) -> Built:
    rank = rank_of(x)
    size = axes(settings["size"], rank)
    stride = axes(settings["stride"] if settings["stride"] is not None else size, rank)
    ceil = settings["ceil"]
    padding = settings["padding"]
    pool_class = getattr(nn, f"{'Max' if settings['mode'] == 'max' else 'Avg'}Pool{rank}d")
    if padding == "same":
        pad = explicit_padding(settings, x, size, stride)
        return Built(nn.Sequential(zero_pad(pad, rank), pool_class(size, stride, ceil_mode=ceil)))
    padding = 0 if padding == "valid" else padding
    return Built(pool_class(size, stride, axes(padding, rank), ceil_mode=ceil))


def transpose_module(settings: dict[str, Any], x: Tensor) -> Built:
    rank = rank_of(x)
    return Built(
        getattr(nn, f"ConvTranspose{rank}d")(
            x.shape[1],
            settings["filters"],
            axes(settings["kernel"], rank),
            stride=axes(settings["stride"], rank),
            padding=axes(settings["padding"], rank),
            output_padding=axes(settings["output_padding"], rank),
            groups=settings["groups"],
            bias=settings["bias"],
            dilation=axes(settings["dilation"], rank),
        )
    )


# cnncalc's `bilinear` interpolates along every axis: torch names it by rank.
INTERPOLATE = {1: "linear", 2: "bilinear", 3: "trilinear"}


def upsample_module(settings: dict[str, Any], x: Tensor) -> Built:
    rank = rank_of(x)
    mode = INTERPOLATE[rank] if settings["mode"] == "bilinear" else settings["mode"]
    if settings.get("size") is not None:
        return Built(nn.Upsample(size=axes(settings["size"], rank), mode=mode))
    scale = tuple(float(s) for s in axes(settings["scale"], rank))
    return Built(nn.Upsample(scale_factor=scale, mode=mode))


def pad_module(settings: dict[str, Any], x: Tensor) -> Built:
    """An int for every side, one per axis, or (before, after) for each axis in turn."""
    rank = rank_of(x)
    padding = settings["padding"]
    if isinstance(padding, int) or len(padding) == rank:
        pairs = [(p, p) for p in axes(padding, rank)]
    else:
        pairs = [(padding[2 * i], padding[2 * i + 1]) for i in range(rank)]
    return Built(zero_pad(torch_pad(pairs), rank))


def batchnorm_module(settings: dict[str, Any], x: Tensor) -> Built:
    # BatchNorm1d takes N×C and N×C×L.
    norm = getattr(nn, f"BatchNorm{max(rank_of(x), 1)}d")
    return Built(norm(x.shape[1], affine=settings.get("affine", True)))


def _adaptive(mode: str, size: Any, x: Tensor) -> Built:
    rank = rank_of(x)
    pool = getattr(nn, f"Adaptive{'Avg' if mode == 'avg' else 'Max'}Pool{rank}d")
    return Built(pool(axes(size, rank)))


class LayerNorm2d(nn.LayerNorm):  # type: ignore[misc]
    """torchvision's ConvNeXt LayerNorm2d: nn.LayerNorm over the channels at each position."""

    def forward(self, x: Tensor) -> Tensor:
        # The channels last, normalised, then back: any spatial rank.
        return super().forward(x.movedim(1, -1)).movedim(-1, 1)


class LayerScale(nn.Module):  # type: ignore[misc]
    """torchvision's CNBlock layer scale: one learned factor per channel."""

    def __init__(self, x: Tensor) -> None:
        super().__init__()
        self.layer_scale = nn.Parameter(torch.ones(x.shape[1], *[1] * (x.dim() - 2)))

    def forward(self, x: Tensor) -> Tensor:
        return self.layer_scale * x


def layernorm_module(settings: dict[str, Any], x: Tensor) -> Built:
    affine = settings["affine"]
    if settings["over"] == "sample":
        return Built(nn.LayerNorm(list(x.shape[1:]), elementwise_affine=affine))
    if x.dim() == 2:
        return Built(nn.LayerNorm(x.shape[1], elementwise_affine=affine))
    return Built(LayerNorm2d(x.shape[1], elementwise_affine=affine))


def instancenorm_module(settings: dict[str, Any], x: Tensor) -> Built:
    norm = getattr(nn, f"InstanceNorm{max(x.dim() - 2, 1)}d")
    return Built(norm(x.shape[1], affine=settings["affine"],
                      track_running_stats=settings["track_running_stats"]))  # fmt: skip


TRANSLATE: dict[str, Callable[[dict[str, Any], Tensor], Built]] = {
    "conv": conv_module,
    "pool": pool_module,
    "conv_transpose": transpose_module,
    "upsample": upsample_module,
    "pad": pad_module,
    "batchnorm": batchnorm_module,
    "subsample": lambda s, x: Built(Subsample(x, s)),
    "global_pool": lambda s, x: _adaptive(s["mode"], 1, x),
    "adaptive_pool": lambda s, x: _adaptive(s["mode"], s["size"], x),
    "dense": lambda s, x: Built(
        nn.Sequential(nn.Flatten(), nn.Linear(x[0].numel(), s["units"], bias=s["bias"]))
    ),
    "rbf": lambda s, x: Built(Rbf(x[0].numel(), s["units"], s["trainable"])),
    "activation": lambda s, x: Built(ACTIVATIONS[s["fn"]]()),
    "flatten": lambda s, x: Built(nn.Flatten()),
    "dropout": lambda s, x: Built(nn.Dropout(s["rate"])),
    "lrn": lambda s, x: Built(nn.LocalResponseNorm(s["size"], s["alpha"], s["beta"], s["k"])),
    "prelu": lambda s, x: Built(nn.PReLU(s["num_parameters"])),
    "layernorm": layernorm_module,
    "groupnorm": lambda s, x: Built(nn.GroupNorm(s["groups"], x.shape[1], affine=s["affine"])),
    "instancenorm": instancenorm_module,
    "scale": lambda s, x: Built(LayerScale(x)),
    "channel_shuffle": lambda s, x: Built(nn.ChannelShuffle(s["groups"])),
}


def crop_tensor(settings: dict[str, Any], inputs: list[Tensor]) -> Tensor:
    """Keras' Cropping2D by amounts, or its CenterCrop to the `like` tensor's size (the
    smaller half of the cut before): slices of the input tensor."""
    x = inputs[0]
    slices: list[slice] = [slice(None), slice(None)]
    for axis in range(2, x.dim()):
        size = x.shape[axis]
        if settings.get("like") is not None:
            cut = size - inputs[1].shape[axis]
            before, after = cut // 2, cut - cut // 2
        else:
            amount = settings["amount"]
            entry = amount if isinstance(amount, int) else amount[axis - 2]
            before, after = (entry, entry) if isinstance(entry, int) else entry
        slices.append(slice(before, size - after))
    return x[tuple(slices)]


def split_parts(name: str, settings: dict[str, Any], x: Tensor) -> dict[str, Tensor]:
    """torch.split by sizes, or torch.chunk into equal parts, on the channels."""
    if settings["sizes"] is not None:
        pieces = torch.split(x, list(settings["sizes"]), dim=1)
    else:
        pieces = torch.chunk(x, settings["parts"], dim=1)
    return {f"{name}.{i}": piece for i, piece in enumerate(pieces)}


@dataclass(frozen=True)
class Measured:
    output: tuple[int, ...]
    params: int
    non_trainable: int
    macs: int


def run_layer(
    type_name: str, settings: dict[str, Any], inputs: list[Tensor], count: bool = True
) -> tuple[Tensor, Measured]:
    """Build the layer for these input tensors, run it once, measure it (the MACs only
    when ``count``: the flop counter is the slow part)."""
    if type_name == "add":
        output = inputs[0]
        for other in inputs[1:]:
            assert other.shape == output.shape  # torch would broadcast; `add` must not
            output = output + other
        return output, Measured(tuple(output.shape[1:]), 0, 0, 0)
    if type_name == "multiply":
        output = inputs[0]
        for other in inputs[1:]:
            output = output * other  # torch's broadcasting
        return output, Measured(tuple(output.shape[1:]), 0, 0, 0)
    if type_name == "split":
        output = inputs[0]  # the parts together; `oracle` names each part
        return output, Measured(tuple(output.shape[1:]), 0, 0, 0)
    if type_name == "crop":
        output = crop_tensor(settings, inputs)
        return output, Measured(tuple(output.shape[1:]), 0, 0, 0)
    if type_name == "concat":
        output = torch.cat(inputs, dim=1)
        return output, Measured(tuple(output.shape[1:]), 0, 0, 0)
    built = TRANSLATE[type_name](settings, inputs[0])
    built.module.eval()
    if count:
        with FlopCounterMode(display=False) as counter:
            output = built.module(inputs[0])
        flops = counter.get_total_flops()
    else:
        output, flops = built.module(inputs[0]), 0
    assert flops % 2 == 0
    macs = flops // 2 * built.mac_fraction[0] // built.mac_fraction[1]
    params = sum(p.numel() for p in built.module.parameters())
    if built.params is not None:
        params = built.params
    fixed = sum(
        b.numel()
        for name, b in built.module.named_buffers()
        if name.rsplit(".", 1)[-1] in ("running_mean", "running_var", "centres")
    )
    return output, Measured(tuple(output.shape[1:]), params, fixed, macs)


def settings_of(kind: Any) -> dict[str, Any]:
    return {field.name: getattr(kind, field.name) for field in kind.fields}


def oracle(arch: Architecture, device: str = "cpu") -> dict[str, Measured]:
    """Every layer run by torch, in an order of torch's own finding (inputs first).

    On the "meta" device torch computes shapes and counts products without doing the
    arithmetic: the bundled networks (VGG: 15 G MACs) then take seconds, not minutes.
    """
    measured: dict[str, Measured] = {}
    pending = list(arch.layers)
    with torch.no_grad(), torch.device(device):
        tensors: dict[str, Tensor] = {NETWORK_INPUT: torch.zeros(1, *arch.input)}
        while pending:
            ready = [layer for layer in pending if all(n in tensors for n in layer.inputs)]
            assert ready, "the oracle found no runnable layer: a cycle or a missing input"
            for layer in ready:
                inputs = [tensors[name] for name in layer.inputs]
                output, measured[layer.name] = run_layer(
                    layer.type_name, settings_of(layer.kind), inputs
                )
                tensors[layer.name] = output
                if layer.type_name == "split":
                    tensors.update(split_parts(layer.name, settings_of(layer.kind), output))
            pending = [layer for layer in pending if layer.name not in measured]
    return measured


def disagreements(analysis: Analysis, measured: dict[str, Measured]) -> list[str]:
    problems = []
    for row in analysis.layers:
        torch_view = measured[row.name]
        ours = Measured(row.output, row.params, row.non_trainable, row.macs)
        if ours != torch_view:
            problems.append(f"{row.name} ({row.type}): cnncalc {ours} != torch {torch_view}")
    return problems


# --- every bundled architecture --------------------------------------------------------


@pytest.mark.parametrize("name", catalog.names())
def test_bundled_architecture_agrees_with_torch_layer_by_layer(name: str) -> None:
    arch = catalog.load(name)
    analysis = analyse(arch)
    measured = oracle(arch, device="meta")
    assert disagreements(analysis, measured) == []
    assert analysis.totals.params == sum(m.params for m in measured.values())
    assert analysis.totals.macs == sum(m.macs for m in measured.values())


def test_the_table_conv_is_held_to_its_formula_not_to_the_dense_conv() -> None:
    # LeNet-5's C3 [LeCun et al. 1998, section II.B]: 1,516 params; with 10×10
    # outputs and 60 maps linked of 96, MACs 10·10·25·60 = 150,000 (hand arithmetic),
    # where the dense 16-filter conv would do 10·10·25·6·16 = 240,000.
    measured = oracle(catalog.load("lenet5"))["C3"]
    assert (measured.params, measured.macs) == (1_516, 150_000)


def test_prelu_agrees_with_torch() -> None:
    """torch.nn.PReLU with one slope or one per channel, on maps and on a vector."""
    arch = from_dict(
        {
            "name": "prelu",
            "input": [3, 12, 12],
            "layers": [
                {"name": "c", "type": "conv", "filters": 6, "kernel": 3},
                {"name": "per_channel", "type": "prelu", "num_parameters": 6},
                {"name": "shared", "type": "prelu"},
                {"name": "fc", "type": "dense", "units": 5},
                {"name": "per_unit", "type": "prelu", "num_parameters": 5},
            ],
        }
    )
    analysis = analyse(arch)
    measured = oracle(arch)
    assert disagreements(analysis, measured) == []
    # torch's own counts, not only agreement: PReLU(6) holds 6 slopes, PReLU() 1.
    assert [measured[n].params for n in ("per_channel", "shared", "per_unit")] == [6, 1, 5]
    assert [measured[n].macs for n in ("per_channel", "shared", "per_unit")] == [0, 0, 0]


def test_1d_and_3d_networks_agree_with_torch() -> None:
    """Every window kind on a C×L and a C×D×H×W input, with ints and per-axis lists."""
    audio = from_dict(
        {
            "name": "1-D",
            "input": [1, 8000],
            "layers": [
                {"name": "c1", "type": "conv", "filters": 32, "kernel": 80, "stride": 16},
                {"name": "b1", "type": "batchnorm"},
                {"name": "p1", "type": "pool", "size": [4], "mode": "avg"},
                {
                    "name": "c2",
                    "type": "conv",
                    "filters": 8,
                    "kernel": 3,
                    "padding": "same",
                    "dilation": 2,
                    "groups": 4,
                },
                {
                    "name": "lc",
                    "type": "conv",
                    "filters": 2,
                    "kernel": 5,
                    "stride": 3,
                    "sharing": False,
                },
                {
                    "name": "t1",
                    "type": "conv_transpose",
                    "filters": 6,
                    "kernel": 4,
                    "stride": 2,
                    "padding": 1,
                    "output_padding": 1,
                },
                {"name": "pd", "type": "pad", "padding": [1, 2]},
                {"name": "s1", "type": "subsample", "size": 2},
                {"name": "up", "type": "upsample", "scale": 3, "mode": "bilinear"},
                {"name": "ap", "type": "adaptive_pool", "size": 7, "mode": "max"},
                {"name": "g", "type": "global_pool"},
                {"name": "fc", "type": "dense", "units": 10},
                {"name": "b2", "type": "batchnorm"},
            ],
        }
    )
    video = from_dict(
        {
            "name": "3-D",
            "input": [3, 8, 32, 32],
            "layers": [
                {
                    "name": "c1",
                    "type": "conv",
                    "filters": 16,
                    "kernel": [3, 7, 7],
                    "stride": [1, 2, 2],
                    "padding": [1, 3, 3],
                    "bias": False,
                },
                {"name": "b1", "type": "batchnorm"},
                {"name": "p1", "type": "pool", "size": 3, "stride": 2, "padding": 1},
                {
                    "name": "c2",
                    "type": "conv",
                    "filters": 8,
                    "kernel": [1, 3, 3],
                    "padding": "same",
                    "groups": 2,
                },
                {
                    "name": "lc",
                    "type": "conv",
                    "filters": 2,
                    "kernel": 2,
                    "stride": 2,
                    "sharing": False,
                },
                {
                    "name": "t1",
                    "type": "conv_transpose",
                    "filters": 4,
                    "kernel": [2, 3, 3],
                    "stride": 2,
                    "dilation": [1, 2, 1],
                },
                {"name": "pd", "type": "pad", "padding": [0, 1, 1, 0, 2, 2]},
                {"name": "up", "type": "upsample", "size": [4, 10, 12], "mode": "bilinear"},
                {"name": "a1", "type": "pool", "size": [2, 3, 3], "mode": "avg", "ceil": True},
                {"name": "ap", "type": "adaptive_pool", "size": [1, 3, 3]},
                {"name": "fc", "type": "dense", "units": 5},
            ],
        }
    )
    for arch in (audio, video):
        measured = oracle(arch)
        assert disagreements(analyse(arch), measured) == []
    # torch's own counts, not only agreement. M5's first layer (Dai et al. 2017):
    # Conv1d(1, 32, 80, stride 16) on 8,000 samples holds 32·80 + 32 = 2,592 params,
    # gives (8000 − 80) / 16 + 1 = 496 positions and 496·32·80 = 1,269,760 MACs;
    # r3d_18's stem, Conv3d(3, 64, (3, 7, 7)), holds 64·3·3·7·7 weights: here 16 filters,
    # 16·3·3·7·7 = 7,056. BatchNorm1d/3d keep 2·C running statistics.
    audio_c1 = oracle(audio)["c1"]
    assert (audio_c1.output, audio_c1.params, audio_c1.macs) == ((32, 496), 2_592, 1_269_760)
    video_measured = oracle(video)
    assert video_measured["c1"].params == 7_056
    assert video_measured["b1"].non_trainable == 2 * 16


def test_newer_kinds_agree_with_torch() -> None:
    """Gate, norms, layer scale and shuffle against torch, on maps and on a vector."""
    arch = from_dict(
        {
            "name": "newer",
            "input": [3, 10, 12],
            "layers": [
                {"name": "c", "type": "conv", "filters": 8, "kernel": 3},
                {"name": "ln", "type": "layernorm"},
                {"name": "ln_sample", "type": "layernorm", "over": "sample"},
                {"name": "gn", "type": "groupnorm", "groups": 4},
                {"name": "in", "type": "instancenorm"},
                {"name": "in_both", "type": "instancenorm", "affine": True,
                 "track_running_stats": True},
                {"name": "ls", "type": "scale"},
                {"name": "sh", "type": "channel_shuffle", "groups": 2},
                {"name": "gap", "type": "global_pool"},
                {"name": "gate", "type": "multiply", "inputs": ["sh", "gap"]},
                {"name": "fc", "type": "dense", "units": 6},
                {"name": "ln_vector", "type": "layernorm"},
                {"name": "gn_vector", "type": "groupnorm", "groups": 3, "affine": False},
            ],
        }
    )  # fmt: skip
    analysis = analyse(arch)
    measured = oracle(arch)
    assert disagreements(analysis, measured) == []
    # torch's own counts: LayerNorm2d(8) 2·8; LayerNorm([8, 8, 10]) 2·640; GroupNorm(4,
    # 8) 2·8; InstanceNorm2d() nothing; with affine and tracking 16 + 16 buffers.
    params = {name: measured[name].params for name in ("ln", "ln_sample", "gn", "in", "ls")}
    assert params == {"ln": 16, "ln_sample": 1_280, "gn": 16, "in": 0, "ls": 8}
    assert (measured["in_both"].params, measured["in_both"].non_trainable) == (16, 16)
    assert measured["gate"].output == (8, 8, 10)


def test_unet_copy_and_crop_agrees_with_torch() -> None:
    """U-Net 2015's first skip: 64×568×568 cropped to the 392×392 of the upsampled
    map it is joined with (Ronneberger et al., 2015, Fig. 1), and explicit amounts."""
    arch = from_dict(
        {
            "name": "crop",
            "input": [64, 568, 568],
            "layers": [
                {"name": "low", "type": "pool", "size": 2, "stride": 2},
                {"name": "small", "type": "pool", "size": 1, "stride": 1, "padding": 0},
                {"name": "sampled", "type": "adaptive_pool", "size": 392},
                {"name": "skip", "type": "crop", "input": "input", "like": "sampled"},
                {"name": "cut", "type": "crop", "amount": [3, [1, 2]]},
                {"name": "cut_all", "type": "crop", "amount": 1},
            ],
        }
    )
    analysis = analyse(arch)
    measured = oracle(arch, device="meta")
    assert disagreements(analysis, measured) == []
    assert measured["skip"].output == (64, 392, 392)
    assert measured["cut"].output == (64, 386, 389)


def test_shufflenet_v2_channel_split_agrees_with_torch() -> None:
    """ShuffleNetV2's basic unit (Ma et al., 2018; torchvision's InvertedResidual,
    stride 1): half the channels pass, half go through 1×1, depthwise 3×3, 1×1, then
    concat and shuffle. torchvision shufflenet_v2_x1_0's stage 2 has 116 channels."""
    arch = from_dict(
        {
            "name": "shuffle unit",
            "input": [116, 28, 28],
            "layers": [
                {"name": "s", "type": "split", "parts": 2},
                {"name": "c1", "type": "conv", "filters": 58, "kernel": 1, "bias": False,
                 "input": "s.1"},
                {"name": "dw", "type": "conv", "filters": 58, "kernel": 3, "padding": 1,
                 "groups": 58, "bias": False},
                {"name": "c2", "type": "conv", "filters": 58, "kernel": 1, "bias": False},
                {"name": "cat", "type": "concat", "inputs": ["s.0", "c2"]},
                {"name": "sh", "type": "channel_shuffle", "groups": 2},
                {"name": "t", "type": "split", "sizes": [16, 100]},
                {"name": "tail", "type": "conv", "filters": 4, "kernel": 1, "input": "t.1"},
            ],
        }
    )  # fmt: skip
    analysis = analyse(arch)
    measured = oracle(arch)
    assert disagreements(analysis, measured) == []
    # torch's counts: Conv2d(58, 58, 1) 3,364 and depthwise Conv2d(58, 58, 3, groups=58)
    # 522 weights; the last conv reads 100 of the 116 channels: 4·(100 + 1) = 404.
    assert [measured[n].params for n in ("c1", "dw", "tail")] == [3_364, 522, 404]


# --- random networks -------------------------------------------------------------------

MAX_CHANNELS = 12


def _accepts(spec: dict[str, Any], tensors: dict[str, Tensor]) -> Tensor | None:
    """Torch's verdict on a drawn layer: its output, or None when torch refuses it."""
    names = spec.get("inputs") or [spec["input"]]
    if spec.get("like"):
        names = [*names, spec["like"]]  # crop reads its shape
    settings = {k: v for k, v in spec.items() if k not in ("name", "type", "input", "inputs")}
    try:
        with torch.no_grad():
            output, _ = run_layer(
                spec["type"],
                _with_defaults(spec["type"], settings),
                [tensors[n] for n in names],
                count=False,
            )
    except (RuntimeError, ValueError):
        return None
    if output.dim() >= 3 and min(output.shape[2:]) < 1:
        return None
    return output


DEFAULTS: dict[str, dict[str, Any]] = {
    "split": {"sizes": None, "parts": None},
    "conv": {
        "stride": 1,
        "padding": 0,
        "dilation": 1,
        "groups": 1,
        "bias": True,
        "sharing": True,
        "table": None,
    },
    "pool": {"mode": "max", "stride": None, "padding": 0, "ceil": False},
    "conv_transpose": {
        "stride": 1,
        "padding": 0,
        "output_padding": 0,
        "dilation": 1,
        "groups": 1,
        "bias": True,
    },
    "upsample": {"scale": None, "size": None, "mode": "nearest"},
    "adaptive_pool": {"mode": "avg"},
    "global_pool": {"mode": "avg"},
    "dense": {"bias": True},
    "batchnorm": {"affine": True},
    "dropout": {"rate": 0.5},
    "lrn": {"size": 5, "alpha": 1e-4, "beta": 0.75, "k": 2.0},
}


def _with_defaults(type_name: str, settings: dict[str, Any]) -> dict[str, Any]:
    return {**DEFAULTS.get(type_name, {}), **settings}


def _divisor(draw: Any, n: int) -> int:
    return draw(st.sampled_from([d for d in range(1, n + 1) if n % d == 0]))


def _draw_spatial(draw: Any, channels: int, rank: int = 2) -> dict[str, Any]:
    """One layer that keeps a C×H×W tensor C×H×W (C×L C×L, C×D×H×W C×D×H×W)."""
    kind = draw(
        st.sampled_from(
            ["conv", "conv", "conv", "locally", "pool", "pool", "pool", "conv_transpose",
             "conv_transpose", "conv_transpose", "upsample", "upsample", "adaptive_pool",
             "pad", "batchnorm", "activation", "lrn", "dropout", "subsample", "prelu",
             "layernorm", "groupnorm", "instancenorm", "scale", "channel_shuffle", "crop"]
        )
    )  # fmt: skip
    small = st.integers(1, 3)
    if kind in ("conv", "locally"):
        filters = draw(st.integers(1, MAX_CHANNELS))
        spec = {
            "type": "conv",
            "filters": filters,
            "kernel": draw(
                st.one_of(
                    st.integers(1, 5), st.lists(st.integers(1, 4), min_size=rank, max_size=rank)
                )
            ),
            "stride": draw(st.one_of(small, st.lists(small, min_size=rank, max_size=rank))),
            "padding": draw(
                st.one_of(
                    st.integers(0, 2),
                    st.lists(st.integers(0, 2), min_size=rank, max_size=rank),
                    st.sampled_from(["same", "valid"]),
                )
            ),
            "dilation": draw(st.sampled_from([1, 1, 2])),
            "bias": draw(st.booleans()),
        }
        if kind == "locally":
            spec["sharing"] = False
        else:
            groups = _divisor(draw, math.gcd(channels, filters))
            spec["groups"] = groups
        return spec
    if kind == "pool":
        size = draw(st.integers(1, 4))
        return {
            "type": "pool",
            "mode": draw(st.sampled_from(["max", "avg"])),
            "size": size,
            "stride": draw(st.integers(1, 3)),
            "padding": draw(st.integers(0, size // 2)),
            "ceil": draw(st.booleans()),
        }
    if kind == "conv_transpose":
        stride = draw(small)
        dilation = draw(st.sampled_from([1, 1, 2]))
        filters = draw(st.integers(1, MAX_CHANNELS))
        return {
            "type": "conv_transpose",
            "filters": filters,
            "kernel": draw(st.integers(1, 4)),
            "stride": stride,
            "padding": draw(st.integers(0, 2)),
            "output_padding": draw(st.integers(0, max(stride, dilation) - 1)),
            "dilation": dilation,
            "groups": _divisor(draw, math.gcd(channels, filters)),
            "bias": draw(st.booleans()),
        }
    if kind == "upsample":
        if draw(st.booleans()):
            return {
                "type": "upsample",
                "scale": draw(st.integers(1, 2)),
                "mode": draw(st.sampled_from(["nearest", "bilinear"])),
            }
        return {
            "type": "upsample",
            "size": [draw(st.integers(1, 20)) for _ in range(rank)],
            "mode": draw(st.sampled_from(["nearest", "bilinear"])),
        }
    if kind == "adaptive_pool":
        return {
            "type": "adaptive_pool",
            "size": draw(st.integers(1, 8)),
            "mode": draw(st.sampled_from(["avg", "max"])),
        }
    if kind == "pad":
        return {
            "type": "pad",
            "padding": draw(
                st.one_of(
                    st.integers(0, 2),
                    st.lists(st.integers(0, 2), min_size=2 * rank, max_size=2 * rank),
                    st.lists(st.integers(0, 2), min_size=rank, max_size=rank),
                )
            ),
        }
    if kind == "batchnorm":
        return {"type": "batchnorm", "affine": draw(st.booleans())}
    if kind == "activation":
        return {"type": "activation", "fn": draw(st.sampled_from(sorted(ACTIVATIONS)))}
    if kind == "lrn":
        return {"type": "lrn", "size": draw(st.integers(1, 5))}
    if kind == "prelu":
        return {"type": "prelu", "num_parameters": draw(st.sampled_from([1, channels]))}
    if kind == "layernorm":
        over = draw(st.sampled_from(["channels", "sample"]))
        return {"type": "layernorm", "over": over, "affine": draw(st.booleans())}
    if kind == "groupnorm":
        groups = _divisor(draw, channels)
        return {"type": "groupnorm", "groups": groups, "affine": draw(st.booleans())}
    if kind == "instancenorm":
        return {"type": "instancenorm", "affine": draw(st.booleans()),
                "track_running_stats": draw(st.booleans())}  # fmt: skip
    if kind == "scale":
        return {"type": "scale"}
    if kind == "crop":
        # Per spatial axis: the same cut at both ends, or [before, after].
        cut = st.integers(0, 2)
        per_axis = st.one_of(cut, st.lists(cut, min_size=2, max_size=2))
        return {"type": "crop", "amount": draw(st.lists(per_axis, min_size=rank, max_size=rank))}
    if kind == "channel_shuffle":
        return {"type": "channel_shuffle", "groups": _divisor(draw, channels)}
    if kind == "subsample":
        size = draw(st.integers(1, 3))
        return {"type": "subsample", "size": size, "stride": size}
    return {"type": "dropout", "rate": 0.5}


@st.composite
def networks(draw: Any, ranks: tuple[int, ...] = (2,)) -> dict[str, Any]:
    """A random architecture that torch accepts layer by layer, as a cnncalc dict, with
    an input of one of these spatial ranks."""
    rank = ranks[0] if len(ranks) == 1 else draw(st.sampled_from(ranks))
    largest = {1: 60, 2: 20, 3: 9}[rank]  # a few hundred positions at most
    shape = [draw(st.integers(1, 6)), *(draw(st.integers(4, largest)) for _ in range(rank))]
    tensors: dict[str, Tensor] = {NETWORK_INPUT: torch.zeros(1, *shape)}
    layers: list[dict[str, Any]] = []
    current = NETWORK_INPUT

    def add(spec: dict[str, Any]) -> bool:
        nonlocal current
        spec = {"name": f"l{len(layers)}", **spec}
        if "inputs" not in spec and "input" not in spec:
            spec["input"] = current
        output = _accepts(spec, tensors)
        if output is None or (output.dim() >= 3 and output.shape[1] > 4 * MAX_CHANNELS):
            return False
        if output.dim() >= 3 and output[0].numel() > 6000:
            return False  # keep the networks quick
        tensors[spec["name"]] = output
        if spec["type"] == "split":
            settings = _with_defaults("split", spec)
            tensors.update(split_parts(spec["name"], settings, output))
        layers.append(spec)
        current = spec["name"]
        return True

    for _ in range(draw(st.integers(1, 7))):
        x = tensors[current]
        if x.dim() < 3:
            break
        structure = draw(
            st.sampled_from(
                ["layer", "layer", "layer", "residual", "branches", "gate", "crop", "split"]
            )
        )
        channels = x.shape[1]
        if structure == "residual":
            # A stride-1 conv that keeps the size (odd kernel, padding d·(k−1)/2), summed
            # with its input: the residual shortcut.
            k, d = draw(st.sampled_from([1, 3, 5])), draw(st.sampled_from([1, 2]))
            start = current
            if add(
                {
                    "type": "conv",
                    "filters": channels,
                    "kernel": k,
                    "dilation": d,
                    "padding": d * (k - 1) // 2,
                }
            ):
                add({"type": "add", "inputs": [layers[-1]["name"], start]})
        elif structure == "gate":
            # Squeeze-and-excitation: a C×1×1 gate times the map it was pooled from.
            start = current
            if add({"type": "global_pool"}) and add(
                {"type": "conv", "filters": channels, "kernel": 1}
            ):
                add({"type": "multiply", "inputs": [start, current]})
            else:
                current = start
        elif structure == "split" and channels > 1:
            # ShuffleNetV2's unit: one part passes, another goes through a conv, joined.
            first = draw(st.integers(1, channels - 1))
            split = (
                {"sizes": [first, channels - first]}
                if draw(st.booleans())
                else {"parts": _divisor(draw, channels)}
            )
            if add({"type": "split", **split}):
                name = current
                last = 1 if "sizes" in split else split["parts"] - 1
                if add({"type": "conv", "filters": draw(st.integers(1, MAX_CHANNELS)),
                        "kernel": 1, "input": f"{name}.{last}"}):  # fmt: skip
                    add({"type": "concat", "inputs": [f"{name}.0", current]})
        elif structure == "crop":
            # Copy and crop: the map cut to the size of a smaller one drawn from it.
            start = current
            k = draw(st.integers(1, 5))
            if add({"type": "pool", "size": k, "stride": 1}):
                add({"type": "crop", "input": start, "like": current})
        elif structure == "branches":
            start = current
            names = []
            for _ in range(draw(st.integers(2, 3))):
                k = draw(st.sampled_from([1, 3]))
                current = start
                if add(
                    {
                        "type": "conv",
                        "filters": draw(st.integers(1, MAX_CHANNELS)),
                        "kernel": k,
                        "padding": (k - 1) // 2,
                    }
                ):
                    names.append(current)
            if len(names) >= 2:
                add({"type": "concat", "inputs": names})
            elif names:
                current = names[0]
        else:
            add(_draw_spatial(draw, int(channels), rank))
    head = draw(st.sampled_from(["none", "dense", "global", "flatten_rbf"]))
    if head == "dense":
        add({"type": "dense", "units": draw(st.integers(1, 16)), "bias": draw(st.booleans())})
        if draw(st.booleans()):
            add({"type": "batchnorm"})
            add({"type": "dense", "units": draw(st.integers(1, 10))})
    elif head == "global":
        add({"type": "global_pool", "mode": draw(st.sampled_from(["avg", "max"]))})
    elif head == "flatten_rbf" and tensors[current].dim() >= 3:
        add({"type": "flatten"})
        add({"type": "rbf", "units": draw(st.integers(1, 10)), "trainable": draw(st.booleans())})
    if not layers:
        add({"type": "activation", "fn": "relu"})
    return {"name": "random", "input": shape, "layers": layers}


RANDOM_NETWORKS = 300


@settings(
    max_examples=RANDOM_NETWORKS,
    derandomize=True,  # a fixed seed: every run draws the same networks
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(networks())
def test_random_network_agrees_with_torch_layer_by_layer(network: dict[str, Any]) -> None:
    arch = from_dict(network)
    analysis = analyse(arch)
    assert disagreements(analysis, oracle(arch)) == []


@settings(
    max_examples=RANDOM_NETWORKS * 2 // 3,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(networks(ranks=(1, 3)))
def test_random_1d_and_3d_network_agrees_with_torch_layer_by_layer(
    network: dict[str, Any],
) -> None:
    """The same draw on C×L and C×D×H×W inputs: Conv1d/3d, MaxPool1d/3d, AvgPool1d/3d,
    ConvTranspose1d/3d, BatchNorm1d/3d, AdaptiveAvgPool1d/3d, ZeroPad1d/3d, Upsample
    (linear, trilinear) and the unfolded locally connected layer."""
    arch = from_dict(network)
    analysis = analyse(arch)
    assert disagreements(analysis, oracle(arch)) == []
