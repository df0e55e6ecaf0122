"""Named counting conventions: what "MACs" or "FLOPs" means, said out loud.

`OPERATIONS` is one table keyed by layer type, as fvcore keeps its handles: for each
kind, the arithmetic it does besides its multiply-accumulates, and what torchinfo,
fvcore and thop print for the PyTorch module it corresponds to. A type missing from
the table does no extra arithmetic, and the tools count its parameters (torchinfo)
and its MACs (fvcore, thop). A convention combines a layer's MACs (the `macs`
figure of docs/figures.md) with those terms.

- ``macs`` (default): conv, dense and rbf multiply-accumulates — the `macs` figure,
  which is what torchvision publishes as "GFLOPS" (`_ops`).
- ``flops``: 2 × MACs (a multiply and an add each, the tf.profiler and
  torch.utils.flop_counter convention) plus one addition per biased output unit, plus
  normalisation (batchnorm 2 per unit at inference, folded into a scale and a shift;
  lrn 2·size + 3 per unit), pooling (max: size² − 1 comparisons per output unit; avg:
  size² − 1 additions and 1 division), activations (1 per unit, any function but
  identity/linear), residual additions and gates ((inputs − 1) per unit of an `add`
  or a `multiply`), layernorm, groupnorm and instancenorm 6 per unit (8 with affine;
  2 with running statistics), layer scale 1 per unit, and the rest of the LeNet-5 kinds
  (subsample: window sum, 1 coefficient multiply and the
  bias; rbf: 1 subtraction per weight, besides its multiply-accumulates).
- ``torchinfo``: its "Mult-Adds" — every weight and bias tensor times the output
  positions for modules whose class name contains "Conv", times the batch (1)
  otherwise: so biases count, and batchnorm adds 2·C. Nothing else counts.
- ``fvcore``: `FlopCountAnalysis` (fvcore 0.1.5, model in eval mode): conv and linear
  multiply-accumulates without bias, batchnorm 2 per unit (1 without affine),
  adaptive average pooling 1 per input unit, layernorm, groupnorm and instancenorm 4
  per unit (5 with affine); max and avg pooling, activations, adds, products and LRN
  are skipped.
- ``thop``: `thop.profile` (0.1.1): conv and linear multiply-accumulates without bias,
  batchnorm 4 per unit (2 without affine), avg pooling 1 per output unit, adaptive
  average pooling (window + 1) per output unit, softmax 3·n − 1 per vector of n,
  PReLU 1 per unit, nn.LayerNorm and InstanceNorm 2 per unit (4 with affine); ReLU,
  max pooling, dropout, adds, products and modules it does not know (LRN, GroupNorm,
  ConvNeXt's LayerNorm2d, LeNet-5's subsample and rbf) are 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from cnncalc.model.layers import Figures, LayerKind, Shape
from cnncalc.model.layers.base import units
from cnncalc.reading.fields import lookup
from cnncalc.record import Record


class Operations(Record):
    """A layer's arithmetic besides its multiply-accumulates, and other tools' counts."""

    bias: int = 0
    normalisation: int = 0
    pooling: int = 0
    activation: int = 0
    merge: int = 0
    other: int = 0
    torchinfo: int = 0
    fvcore: int = 0
    thop: int = 0

    def extra_flops(self) -> int:
        """Everything `flops` adds to 2 × MACs."""
        return (
            self.bias + self.normalisation + self.pooling + self.activation + self.merge
        ) + self.other


FLOPS_TERMS = ("bias", "normalisation", "pooling", "activation", "merge", "other")

# (kind, input shapes, output shape, figures) -> the kind's operations.
Handle = Callable[[Any, Sequence[Shape], Shape, Figures], Operations]


def _default(kind: Any, inputs: Sequence[Shape], output: Shape, figures: Figures) -> Operations:
    # A module whose class name has no "Conv": torchinfo counts the parameters once.
    return Operations(torchinfo=figures.params, fvcore=figures.macs, thop=figures.macs)


def _conv(kind: Any, inputs: Sequence[Shape], output: Shape, figures: Figures) -> Operations:
    bias = units(output) if kind.bias else 0
    if kind.sharing:
        # torch.nn.Conv1d/2d/3d: torchinfo multiplies weights and biases by the positions.
        torchinfo = figures.params * math.prod(output[1:])
        return Operations(bias=bias, torchinfo=torchinfo, fvcore=figures.macs, thop=figures.macs)
    # Locally connected: no torch built-in (a custom module without "Conv" in its
    # name): torchinfo counts its parameters once, thop knows no rule (0).
    return Operations(bias=bias, torchinfo=figures.params, fvcore=figures.macs)


def _conv_transpose(
    kind: Any, inputs: Sequence[Shape], output: Shape, figures: Figures
) -> Operations:
    # torchinfo: "Conv" is in ConvTranspose2d, so parameters × output positions;
    # fvcore: the MACs over input positions (as the kind counts them); thop: its conv
    # hook, i.e. output units × Cin/groups × kh × kw.
    channels = inputs[0][0]
    window = math.prod(kind.settings(inputs[0]).kernel)
    return Operations(
        bias=units(output) if kind.bias else 0,
        torchinfo=figures.params * math.prod(output[1:]),
        fvcore=figures.macs,
        thop=units(output) * (channels // kind.groups) * window,
    )


def _dense(kind: Any, inputs: Sequence[Shape], output: Shape, figures: Figures) -> Operations:
    # torch.nn.Linear: torchinfo counts weights and bias once, fvcore and thop the MACs.
    return Operations(
        bias=kind.units if kind.bias else 0,
        torchinfo=figures.params,
        fvcore=figures.macs,
        thop=figures.macs,
    )


def _rbf(kind: Any, inputs: Sequence[Shape], output: Shape, figures: Figures) -> Operations:
    # Σ (x − w)²: besides the multiply-accumulates, one subtraction per weight. Not a
    # torch built-in: fvcore and thop count 0; torchinfo counts trainable vectors
    # once (fixed ones are a buffer, not a parameter).
    return Operations(other=figures.macs, torchinfo=figures.params)


def _pool(kind: Any, inputs: Sequence[Shape], output: Shape, figures: Figures) -> Operations:
    window = math.prod(kind.geometry(inputs[0]).kernel)
    if kind.mode == "max":
        # window − 1 comparisons per output unit; torch's MaxPool2d counts 0 everywhere.
        return Operations(pooling=units(output) * (window - 1))
    # window − 1 additions and one division; thop's AvgPool2d: 1 per output unit.
    return Operations(pooling=units(output) * window, thop=units(output))


def _global_pool(kind: Any, inputs: Sequence[Shape], output: Shape, figures: Figures) -> Operations:
    # As torch.nn.AdaptiveAvgPool2d(1) / AdaptiveMaxPool2d(1).
    channels, maps = output[0], units(inputs[0])
    if kind.mode == "max":
        return Operations(pooling=maps - channels)  # H·W − 1 comparisons per map
    # H·W − 1 additions and a division per map; fvcore: 1 per input unit, but only
    # for adaptive_avg_pool2d (it has no rule for the 1-D and 3-D ops: 0); thop:
    # (H·W + 1) per output unit.
    return Operations(pooling=maps, fvcore=_fvcore_pool(inputs[0]), thop=maps + channels)


def _fvcore_pool(shape: Shape) -> int:
    """fvcore's adaptive_avg_pool2d handle: 1 per input unit; none for 1-D or 3-D."""
    return units(shape) if len(shape) == 3 else 0


