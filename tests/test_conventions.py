"""Counting conventions: macs, flops, and the torchinfo / fvcore / thop presets.

- macs and flops: hand-worked on LeNet-5 from the documented terms.
- presets: numbers the tools print, as published (sources named at each number), and,
  when torch + the tool are installed, the tool run on the same network rebuilt in
  PyTorch from the architecture file (skipped otherwise).
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest
from conftest import run_cli

import cnncalc
from cnncalc.cli import figure_options
from cnncalc.figures.conventions import CONVENTIONS
from cnncalc.figures.memory import DTYPES
from cnncalc.reading.architecture import from_dict


def test_cli_copies_stay_in_step_with_the_core() -> None:
    assert tuple(CONVENTIONS) == figure_options.COUNTS
    assert tuple(DTYPES) == figure_options.DTYPES


def test_macs_is_the_contract_figure() -> None:
    analysis = cnncalc.analyse(cnncalc.bundled("alexnet"))
    assert analysis.count == "macs"
    assert all(row.ops == row.macs for row in analysis.layers)
    assert analysis.totals.ops == 724_406_816  # torch's count: tests/reference/alexnet_macs.py


def test_lenet5_flops_by_hand() -> None:
    # 2·MACs + bias + pooling + activation + normalisation + the LeNet-5 extras:
    # C1: 2·117,600 + 4,704 biases = 239,904
    # S2: per unit 3 adds (2×2 sum) + 1 coefficient multiply + 1 bias = 5 · 1,176 = 5,880
    # C3: 2·150,000 + 1,600 = 301,600;  S4: 5 · 400 = 2,000
    # C5: 2·48,000 + 120 = 96,120;  F6: 2·10,080 + 84 = 20,244
    # OUTPUT (rbf): 2·840 + 840 subtractions = 2,520
    expected = {
        "C1": 239_904,
        "S2": 5_880,
        "C3": 301_600,
        "S4": 2_000,
        "C5": 96_120,
        "F6": 20_244,
        "OUTPUT": 2_520,
    }
    analysis = cnncalc.analyse(cnncalc.bundled("lenet5"), count="flops")
    assert {row.name: row.ops for row in analysis.layers} == expected
    assert analysis.totals.ops == 668_268  # the sum of the above


def test_flops_terms_by_hand() -> None:
    # On 4×6×6: batchnorm 2 per unit = 288; relu 1 per unit = 144; max pool 2×2 → 4×3×3
    # = 36 units × 3 comparisons = 108; avg pool 2×2: 36 × 4 = 144; add of two: 144;
    # lrn size 5: (2·5 + 3) = 13 per unit = 1,872; global avg pool: 4·36 = 144.
    arch = from_dict(
        {
            "name": "terms",
            "input": [4, 6, 6],
            "layers": [
                {"name": "bn", "type": "batchnorm"},
                {"name": "relu", "type": "activation", "fn": "relu"},
                {"name": "mp", "type": "pool", "size": 2},
                {"name": "ap", "type": "pool", "size": 2, "mode": "avg", "input": "relu"},
                {"name": "sum", "type": "add", "inputs": ["bn", "relu"]},
                {"name": "lrn", "type": "lrn", "size": 5},
                {"name": "gap", "type": "global_pool"},
            ],
        }
    )
    got = {row.name: row.ops for row in cnncalc.analyse(arch, count="flops").layers}
    assert got == {
        "bn": 288,
        "relu": 144,
        "mp": 108,
        "ap": 144,
        "sum": 144,
        "lrn": 1_872,
        "gap": 144,
    }


def _bundled(name: str, input_shape: tuple[int, ...] | None, count: str) -> cnncalc.Analysis:
    try:
        arch = cnncalc.bundled(name)
    except cnncalc.CnncalcError:
        pytest.skip(f"the bundled {name} is not available")
    return cnncalc.analyse(arch, input_shape, count=count)


def test_torchinfo_published_resnet50() -> None:
    # torchinfo tests/test_output/resnet50.out: "Total mult-adds (G): 8.18" at batch 2,
    # params 25,557,032 (torchvision's ResNet50_Weights metadata): 4.09 G per image.
    analysis = _bundled("resnet50", None, "torchinfo")
    assert analysis.totals.params == 25_557_032
    assert round(2 * analysis.totals.ops / 1e9, 2) == 8.18


def test_torchinfo_published_resnet18_at_64() -> None:
    # torchinfo tests/test_output/resnet18_depth_consistency.out: 148.57 M mult-adds at
    # 64×64.
    analysis = _bundled("resnet18", (3, 64, 64), "torchinfo")
    assert round(analysis.totals.ops / 1e6, 2) == 148.57


def test_published_macs_of_torchvision() -> None:
    # torchvision's ResNet50_Weights metadata (torchvision/models/resnet.py): `_ops` 4.089
    # "GFLOPS", which are giga-MACs.
    assert round(_bundled("resnet50", None, "macs").totals.ops / 1e9, 3) == 4.089


def test_the_tools_disagree_as_documented() -> None:
    # For resnet50 the tools print 4.09 (torchvision, torchinfo per image), fvcore a
    # little more (batchnorm counted in current versions), thop more again (batchnorm
    # counted 4 per unit): the presets keep that order.
    values = {c: _bundled("resnet50", None, c).totals.ops for c in CONVENTIONS}
    assert values["macs"] < values["torchinfo"] < values["fvcore"] < values["thop"]
    assert values["flops"] > 2 * values["macs"]


def test_convention_is_printed_with_the_table_and_in_json() -> None:
    table = run_cli(["show", "lenet5", "--count", "flops"])
    assert table.exit_code == 0, table.stderr
    flat = " ".join(table.stdout.split())
    assert "counting flops: 2 × MACs" in flat
    assert "668,268" in table.stdout  # the hand-worked total above
    default = run_cli(["show", "lenet5"])
    assert "counting macs: conv and dense multiply-accumulates" in " ".join(default.stdout.split())
    document = json.loads(run_cli(["show", "lenet5", "--format", "json", "--count", "thop"]).stdout)
    assert document["count"] == "thop"
    assert {"ops"} <= set(document["layers"][0]) and "ops" in document["totals"]


def test_bad_count_is_one_error_line() -> None:
    result = run_cli(["show", "lenet5", "--count", "ptflops"])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("error: --count: 'ptflops' is not one of macs, flops")
    assert len(result.stderr.splitlines()) == 1


def test_bad_column_is_one_error_line() -> None:
    result = run_cli(["show", "lenet5", "--columns", "+recptive"])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("error: --columns: unknown column 'recptive'")
    assert len(result.stderr.splitlines()) == 1


# ---------------------------------------------------------------------------------------
# The tools themselves, on the same networks rebuilt in PyTorch (optional).


def _torch_model(analysis: cnncalc.Analysis, arch: cnncalc.Architecture) -> Any:
    import torch
    from torch import nn

    by_name = {layer.name: layer for layer in arch.layers}
    modules: dict[str, nn.Module] = {}
    for row in analysis.layers:
        kind = by_name[row.name].kind
        shape = row.input_shapes[0]
        rank = max(len(shape) - 1, 1)  # spatial axes: Conv1d, Conv2d or Conv3d
        t = row.type
        if t == "conv":
            assert kind.sharing and kind.table is None  # type: ignore[attr-defined]
            pad = kind.padding  # type: ignore[attr-defined]
            if pad == "same":
                pytest.skip("`same` padding has no torch equivalent for every stride")
            modules[row.name] = getattr(nn, f"Conv{rank}d")(
                shape[0],
                kind.filters,  # type: ignore[attr-defined]
                kind.kernel,  # type: ignore[attr-defined]
                kind.stride,  # type: ignore[attr-defined]
                pad,
                kind.dilation,  # type: ignore[attr-defined]
                kind.groups,  # type: ignore[attr-defined]
                kind.bias,  # type: ignore[attr-defined]
            )
        elif t == "pool":
            cls = getattr(nn, f"{'Max' if kind.mode == 'max' else 'Avg'}Pool{rank}d")  # type: ignore[attr-defined]
            modules[row.name] = cls(kind.size, kind.stride, kind.padding, ceil_mode=kind.ceil)  # type: ignore[attr-defined]
        elif t == "global_pool":
            cls = getattr(nn, f"Adaptive{'Max' if kind.mode == 'max' else 'Avg'}Pool{rank}d")  # type: ignore[attr-defined]
            modules[row.name] = cls(1)
        elif t == "adaptive_pool":
            cls = getattr(nn, f"Adaptive{'Max' if kind.mode == 'max' else 'Avg'}Pool{rank}d")  # type: ignore[attr-defined]
            modules[row.name] = cls(kind.size)  # type: ignore[attr-defined]
        elif t == "dense":
            inputs = 1
            for n in shape:
                inputs *= n
            modules[row.name] = nn.Sequential(
                nn.Flatten(),
                nn.Linear(inputs, kind.units, kind.bias),  # type: ignore[attr-defined]
            )
        elif t == "batchnorm":
            modules[row.name] = getattr(nn, f"BatchNorm{rank}d")(shape[0], affine=kind.affine)  # type: ignore[attr-defined]
        elif t == "activation":
            fn = kind.fn  # type: ignore[attr-defined]
            table = {"relu": nn.ReLU(), "relu6": nn.ReLU6(), "tanh": nn.Tanh(),
                     "sigmoid": nn.Sigmoid(), "softmax": nn.Softmax(dim=1)}  # fmt: skip
            if fn not in table:
                pytest.skip(f"no module mapped for {fn}")
            modules[row.name] = table[fn]
        elif t == "dropout":
            modules[row.name] = nn.Dropout(kind.rate)  # type: ignore[attr-defined]
        elif t == "prelu":
            modules[row.name] = nn.PReLU(kind.num_parameters)  # type: ignore[attr-defined]
        elif t == "flatten":
            modules[row.name] = nn.Flatten()
        elif t == "lrn":
            modules[row.name] = nn.LocalResponseNorm(kind.size)  # type: ignore[attr-defined]
        elif t in ("layernorm", "groupnorm", "instancenorm", "scale", "channel_shuffle"):
            from test_torch_oracle import TRANSLATE  # the oracle's modules, one definition

            settings = {field.name: getattr(kind, field.name) for field in kind.fields}
            modules[row.name] = TRANSLATE[t](settings, torch.zeros(1, *shape)).module
        elif t == "crop":
            from test_torch_oracle import crop_tensor

            class Crop(nn.Module):  # type: ignore[misc]
                def __init__(self, settings: dict[str, Any], like: Any) -> None:
                    super().__init__()
                    self.settings, self.like = settings, like

                def forward(self, x: Any) -> Any:
                    return crop_tensor(self.settings, [x, *self.like])

            settings = {"like": kind.like, "amount": kind.amount}  # type: ignore[attr-defined]
            like = [torch.zeros(1, *s) for s in row.input_shapes[1:]]
            modules[row.name] = Crop(settings, like)
        elif t in ("add", "concat", "multiply", "split"):
            continue
        else:
            pytest.skip(f"no torch module mapped for {t}")

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = nn.ModuleDict({k.replace(".", "_"): m for k, m in modules.items()})

        def forward(self, x: Any) -> Any:
            values = {"input": x}
            for row in analysis.layers:
                args = [values[name] for name in row.inputs]
                if row.type == "add":
                    out = args[0]
                    for other in args[1:]:
                        out = out + other
                elif row.type == "concat":
                    out = torch.cat(args, dim=1)
                elif row.type == "split":
                    from test_torch_oracle import split_parts

                    out = args[0]
                    kind = by_name[row.name].kind
                    settings = {"sizes": kind.sizes, "parts": kind.parts}  # type: ignore[attr-defined]
                    values.update(split_parts(row.name, settings, out))
                elif row.type == "multiply":
                    out = args[0]
                    for other in args[1:]:
                        out = out * other
                else:
                    out = self.layers[row.name.replace(".", "_")](args[0])
                values[row.name] = out
            return values[analysis.layers[-1].name]

    return Net().eval()


SMALL_NET = {
    "name": "mixed",
    "input": [3, 32, 32],
    "layers": [
        {"name": "c1", "type": "conv", "filters": 8, "kernel": 3, "padding": 1},
        {"name": "bn1", "type": "batchnorm"},
        {"name": "r1", "type": "activation", "fn": "relu"},
        {"name": "ap", "type": "pool", "size": 2, "mode": "avg"},
        {"name": "c2", "type": "conv", "filters": 8, "kernel": 3, "padding": 1, "bias": False},
        {"name": "bn2", "type": "batchnorm", "affine": False},
        {"name": "sum", "type": "add", "inputs": ["bn2", "ap"]},
        {"name": "mp", "type": "pool", "size": 3, "stride": 2, "ceil": True},
        {"name": "c3", "type": "conv", "filters": 16, "kernel": 1, "groups": 2},
        {"name": "cat", "type": "concat", "inputs": ["c3", "mp"]},
        {"name": "gap", "type": "global_pool"},
        {"name": "fc", "type": "dense", "units": 10},
        {"name": "sm", "type": "activation", "fn": "softmax"},
    ],
}

PRELU_NET = {
    "name": "prelu",
    "input": [3, 16, 16],
    "layers": [
        {"name": "c1", "type": "conv", "filters": 8, "kernel": 3, "padding": 1},
        {"name": "p1", "type": "prelu", "num_parameters": 8},
        {"name": "c2", "type": "conv", "filters": 4, "kernel": 3},
        {"name": "p2", "type": "prelu"},
        {"name": "flat", "type": "flatten"},
        {"name": "fc", "type": "dense", "units": 10},
        {"name": "p3", "type": "prelu", "num_parameters": 10},
    ],
}

AUDIO_NET = {  # SMALL_NET's middle on a C×L input, plus adaptive pools
    "name": "mixed 1-D",
    "input": [2, 400],
    "layers": [
        {"name": "c1", "type": "conv", "filters": 8, "kernel": 9, "stride": 2, "padding": 4},
        *SMALL_NET["layers"][1:10],  # batchnorm, relu, pools, conv, add, concat
        {"name": "adp", "type": "adaptive_pool", "size": 7, "mode": "avg"},
        {"name": "mxp", "type": "adaptive_pool", "size": 3, "mode": "max"},
        {"name": "gap", "type": "global_pool"},
        {"name": "fc", "type": "dense", "units": 10},
    ],
}

VIDEO_NET = {  # the same on a C×D×H×W input, with per-axis kernels and strides
    "name": "mixed 3-D",
    "input": [3, 8, 24, 24],
    "layers": [
        {"name": "c1", "type": "conv", "filters": 8, "kernel": [3, 5, 5], "stride": [1, 2, 2],
         "padding": [1, 2, 2]},
        *SMALL_NET["layers"][1:3],
        {"name": "ap", "type": "pool", "size": [1, 2, 2], "mode": "avg"},
        *SMALL_NET["layers"][4:10],
        {"name": "adp", "type": "adaptive_pool", "size": [2, 2, 2], "mode": "avg"},
        {"name": "gap", "type": "global_pool", "mode": "max"},
        {"name": "fc", "type": "dense", "units": 10},
    ],
}  # fmt: skip

# ConvNeXt's and squeeze-and-excitation's newer kinds, each setting the tools tell apart.
NEWER_NET = {
    "name": "newer",
    "input": [3, 16, 16],
    "layers": [
        {"name": "c1", "type": "conv", "filters": 8, "kernel": 3, "padding": 1},
        {"name": "ln", "type": "layernorm"},
        {"name": "ln_plain", "type": "layernorm", "affine": False},
        {"name": "ln_sample", "type": "layernorm", "over": "sample"},
        {"name": "gn", "type": "groupnorm", "groups": 2},
        {"name": "gn_plain", "type": "groupnorm", "groups": 4, "affine": False},
        {"name": "in", "type": "instancenorm"},
        {"name": "in_affine", "type": "instancenorm", "affine": True},
        {"name": "in_tracked", "type": "instancenorm", "track_running_stats": True},
        {"name": "ls", "type": "scale"},
        {"name": "sh", "type": "channel_shuffle", "groups": 4},
        {"name": "gap", "type": "global_pool"},
        {"name": "fc1", "type": "conv", "filters": 2, "kernel": 1, "trainable": False},
        {"name": "fc2", "type": "conv", "filters": 8, "kernel": 1},
        {"name": "gate", "type": "multiply", "inputs": ["sh", "fc2"]},
        {"name": "smaller", "type": "pool", "size": 3, "stride": 1},
        {"name": "skip", "type": "crop", "input": "gate", "like": "smaller"},
        {"name": "cut", "type": "crop", "amount": [1, [0, 2]]},
        {"name": "halves", "type": "split", "parts": 2},
        {"name": "branch", "type": "conv", "filters": 4, "kernel": 1, "input": "halves.1"},
        {"name": "joined", "type": "concat", "inputs": ["halves.0", "branch"]},
        {"name": "uneven", "type": "split", "sizes": [3, 5]},
        {"name": "rest", "type": "layernorm", "input": "uneven.1"},
        {"name": "pool", "type": "global_pool"},
        {"name": "fc", "type": "dense", "units": 10},
        {"name": "ln_vector", "type": "layernorm"},
    ],
}

NETWORKS: list[tuple[str, Any, tuple[int, ...] | None]] = [
    ("mixed", SMALL_NET, None),
    ("mixed 1-D", AUDIO_NET, None),
    ("mixed 3-D", VIDEO_NET, None),
    ("prelu", PRELU_NET, None),
    ("newer", NEWER_NET, None),
    ("lenet", "lenet", None),
    ("alexnet", "alexnet", None),
    ("resnet18@64", "resnet18", (3, 64, 64)),
]


def _load(source: Any, input_shape: tuple[int, ...] | None, count: str) -> Any:
    if isinstance(source, dict):
        arch = from_dict(source)
    else:
        try:
            arch = cnncalc.bundled(source)
        except cnncalc.CnncalcError:
            pytest.skip(f"the bundled {source} is not available")
    return arch, cnncalc.analyse(arch, input_shape, count=count)


def _measure(tool: str, source: Any, input_shape: tuple[int, ...] | None) -> tuple[int, int]:
    torch = pytest.importorskip("torch")
    arch, analysis = _load(source, input_shape, tool)
    model = _torch_model(analysis, arch)
    x = torch.zeros(1, *analysis.input)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if tool == "torchinfo":
            torchinfo = pytest.importorskip("torchinfo")
            measured = torchinfo.summary(model, input_data=x, verbose=0).total_mult_adds
        elif tool == "fvcore":
            flop_count = pytest.importorskip("fvcore.nn")
            counter = flop_count.FlopCountAnalysis(model, x)
            counter.unsupported_ops_warnings(False)
            counter.uncalled_modules_warnings(False)
            measured = counter.total()
        else:
            thop = pytest.importorskip("thop")
            measured = thop.profile(model, inputs=(x,), verbose=False)[0]
    return int(measured), analysis.totals.ops


@pytest.mark.parametrize("tool", ["torchinfo", "fvcore", "thop"])
@pytest.mark.parametrize(("label", "source", "input_shape"), NETWORKS, ids=[n[0] for n in NETWORKS])
def test_presets_reproduce_the_installed_tools(
    tool: str, label: str, source: Any, input_shape: tuple[int, ...] | None
) -> None:
    measured, preset = _measure(tool, source, input_shape)
    assert preset == measured, (tool, label)


def test_prelu_flops_count_one_activation_per_unit() -> None:
    # max(0, x) + a·min(0, x) counts as one activation per unit, as leaky_relu does:
    # 4·5·5 = 100 units, no multiply-accumulates.
    arch = from_dict(
        {"name": "p", "input": [4, 5, 5], "layers": [{"type": "prelu", "num_parameters": 4}]}
    )
    assert cnncalc.analyse(arch, count="flops").totals.ops == 100


def test_newer_kinds_flops_by_hand() -> None:
    # On 8×4×4 = 128 units. layernorm with affine: mean 1 + variance 3 + normalise 2
    # + scale and shift 2 = 8 per unit = 1,024; groupnorm without affine 6 per unit =
    # 768; instancenorm with running statistics folded as batchnorm's, 2 per unit =
    # 256; layer scale 1 multiply per unit = 128; shuffle 0; a gate of two inputs 1
    # product per unit = 128.
    arch = from_dict(
        {
            "name": "n",
            "input": [8, 4, 4],
            "layers": [
                {"name": "ln", "type": "layernorm"},
                {"name": "gn", "type": "groupnorm", "groups": 2, "affine": False},
                {"name": "in", "type": "instancenorm", "track_running_stats": True},
                {"name": "ls", "type": "scale"},
                {"name": "sh", "type": "channel_shuffle", "groups": 2},
                {"name": "gate", "type": "multiply", "inputs": ["ln", "sh"]},
            ],
        }
    )
    got = {row.name: row.ops for row in cnncalc.analyse(arch, count="flops").layers}
    assert got == {"ln": 1_024, "gn": 768, "in": 256, "ls": 128, "sh": 0, "gate": 128}


def test_frozen_layers_count_as_torchinfo_reports_them() -> None:
    # torchinfo's "Trainable params" leaves out parameters with requires_grad=False;
    # cnncalc's non-trainable adds the running statistics (buffers, which torchinfo
    # does not list) to the frozen parameters.
    pytest.importorskip("torch")
    torchinfo = pytest.importorskip("torchinfo")
    import torch

    arch, analysis = _load(NEWER_NET, None, "macs")
    model = _torch_model(analysis, arch)
    for layer in arch.layers:
        if not layer.trainable:
            for parameter in model.layers[layer.name].parameters():
                parameter.requires_grad_(False)
    summary = torchinfo.summary(model, input_data=torch.zeros(1, *analysis.input), verbose=0)
    statistics = sum(
        b.numel() for name, b in model.named_buffers() if name.endswith(("_mean", "_var"))
    )
    assert analysis.totals.params == summary.trainable_params
    frozen = summary.total_params - summary.trainable_params
    assert frozen == 18  # fc1: 2 filters × (1·1·8 + 1)
    assert analysis.totals.non_trainable == frozen + statistics
