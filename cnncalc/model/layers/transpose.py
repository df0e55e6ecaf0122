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
    dense_equivalent,
    expand,
    spatial,
    units,
)
from cnncalc.model.layers.steps import Step, axis_names, both_sides, output_steps
from cnncalc.model.layers.terms import NUMBERS, SYMBOLS, Numbers, Symbols
from cnncalc.model.shapes import AXIS_NAMES, PerAxis, transposed_size
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

    def output_shape(
        self, inputs: Sequence[Shape], notes: list[Note], x: Numbers = NUMBERS
    ) -> Shape:
        channels = inputs[0][0]
        g = self.settings(inputs[0])
        if channels % self.groups or self.filters % self.groups:
            raise LayerError(
                f"groups {self.groups} must divide both the input channels ({channels}) "
                f"and the filters ({self.filters})",
                "groups",
            )
        sizes = []
        for axis, (name, size) in enumerate(zip(AXIS_NAMES[len(g.sizes)], g.sizes, strict=True)):
            extra = g.output_padding[axis]
            if extra and extra >= g.stride[axis] and extra >= g.dilation[axis]:
                raise LayerError(
                    f"output_padding {extra} must be smaller than the stride "
                    f"({g.stride[axis]}) or the dilation ({g.dilation[axis]})",
                    "output_padding",
                )
            out = transposed_size(
                x,
                x.num(SYMBOLS[name], size),
                x.num("F", g.kernel[axis]),
                x.num("S", g.stride[axis]),
                both_sides(x, g.padding[axis]),
                x.num("output_padding", extra),
                x.num("D", g.dilation[axis]),
            )
            if out < 1:
                raise LayerError(
                    f"padding {g.padding[axis]} crops the whole {size}-wide input's output "
                    f"(size {out}); use less padding",
                    "padding",
                )
            sizes.append(out)
        return (x.num("filters", self.filters), *sizes)

    # window(): the default, receptive.UNMAPPED: output positions read a varying number
    # of inputs (fractional stride), so no receptive field is reported past this layer.

    def figures(self, inputs: Sequence[Shape], output: Shape, x: Numbers = NUMBERS) -> Figures:
        g = self.settings(inputs[0])
        kernel = x.kernel(g.kernel)
        cin = x.num("Cin", inputs[0][0])
        filters = x.num("filters", self.filters)
        groups = x.num("groups", self.groups)
        fan_in = kernel * cin // groups if self.groups > 1 else kernel * cin
        per_group = filters // groups if self.groups > 1 else filters
        # Weight tensor Cin × Cout/groups × kernel: as many weights as a conv Cin→Cout.
        weights = cin * per_group * kernel
        neurons = x.num("neurons", units(output))
        unshared = neurons * (fan_in + 1 if self.bias else fan_in)
        return Figures.new(
            params=weights + filters if self.bias else weights,
            params_unshared=unshared,
            params_dense=dense_equivalent(x, inputs, output, self.bias),
            connections=unshared,
            macs=x.positions(g.sizes, "_in") * weights,
        )

    def shape_steps(self, inputs: Sequence[Shape], output: Shape) -> list[Step]:
        return output_steps(self.output_shape(inputs, [], Symbols()))

    def notes(self, inputs: Sequence[Shape], output: Shape) -> dict[str, str]:
        kernel = " × ".join(f"k{SYMBOLS[axis].lower()}" for axis in axis_names(inputs[0]))
        return {
            "params_unshared": "as the equivalent direct conv over the zero-upsampled input",
            "params": f"the weight tensor is Cin × Cout/groups × {kernel}",
            "connections": "inserted zeros and padded positions count as links, as for conv",
            "macs": "every input unit times the weights it feeds",
        }
