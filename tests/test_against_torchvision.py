"""The bundled torchvision-family networks against torchvision's own models, module by module.

tests/test_torch_oracle.py checks cnncalc's arithmetic: it builds torch modules from the
settings in *our* files. This file checks our transcription: it builds the network with
torchvision 0.28.0's own builder (`weights=None`, the release matching torch 2.13.0) and
matches every torchvision module that holds parameters or does multiply-accumulates to one
cnncalc layer with the same
- parameters (the module's own, `recurse=False`: ConvNeXt's layer scale lives on its block),
- running statistics (BatchNorm's running mean and variance, cnncalc's non-trainable count),
- multiply-accumulates (torch.utils.flop_counter, FLOPs / 2, the module's own share), and
- output elements (ConvNeXt's linear layers work channels-last, so the element count is
  compared rather than the layout).
The two sides must be equal as multisets: every module has its layer and no layer is left
over, whatever order each side lists them in (branches of Inception run in either order).

Then the `--count` presets against what torchinfo, fvcore and thop print for torchvision's
own model (not a model rebuilt from our file, as tests/test_conventions.py does): equal,
except where torchvision's code hides a layer from a tool or shows it otherwise, which
`TOOL_DIFFERS` states row by row.

The models and their inputs are tests/torchvision_models.py's, which says how torchvision
imports beside the CPU torch.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import torchvision_models

torch = pytest.importorskip("torch")
torchvision_models.import_torchvision()

from torch import nn  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from cnncalc.figures.analysis import LayerResult, analyse  # noqa: E402
from cnncalc.reading import catalog  # noqa: E402

# (params, running statistics, MACs, output elements) of one module or layer.
Figures = tuple[int, int, int, int]

NETWORKS = torchvision_models.NETWORKS

# Modules whose output the forward pass never produces in eval mode: run on the tensor
# their parent hands them in training, so that they are measured too.
# bundled name: (head module, module it reads)
EXTRA_HEADS: dict[str, tuple[str, str]] = {"inception_v3": ("AuxLogits", "Mixed_6e")}


def _own_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters(recurse=False))


def _running_statistics(module: nn.Module) -> int:
    return sum(
        b.numel()
        for name, b in module.named_buffers(recurse=False)
        if name in ("running_mean", "running_var")
    )


def torchvision_figures(name: str) -> Counter[Figures]:
    """Every module of torchvision's model that has parameters or MACs, measured by torch."""
    shape = torchvision_models.input_shape(name)
    with torch.device("meta"):
        model = torchvision_models.build(name).eval()
    elements: dict[str, int] = {}
    outputs: dict[str, Any] = {}

    def hook(path: str) -> Callable[..., None]:
        def record(module: nn.Module, args: Any, output: Any) -> None:
            elements[path] = output.numel()
            outputs[path] = output

        return record

    modules = dict(model.named_modules())
    for path, module in modules.items():
        module.register_forward_hook(hook(path))
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(torch.zeros(1, *shape, device="meta"))
        if name in EXTRA_HEADS:
            head, reads = EXTRA_HEADS[name]
            modules[head](outputs[reads])
    # Per module, its children included, keyed by the path below the model's class name.
    counts = counter.get_flop_counts()
    root = type(model).__name__

    def flops_of(path: str) -> int:
        return sum(counts.get(f"{root}.{path}" if path else root, {}).values())

    # An extra head runs outside its parent's forward, so the parent's count lacks it.
    outside = {EXTRA_HEADS[name][0]} if name in EXTRA_HEADS else set()
    figures: Counter[Figures] = Counter()
    for path, module in modules.items():
        children = (f"{path}.{child}" if path else child for child, _ in module.named_children())
        flops = flops_of(path) - sum(flops_of(c) for c in children if c not in outside)
        own = (_own_parameters(module), _running_statistics(module), flops // 2)
        if own != (0, 0, 0):
            assert path in elements, f"{path} never ran: add it to EXTRA_HEADS"
            figures[(*own, elements[path])] += 1
    return figures


def cnncalc_figures(name: str) -> Counter[Figures]:
    figures: Counter[Figures] = Counter()
    for row in analyse(catalog.load(name)).layers:
        own = (row.params, row.non_trainable, row.macs)
        if own != (0, 0, 0):
            elements = 1
            for size in row.output:
                elements *= size
            figures[(*own, elements)] += 1
    return figures


def test_every_torchvision_family_network_is_in_the_table() -> None:
    # A bundled network described as torchvision's is compared here.
    assert set(torchvision_models.torchvision_family()) <= set(NETWORKS)


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_bundled_network_matches_torchvision_module_by_module(name: str) -> None:
    ours, theirs = cnncalc_figures(name), torchvision_figures(name)
    assert ours - theirs == Counter(), "cnncalc layers without a torchvision module"
    assert theirs - ours == Counter(), "torchvision modules without a cnncalc layer"


# --- the --count presets against the tools run on torchvision's models -----------------
# Each function: for one of our rows, what the tool counts minus what our preset counts,
# where torchvision's code hides something from the tool (or shows it more).


def _global_pool(row: LayerResult) -> int:
    return -row.ops if row.type == "global_pool" else 0


def _auxiliary_head(row: LayerResult) -> int:
    return -row.ops if row.name.startswith("AuxLogits.") else 0


def _inception_thop(row: LayerResult) -> int:
    # Inception's branch pools are `F.max_pool2d` / `F.avg_pool2d` calls, not modules.
    functional_pool = row.type == "pool" and row.name.startswith("Mixed_")
    return -row.ops if functional_pool else _auxiliary_head(row)


def _linear_once_per_sample(row: LayerResult) -> int:
    # ConvNeXt's block.3 and block.5 are nn.Linear on channels-last maps (1×1 convs in our
    # file); torchinfo counts a Linear's weights and bias once per sample, not per position.
    return row.params - row.ops if re.search(r"\.block\.[35]$", row.name) else 0


def _block_layernorm(row: LayerResult) -> int:
    # Our layernorm over the channels follows torchvision's LayerNorm2d, a class thop does
    # not know (0); ConvNeXt's blocks use nn.LayerNorm after a permute instead, which thop's
    # count_normalization counts 2 per unit, doubled with the affine transform.
    if row.type == "layernorm" and ".block." in row.name:
        elements = 1
        for size in row.output:
            elements *= size
        return 4 * elements
    return 0


def _conv3d_subclass(row: LayerResult) -> int:
    # torchvision's Conv3DSimple, a subclass of nn.Conv3d: thop looks modules up by their
    # exact class, so it counts the stem and shortcuts (plain nn.Conv3d) but not these.
    return -row.ops if re.fullmatch(r"layer\d\.\d\.conv\d\.0", row.name) else 0


# (bundled name, tool): the tool's count minus our preset's, row by row.
TOOL_DIFFERS: dict[tuple[str, str], Callable[[LayerResult], int]] = {
    # An eval-mode forward skips the auxiliary classifier.
    ("inception_v3", "torchinfo"): _auxiliary_head,
    ("inception_v3", "fvcore"): _auxiliary_head,
    ("inception_v3", "thop"): _inception_thop,
    # `x.mean([2, 3])` is a function, not a module: neither tool counts it.
    ("shufflenet_v2_x1_0", "fvcore"): _global_pool,
    ("shufflenet_v2_x1_0", "thop"): _global_pool,
    # `F.adaptive_avg_pool2d` called as a function: fvcore traces it, thop counts modules.
    ("mobilenet_v2", "thop"): _global_pool,
    ("densenet121", "thop"): _global_pool,
    ("convnext_tiny", "torchinfo"): _linear_once_per_sample,
    ("convnext_tiny", "thop"): _block_layernorm,
    ("r3d_18", "thop"): _conv3d_subclass,
}

# The new networks and those where a tool misses something; the rest are covered on
# models rebuilt from our files by tests/test_conventions.py.
PRESET_NETWORKS = (
    "efficientnet_b0",
    "mobilenet_v3_small",
    "convnext_tiny",
    "shufflenet_v2_x1_0",
    "inception_v3",
    "r3d_18",
    "mobilenet_v2",
    "densenet121",
)


def tool_count(tool: str, name: str) -> int:
    """What the tool prints for torchvision's model (on the CPU: the tools run it)."""
    shape = torchvision_models.input_shape(name)
    model = torchvision_models.build(name).eval()
    x = torch.zeros(1, *shape)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if tool == "torchinfo":
            torchinfo = pytest.importorskip("torchinfo")
            return int(torchinfo.summary(model, input_data=x, verbose=0).total_mult_adds)
        if tool == "fvcore":
            fvcore = pytest.importorskip("fvcore.nn")
            counter = fvcore.FlopCountAnalysis(model, x)
            counter.unsupported_ops_warnings(False)
            counter.uncalled_modules_warnings(False)
            return int(counter.total())
        thop = pytest.importorskip("thop")
        return int(thop.profile(model, inputs=(x,), verbose=False)[0])


@pytest.mark.parametrize("tool", ["torchinfo", "fvcore", "thop"])
@pytest.mark.parametrize("name", PRESET_NETWORKS)
def test_presets_equal_the_tools_on_torchvision_models(name: str, tool: str) -> None:
    rows = analyse(catalog.load(name), count=tool).layers
    differs = TOOL_DIFFERS.get((name, tool), lambda row: 0)
    assert tool_count(tool, name) == sum(row.ops + differs(row) for row in rows)