def _adaptive_pool(
    kind: Any, inputs: Sequence[Shape], output: Shape, figures: Figures
) -> Operations:
    # flops: avg, window − 1 additions and a division per output unit (= the
    # connections); max, window − 1 comparisons. fvcore (adaptive_avg_pool2d): 1 per
    # input unit, 0 in 1-D and 3-D; thop (count_adap_avgpool): (H·W / (h·w) + 1) per
    # output unit.
    out = units(output)
    if kind.mode == "max":
        return Operations(pooling=figures.connections - out)
    ratio = math.prod(inputs[0][1:]) / math.prod(output[1:])
    return Operations(
        pooling=figures.connections, fvcore=_fvcore_pool(inputs[0]), thop=int((ratio + 1) * out)
    )


def _subsample(kind: Any, inputs: Sequence[Shape], output: Shape, figures: Figures) -> Operations:
    # Per output unit: the window's sum (size² − 1 additions), one multiply by the
    # map's coefficient, one bias. No torch built-in: fvcore and thop count 0,
    # torchinfo the 2·C parameters once.
    neurons = units(output)
    window = math.prod(kind.geometry(inputs[0]).kernel)
    return Operations(
        bias=neurons, pooling=neurons * (window - 1), other=neurons, torchinfo=figures.params
    )


