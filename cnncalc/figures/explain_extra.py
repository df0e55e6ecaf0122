"""`explain` lines for the added figures: receptive field, jump, memory, FLOPs, ties.

Each line is a `Step` whose substituted text evaluates to its value, like the kinds'
own derivations. The numbers come from the analysis; the formulas restate the rules
of `cnncalc.model.receptive`, `cnncalc.figures.memory` and `cnncalc.figures.conventions`.
"""

from __future__ import annotations

from cnncalc.figures import memory
from cnncalc.figures.analysis import Analysis, LayerResult
from cnncalc.figures.conventions import FLOPS_TERMS, operations
from cnncalc.model.graph import evaluation_order, parts, tensor
from cnncalc.model.layers.base import Figures, units
from cnncalc.model.layers.steps import Step
from cnncalc.model.layers.terms import n
from cnncalc.model.receptive import AxisWindow
from cnncalc.model.shapes import AXIS_NAMES
from cnncalc.reading.architecture import Architecture

_LABELS = {
    "receptive_field": "receptive field",
    "jump": "jump (effective stride)",
    "activation_bytes": "output memory (bytes)",
    "live_bytes": "live memory (bytes)",
    "flops": "FLOPs",
    "params_in_totals": "parameters in the totals",
}


def _step(key: str, formula: str, substituted: str, value: int, note: str = "") -> Step:
    return Step(key, _LABELS[key], formula, substituted, value, note)


class ExtraSteps:
    """Built once per explanation: the forward pass's live sets are shared by layers."""

    def __init__(self, arch: Architecture, analysis: Analysis) -> None:
        self.arch = arch
        self.analysis = analysis
        self.rows = {row.name: row for row in analysis.layers}
        self.kinds = {layer.name: layer.kind for layer in arch.layers}
        self.order = [arch.layers[i].name for i in evaluation_order(arch)]
        value_bytes = memory.DTYPES[analysis.dtype]
        self.sizes = {row.name: row.activation_bytes for row in analysis.layers}
        self.inputs = dict(analysis.network_inputs)
        self.sizes.update(
            {name: units(shape) * value_bytes for name, shape in analysis.network_inputs}
        )
        self.parts = parts(arch)
        self.reads = {
            layer.name: tuple(tensor(n, self.parts) for n in layer.inputs) for layer in arch.layers
        }

    def _input(self, name: str) -> tuple[tuple[int, ...] | None, tuple[int, ...] | None]:
        if name in self.inputs:
            rank = len(self.inputs[name]) - 1
            one = (1,) * rank if rank else None
            return one, one
        row = self.rows[tensor(name, self.parts)]  # a split's part has the split's field
        return row.receptive_field, row.jump

    def steps(self, name: str) -> list[Step]:
        row = self.rows[name]
        return [
            *self._field_steps(row),
            *self._memory_steps(row),
            self._flops_step(row),
            *self._tie_steps(row),
        ]

    def _field_steps(self, row: LayerResult) -> list[Step]:
        if row.receptive_field is None:
            return []
        window = self.kinds[row.name].window(row.input_shapes)
        field = row.receptive_field
        axes = AXIS_NAMES.get(len(field), ()) if len(set(field)) > 1 else ("",)
        steps = []
        for axis, word in enumerate(axes):
            value = row.receptive_field[axis]
            suffix = f" ({word})" if word else ""
            fields = [self._input(source) for source in row.inputs]
            formula, text = "extent of the union of the inputs' fields", n(value)
            if len(fields) > 1:
                sizes = [f[0][axis] for f in fields if f[0] is not None]
                if max(sizes, default=0) == value:
                    formula = "largest field over the inputs (add/concat: union of paths)"
                    text = f"max({', '.join(n(s) for s in sizes)})"
            elif fields[0][0] is not None and fields[0][1] is not None:
                r_in, j_in = fields[0][0][axis], fields[0][1][axis]
                if window is None:
                    formula, text = "r_in (each output reads the same position)", n(r_in)
                elif isinstance(window, tuple):
                    w: AxisWindow = window[axis]
                    if r_in + w.dilation * (w.kernel - 1) * j_in == value:
                        formula = "r_in + D × (F − 1) × j_in"
                        text = f"{n(r_in)} + {w.dilation} × ({n(w.kernel)} − 1) × {n(j_in)}"
            steps.append(_step("receptive_field", formula + suffix, text, value))
            if row.jump is not None:
                jump = row.jump[axis]
                jump_formula, jump_text = "effective stride", n(jump)
                if len(fields) == 1 and fields[0][1] is not None and isinstance(window, tuple):
                    j_in = fields[0][1][axis]
                    if j_in * window[axis].stride == jump:
                        jump_formula = "j_in × S"
                        jump_text = f"{n(j_in)} × {n(window[axis].stride)}"
                elif len(fields) == 1 and fields[0][1] is not None and window is None:
                    jump_formula = "j_in"
                steps.append(_step("jump", jump_formula + suffix, jump_text, jump))
        return steps

    def _memory_steps(self, row: LayerResult) -> list[Step]:
        dtype = self.analysis.dtype
        size = memory.DTYPES[dtype]
        held = memory.held_while(row.name, self.order, self.reads, list(self.inputs))
        return [
            _step(
                "activation_bytes",
                f"neurons × bytes per value ({dtype})",
                f"{n(row.neurons)} × {size}",
                row.activation_bytes,
            ),
            _step(
                "live_bytes",
                "every tensor still needed + the output being written",
                " + ".join(n(self.sizes[t]) for t in held),
                row.live_bytes,
                "held: " + ", ".join(held) + " (tensors freed after their last reader)",
            ),
        ]

    def _flops_step(self, row: LayerResult) -> Step:
        ops = operations(self.kinds[row.name], row.input_shapes, row.output, row_figures(row))
        terms = [(t, getattr(ops, t)) for t in FLOPS_TERMS if getattr(ops, t)]
        formula = " + ".join(["2 × MACs", *(t for t, _ in terms)])
        text = " + ".join([f"2 × {n(row.macs)}", *(n(v) for _, v in terms)])
        return _step("flops", formula, text, 2 * row.macs + sum(v for _, v in terms))

    def _tie_steps(self, row: LayerResult) -> list[Step]:
        if row.shares is None:
            return []
        return [
            _step(
                "params_in_totals",
                f"0: tied to {row.shares} (share:), its parameters are counted there once",
                "0",
                0,
            )
        ]


def row_figures(row: LayerResult) -> Figures:
    return Figures(
        params=row.params,
        non_trainable=row.non_trainable,
        params_unshared=row.params_unshared,
        params_dense=row.params_dense,
        connections=row.connections,
        macs=row.macs,
    )
