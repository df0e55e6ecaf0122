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

from collections.abc import Sequence

from cnncalc.model.layers.base import (
    Figures,
    LayerError,
    LayerKind,
    Note,
    Shape,
    chw,
    dense_equivalent,
    units,
)
from cnncalc.model.layers.steps import Step, channels_step, dense_step, n, neurons_step, step
from cnncalc.reading import fields as f


def transposed_size(
    size: int, kernel: int, stride: int, padding: int, output_padding: int, dilation: int
) -> int:
    """(W − 1)·S − 2P + D·(F − 1) + output_padding + 1."""
    return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1


class ConvTranspose(LayerKind):
    type_name = "conv_transpose"
    fields = (
        f.Field("filters", f.positive),
        f.Field("kernel", f.positive_pair),
        f.Field("stride", f.positive_pair, (1, 1)),
        f.Field("padding", f.non_negative_pair, (0, 0), "cropped from each side of the output"),
        f.Field("output_padding", f.non_negative_pair, (0, 0), "added to one side only"),
        f.Field("dilation", f.positive_pair, (1, 1)),
        f.Field("groups", f.positive, 1),
        f.Field("bias", f.boolean, True),
    )

    filters: int
    kernel: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int]
    output_padding: tuple[int, int]
    dilation: tuple[int, int]
    groups: int
    bias: bool

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        channels, h, w = chw(inputs[0], "conv_transpose")
        if channels % self.groups or self.filters % self.groups:
            raise LayerError(
                f"groups {self.groups} must divide both the input channels ({channels}) "
                f"and the filters ({self.filters})",
                "groups",
            )
        sizes = []
        for axis, size in enumerate((h, w)):
            extra = self.output_padding[axis]
            if extra and extra >= self.stride[axis] and extra >= self.dilation[axis]:
                raise LayerError(
                    f"output_padding {extra} must be smaller than the stride "
                    f"({self.stride[axis]}) or the dilation ({self.dilation[axis]})",
                    "output_padding",
                )
            out = transposed_size(
                size,
                self.kernel[axis],
                self.stride[axis],
                self.padding[axis],
                extra,
                self.dilation[axis],
            )
            if out < 1:
                raise LayerError(
                    f"padding {self.padding[axis]} crops the whole {size}-wide input's output "
                    f"(size {out}); use less padding",
                    "padding",
                )
            sizes.append(out)
        return (self.filters, sizes[0], sizes[1])

    # window(): the default, receptive.UNMAPPED: output positions read a varying number
    # of inputs (fractional stride), so no receptive field is reported past this layer.

    def figures(self, inputs: Sequence[Shape], output: Shape) -> Figures:
        channels, h, w = chw(inputs[0], "conv_transpose")
        kh, kw = self.kernel
        # Weight tensor Cin × Cout/groups × kh × kw: as many weights as a conv Cin→Cout.
        weights = channels * (self.filters // self.groups) * kh * kw
        bias = self.filters if self.bias else 0
        fan_in = kh * kw * (channels // self.groups)
        unshared = output[1] * output[2] * self.filters * (fan_in + (1 if self.bias else 0))
        return Figures(
            params=weights + bias,
            params_unshared=unshared,
            params_dense=dense_equivalent(inputs, output, self.bias),
            connections=unshared,
            macs=h * w * weights,
        )

    def derivation(self, inputs: Sequence[Shape], output: Shape) -> list[Step]:
        channels, h, w = chw(inputs[0], "conv_transpose")
        steps = []
        for i, (axis, size) in enumerate((("height", h), ("width", w))):
            d, extra = self.dilation[i], self.output_padding[i]
            symbol = "H" if axis == "height" else "W"
            formula = f"({symbol} − 1) × S − 2P + " + ("D × (F − 1)" if d > 1 else "(F − 1)")
            text = f"({n(size)} − 1) × {n(self.stride[i])} − 2 × {n(self.padding[i])} + " + (
                f"{n(d)} × ({n(self.kernel[i])} − 1)" if d > 1 else f"({n(self.kernel[i])} − 1)"
            )
            if extra:
                formula += " + output_padding"
                text += f" + {n(extra)}"
            steps.append(step(f"output_{axis}", formula + " + 1", text + " + 1", output[1 + i]))
        kh, kw = self.kernel
        kernel = "F × F" if kh == kw else "Fh × Fw"
        per_group = " / groups" if self.groups > 1 else ""
        groups_text = f" / {n(self.groups)}" if self.groups > 1 else ""
        fan_in = kh * kw * (channels // self.groups)
        bias, b = (" + 1", 1) if self.bias else ("", 0)
        neurons = units(output)
        unshared = step(
            "params_unshared",
            f"neurons × ({kernel} × Cin{per_group}{bias})",
            f"{n(neurons)} × ({n(kh)} × {n(kw)} × {n(channels)}{groups_text}{bias})",
            neurons * (fan_in + b),
            "as the equivalent direct conv over the zero-upsampled input",
        )
        weights = f"Cin × filters{per_group} × {kernel}"
        weights_text = f"{n(channels)} × {n(self.filters)}{groups_text} × {n(kh)} × {n(kw)}"
        return [
            *steps,
            channels_step("filters", n(self.filters), self.filters),
            neurons_step(output),
            unshared,
            step(
                "params",
                weights + (" + filters" if self.bias else ""),
                weights_text + (f" + {n(self.filters)}" if self.bias else ""),
                channels * (self.filters // self.groups) * kh * kw + b * self.filters,
                "the weight tensor is Cin × Cout/groups × kh × kw",
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
                f"H_in × W_in × {weights}",
                f"{n(h)} × {n(w)} × {weights_text}",
                h * w * channels * (self.filters // self.groups) * kh * kw,
                "every input unit times the weights it feeds",
            ),
        ]