def _upsample(kind: Any, inputs: Sequence[Shape], output: Shape, figures: Figures) -> Operations:
    # flops: nearest copies (0); bilinear 4 products and 3 additions per output unit.
    # fvcore: upsample_nearest2d 1, upsample_bilinear2d 4 per output unit; thop:
    # nearest 1, bilinear 11 per output unit.
    out = units(output)
    if kind.mode == "bilinear":
        return Operations(other=7 * out, fvcore=4 * out, thop=11 * out)
    return Operations(fvcore=out, thop=out)


def _batchnorm(kind: Any, inputs: Sequence[Shape], output: Shape, figures: Figures) -> Operations:
    # Inference: statistics folded into one scale and one shift, 2 per unit. fvcore
    # (eval): 2 per unit with affine, else 1; thop: 2 per unit, doubled with affine.
    neurons = units(output)
    return Operations(
        normalisation=2 * neurons,
        torchinfo=figures.params,
        fvcore=neurons * (2 if kind.affine else 1),
        thop=2 * neurons * (2 if kind.affine else 1),
    )


def _lrn(kind: Any, inputs: Sequence[Shape], output: Shape, figures: Figures) -> Operations:
    # Per unit: `size` squares and size − 1 additions, then × alpha, + k, ** beta and
    # a division: 2·size + 3. None of the tools counts it.
    return Operations(normalisation=units(output) * (2 * kind.size + 3))


def _activation(kind: Any, inputs: Sequence[Shape], output: Shape, figures: Figures) -> Operations:
    neurons = units(output)
    if kind.fn in ("linear", "identity"):
        return Operations()
    thop = 0  # thop: ReLU, ReLU6, LeakyReLU 0; modules it has no rule for 0
    if kind.fn == "softmax":
        # nn.Softmax over channels (units of a vector): exp, add, divide = 3n − 1
        # per vector of n values.
        vectors = neurons // output[0]
        thop = vectors * (3 * output[0] - 1)
    return Operations(activation=neurons, thop=thop)


def _prelu(kind: Any, inputs: Sequence[Shape], output: Shape, figures: Figures) -> Operations:
    # One activation per unit, as any other; thop (count_prelu): 1 per unit; fvcore
    # has no rule for aten::prelu (0); torchinfo counts the slopes once.
    return Operations(activation=units(output), torchinfo=figures.params, thop=units(output))


def _statistics(kind: Any, inputs: Sequence[Shape], output: Shape, figures: Figures) -> Operations:
    # layernorm, groupnorm, instancenorm: statistics computed at inference. flops per
    # unit: the mean (1 addition), the variance (a subtraction, a square, an addition),
    # normalising (a subtraction, a division), plus a scale and a shift with affine: 6
    # or 8; with running statistics (instancenorm's track_running_stats) they fold into
    # a scale and a shift as batchnorm's: 2. fvcore (norm_flop_counter): 4 per unit, 5
    # with affine. thop (count_normalization, by exact module class): nn.LayerNorm and
    # InstanceNormNd 2 per unit, 4 with affine; GroupNorm and ConvNeXt's LayerNorm2d
    # (a subclass) 0. torchinfo counts the parameters once.
    neurons = units(output)
    affine = bool(figures.params)
    if getattr(kind, "track_running_stats", False):
        normalisation = 2 * neurons
    else:
        normalisation = neurons * (8 if affine else 6)
    thop_class = kind.type_name == "instancenorm" or (
        kind.type_name == "layernorm" and (kind.over == "sample" or len(output) == 1)
    )
    return Operations(
        normalisation=normalisation,
        torchinfo=figures.params,
        fvcore=neurons * (5 if affine else 4),
        thop=neurons * (4 if affine else 2) if thop_class else 0,
    )


