"""Transposed convolution ("deconvolution"): the gradient of a conv, used to upsample.

Counting it is a classic trap: the output size is not the conv formula, the weight is
Cin × Cout/groups × kh × kw, and tools disagree on the multiply-accumulates. Here:

- output, per axis: (W − 1)·S − 2P + D·(F − 1) + output_padding + 1 (PyTorch's rule);
- macs: the products the layer computes, every input unit times the F·F·Cout/groups
  weights it feeds: H_in·W_in·Cin·(Cout/groups)·kh·kw (what torch.utils.flop_counter
  counts; multiplying by the output size instead counts the inserted zeros too);
- connections and params_unshared: the equivalent direct conv over the zero-upsampled
  input, where, as for conv, padded (here also inserted) positions count as links:
  H_out·W_out·Cout·(kh·kw·Cin/groups + bias).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from cnncalc.model.layers.base import (
    Figures,
    LayerError,
    LayerKind,
    Note,
    Shape,
    dense_equivalent,
    expand,
    spatial,
    units,
)
from cnncalc.model.layers.steps import (
    SYMBOLS,
    Step,
    axis_names,
    channels_step,
    dense_step,
    kernel_formula,
    n,
    neurons_step,
    positions_formula,
    step,
    times,
)
from cnncalc.model.shapes import PerAxis
from cnncalc.reading import fields as f
from cnncalc.record import Record


class Settings(Record):
    """The per-axis settings spread over the input's spatial axes."""

    sizes: tuple[int, ...]
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[int, ...]
    output_padding: tuple[int, ...]
    dilation: tuple[int, ...]


def transposed_size(
    size: int, kernel: int, stride: int, padding: int, output_padding: int, dilation: int
) -> int:
    """(W − 1)·S − 2P + D·(F − 1) + output_padding + 1."""
    return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1


class ConvTranspose(LayerKind):
    type_name = "conv_transpose"
    fields = (
        f.Field("filters", f.positive),
        f.Field("kernel", f.positive_axes),
        f.Field("stride", f.positive_axes, 1),
        f.Field("padding", f.non_negative_axes, 0, "cropped from each side of the output"),
        f.Field("output_padding", f.non_negative_axes, 0, "added to one side only"),
        f.Field("dilation", f.positive_axes, 1),
        f.Field("groups", f.positive, 1),
        f.Field("bias", f.boolean, True),
    )

    filters: int
    kernel: PerAxis
    stride: PerAxis
    padding: PerAxis
    output_padding: PerAxis
    dilation: PerAxis
    groups: int
    bias: bool

    def settings(self, shape: Shape) -> Settings:
        sizes = spatial(shape, "conv_transpose")[1]
        return Settings(
            sizes,
            *(
                expand(getattr(self, name), shape, name)
                for name in ("kernel", "stride", "padding", "output_padding", "dilation")
            ),
        )

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        channels = inputs[0][0]
        g = self.settings(inputs[0])
        if channels % self.groups or self.filters % self.groups:
            raise LayerError(
                f"groups {self.groups} must divide both the input channels ({channels}) "
                f"and the filters ({self.filters})",
                "groups",
            )
        sizes = []
        for axis, size in enumerate(g.sizes):
            extra = g.output_padding[axis]
            if extra and extra >= g.stride[axis] and extra >= g.dilation[axis]:
                raise LayerError(
                    f"output_padding {extra} must be smaller than the stride "
                    f"({g.stride[axis]}) or the dilation ({g.dilation[axis]})",
                    "output_padding",
                )
            out = transposed_size(
                size, g.kernel[axis], g.stride[axis], g.padding[axis], extra, g.dilation[axis]
            )
            if out < 1:
                raise LayerError(
                    f"padding {g.padding[axis]} crops the whole {size}-wide input's output "
                    f"(size {out}); use less padding",
                    "padding",
                )
            sizes.append(out)
        return (self.filters, *sizes)

    # window(): the default, receptive.UNMAPPED: output positions read a varying number
    # of inputs (fractional stride), so no receptive field is reported past this layer.

    def figures(self, inputs: Sequence[Shape], output: Shape) -> Figures:
        channels = inputs[0][0]
        window = math.prod(self.settings(inputs[0]).kernel)
        # Weight tensor Cin × Cout/groups × kernel: as many weights as a conv Cin→Cout.
        weights = channels * (self.filters // self.groups) * window
        bias = self.filters if self.bias else 0
        fan_in = window * (channels // self.groups)
        unshared = units(output) * (fan_in + (1 if self.bias else 0))
        return Figures(
            params=weights + bias,
            params_unshared=unshared,
            params_dense=dense_equivalent(inputs, output, self.bias),
            connections=unshared,
            macs=math.prod(inputs[0][1:]) * weights,
        )

    def derivation(self, inputs: Sequence[Shape], output: Shape) -> list[Step]:
        channels = inputs[0][0]
        g = self.settings(inputs[0])
        steps = []
        for i, axis in enumerate(axis_names(inputs[0])):
            d, extra, size = g.dilation[i], g.output_padding[i], g.sizes[i]
            symbol = SYMBOLS[axis]
            formula = f"({symbol} − 1) × S − 2P + " + ("D × (F − 1)" if d > 1 else "(F − 1)")
            text = f"({n(size)} − 1) × {n(g.stride[i])} − 2 × {n(g.padding[i])} + " + (
                f"{n(d)} × ({n(g.kernel[i])} − 1)" if d > 1 else f"({n(g.kernel[i])} − 1)"
            )
            if extra:
                formula += " + output_padding"
                text += f" + {n(extra)}"
            steps.append(step(f"output_{axis}", formula + " + 1", text + " + 1", output[1 + i]))
        window = math.prod(g.kernel)
        kernel = kernel_formula(g.kernel)
        per_group = " / groups" if self.groups > 1 else ""
        groups_text = f" / {n(self.groups)}" if self.groups > 1 else ""
        fan_in = window * (channels // self.groups)
        bias, b = (" + 1", 1) if self.bias else ("", 0)
        neurons = units(output)
        unshared = step(
            "params_unshared",
            f"neurons × ({kernel} × Cin{per_group}{bias})",
            f"{n(neurons)} × ({times(g.kernel)} × {n(channels)}{groups_text}{bias})",
            neurons * (fan_in + b),
            "as the equivalent direct conv over the zero-upsampled input",
        )
        weights = f"Cin × filters{per_group} × {kernel}"
        weights_text = f"{n(channels)} × {n(self.filters)}{groups_text} × {times(g.kernel)}"
        positions = positions_formula(inputs[0]).replace(" × ", "_in × ") + "_in"
        return [
            *steps,
            channels_step("filters", n(self.filters), self.filters),
            neurons_step(output),
            unshared,
            step(
                "params",
                weights + (" + filters" if self.bias else ""),
                weights_text + (f" + {n(self.filters)}" if self.bias else ""),
                channels * (self.filters // self.groups) * window + b * self.filters,
                "the weight tensor is Cin × Cout/groups × "
                + " × ".join(f"k{SYMBOLS[axis].lower()}" for axis in axis_names(inputs[0])),
            ),
            step(
                "connections",
                unshared.formula,
                unshared.substituted,
                unshared.value,
                "inserted zeros and padded positions count as links, as for conv",
            ),
            dense_step(inputs, output, self.bias),
            step(
                "macs",
                f"{positions} × {weights}",
                f"{times(g.sizes)} × {weights_text}",
                math.prod(g.sizes) * channels * (self.filters // self.groups) * window,
                "every input unit times the weights it feeds",
            ),
        ]
