"""Named counting conventions: what "MACs" or "FLOPs" means, said out loud.

Each layer kind reports its `Operations` (`LayerKind.operations`): the arithmetic it
does besides its multiply-accumulates, and what torchinfo, fvcore and thop print for
the PyTorch module it corresponds to. A convention combines a layer's MACs (the
`macs` figure of docs/figures.md) with those terms; nothing here looks at a layer's type.

- ``macs`` (default): conv, dense and rbf multiply-accumulates — the `macs` figure,
  which is what torchvision publishes as "GFLOPS" (`_ops`).
- ``flops``: 2 × MACs (a multiply and an add each, the tf.profiler and
  torch.utils.flop_counter convention) plus one addition per biased output unit, plus
  normalisation (batchnorm 2 per unit at inference, folded into a scale and a shift;
  lrn 2·size + 3 per unit), pooling (max: size² − 1 comparisons per output unit; avg:
  size² − 1 additions and 1 division), activations (1 per unit, any function but
  identity/linear), residual additions ((inputs − 1) per unit of an `add`), and the
  rest of the LeNet-5 kinds (subsample: window sum, 1 coefficient multiply and the
  bias; rbf: 1 subtraction per weight, besides its multiply-accumulates).
- ``torchinfo``: its "Mult-Adds" — every weight and bias tensor times the output
  positions for modules whose class name contains "Conv", times the batch (1)
  otherwise: so biases count, and batchnorm adds 2·C. Nothing else counts.
- ``fvcore``: `FlopCountAnalysis` (fvcore 0.1.5, model in eval mode): conv and linear
  multiply-accumulates without bias, batchnorm 2 per unit (1 without affine),
  adaptive average pooling 1 per input unit; max and avg pooling, activations, adds
  and LRN are skipped.
- ``thop``: `thop.profile` (0.1.1): conv and linear multiply-accumulates without bias,
  batchnorm 4 per unit (2 without affine), avg pooling 1 per output unit, adaptive
  average pooling (window + 1) per output unit, softmax 3·n − 1 per vector of n,
  PReLU 1 per unit; ReLU, max pooling, dropout, adds and modules it does not know
  (LRN, LeNet-5's subsample and rbf) are 0.
"""

from __future__ import annotations

from collections.abc import Callable

from cnncalc.fields import lookup
from cnncalc.record import Record


class Operations(Record):
    """A layer's arithmetic besides its multiply-accumulates, and other tools' counts."""

    __slots__ = (
        "activation",
        "bias",  # one addition per output unit that has a bias
        "fvcore",
        "merge",  # elementwise additions of an `add`
        "normalisation",
        "other",  # the rest, each kind documents it
        "pooling",
        "thop",
        "torchinfo",
    )

    def __init__(
        self,
        bias: int = 0,
        normalisation: int = 0,
        pooling: int = 0,
        activation: int = 0,
        merge: int = 0,
        other: int = 0,
        torchinfo: int = 0,
        fvcore: int = 0,
        thop: int = 0,
    ) -> None:
        self.bias = bias
        self.normalisation = normalisation
        self.pooling = pooling
        self.activation = activation
        self.merge = merge
        self.other = other
        self.torchinfo = torchinfo
        self.fvcore = fvcore
        self.thop = thop

    def extra_flops(self) -> int:
        """Everything `flops` adds to 2 × MACs."""
        return (
            self.bias + self.normalisation + self.pooling + self.activation + self.merge
        ) + self.other


FLOPS_TERMS = ("bias", "normalisation", "pooling", "activation", "merge", "other")


class Convention(Record):
    __slots__ = ("count", "header", "name", "summary")

    def __init__(
        self,
        name: str,
        header: str,  # the table column
        summary: str,  # one line for the table caption and `explain`
        count: Callable[[int, Operations], int],  # (macs, operations) -> the figure
    ) -> None:
        self.name = name
        self.header = header
        self.summary = summary
        self.count = count


CONVENTIONS: dict[str, Convention] = {
    c.name: c
    for c in (
        Convention(
            "macs",
            "MACs",
            "macs: conv and dense multiply-accumulates (torchvision's published GFLOPS)",
            lambda macs, ops: macs,
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