def _scale(kind: Any, inputs: Sequence[Shape], output: Shape, figures: Figures) -> Operations:
    # One multiply per unit. A parameter times a tensor is no module for fvcore or
    # thop (0); torchinfo counts only parameters named weight or bias, and layer
    # scale's is not (torchvision's CNBlock.layer_scale, timm's gamma): 0.
    return Operations(other=units(output))


def _add(kind: Any, inputs: Sequence[Shape], output: Shape, figures: Figures) -> Operations:
    # (inputs − 1) additions per unit (products for multiply); a tensor `+` or `*` is
    # no module for the tools.
    return Operations(merge=(len(inputs) - 1) * units(output))


OPERATIONS: dict[str, Handle] = {
    "conv": _conv,
    "conv_transpose": _conv_transpose,
    "dense": _dense,
    "rbf": _rbf,
    "pool": _pool,
    "global_pool": _global_pool,
    "adaptive_pool": _adaptive_pool,
    "subsample": _subsample,
    "upsample": _upsample,
    "batchnorm": _batchnorm,
    "lrn": _lrn,
    "activation": _activation,
    "prelu": _prelu,
    "add": _add,
    "multiply": _add,
    "layernorm": _statistics,
    "groupnorm": _statistics,
    "instancenorm": _statistics,
    "scale": _scale,
}


def operations(
    kind: LayerKind, inputs: Sequence[Shape], output: Shape, figures: Figures
) -> Operations:
    """What `OPERATIONS` says of this layer (the default for a type it does not list)."""
    return OPERATIONS.get(kind.type_name, _default)(kind, inputs, output, figures)


class Convention(Record):
    name: str
    header: str  # the table column
    summary: str  # one line for the table caption and `explain`
    count: Callable[[int, Operations], int]  # (macs, operations) -> the figure
    reads_operations: bool = True  # False: the figure is the MACs alone

    def figure(
        self, kind: LayerKind, inputs: Sequence[Shape], output: Shape, figures: Figures
    ) -> int:
        """This convention's count for one layer."""
        if not self.reads_operations:
            return figures.macs
        return self.count(figures.macs, operations(kind, inputs, output, figures))


CONVENTIONS: dict[str, Convention] = {
    c.name: c
    for c in (
        Convention(
            "macs",
            "MACs",
            "macs: conv and dense multiply-accumulates (torchvision's published GFLOPS)",
            lambda macs, ops: macs,
            reads_operations=False,
        ),
        Convention(
            "flops",
            "FLOPs",
            "flops: 2 × MACs + bias, normalisation, pooling, activation and residual adds",
            lambda macs, ops: 2 * macs + ops.extra_flops(),
        ),
        Convention(
            "torchinfo",
            "torchinfo\nMult-Adds",
            "torchinfo: Mult-Adds = conv weights and biases × output positions, "
            "other parameters × 1",
            lambda macs, ops: ops.torchinfo,
        ),
        Convention(
            "fvcore",
            "fvcore\nflops",
            "fvcore: conv and linear MACs without bias, batchnorm, adaptive avg pooling "
            "(eval mode)",
            lambda macs, ops: ops.fvcore,
        ),
        Convention(
            "thop",
            "thop\nMACs",
            "thop: conv and linear MACs without bias, batchnorm, avg pooling, softmax",
            lambda macs, ops: ops.thop,
        ),
    )
}

DEFAULT_COUNT = "macs"


def convention(name: str) -> Convention:
    return lookup(CONVENTIONS, name, "counting convention")
