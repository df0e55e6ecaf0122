"""Fully connected layers: dense, and LeNet-5's Euclidean RBF output."""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.model.layers.base import Figures, LayerKind, Note, Shape, units
from cnncalc.model.layers.steps import Step, n, neurons_step, step
from cnncalc.model.receptive import Window, whole_input
from cnncalc.reading import fields as f


class Dense(LayerKind):
    """Flattens a C×H×W input itself, like Keras' summary counts it after Flatten."""

    type_name = "dense"
    fields = (f.Field("units", f.positive), f.Field("bias", f.boolean, True))

    units: int
    bias: bool

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return (self.units,)

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return whole_input(inputs[0])

    def figures(self, inputs: Sequence[Shape], output: Shape) -> Figures:
        weights = self.units * units(inputs[0])
        params = weights + (self.units if self.bias else 0)
        return Figures(
            params=params,
            params_unshared=params,
            params_dense=params,
            connections=params,
            macs=weights,
        )

    def derivation(self, inputs: Sequence[Shape], output: Shape) -> list[Step]:
        count = units(inputs[0])
        ins = _inputs_text(inputs[0])
        bias, b = (" + 1", 1) if self.bias else ("", 0)
        params = self.units * (count + b)
        shared = step(
            "params", f"units × (inputs{bias})", f"{n(self.units)} × ({ins}{bias})", params
        )
        same = "a dense layer shares no weights: the same count"
        return [
            step("output_units", "units", n(self.units), self.units),
            neurons_step(output),
            step("params_unshared", shared.formula, shared.substituted, params, same),
            shared,
            step("connections", shared.formula, shared.substituted, params),
            step(
                "params_dense",
                shared.formula,
                shared.substituted,
                params,
                "already fully connected: the same count",
            ),
            step("macs", "units × inputs", f"{n(self.units)} × {ins}", self.units * count),
        ]


class Rbf(LayerKind):
    """Each unit computes Σ (x_j − w_ij)² over its inputs; LeCun et al. chose the w by
    hand and kept them fixed, so by default they are stored but not trained."""

    type_name = "rbf"
    fields = (f.Field("units", f.positive), f.Field("trainable", f.boolean, False))

    units: int
    trainable: bool

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return (self.units,)

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return whole_input(inputs[0])

    def figures(self, inputs: Sequence[Shape], output: Shape) -> Figures:
        weights = self.units * units(inputs[0])
        trainable = weights if self.trainable else 0
        return Figures(
            params=trainable,
            non_trainable=weights - trainable,
            params_unshared=trainable,
            params_dense=trainable,
            connections=weights,
            macs=weights,
        )

    def derivation(self, inputs: Sequence[Shape], output: Shape) -> list[Step]:
        weights = self.units * units(inputs[0])
        text = f"{n(self.units)} × {_inputs_text(inputs[0])}"
        steps = [
            step("output_units", "units", n(self.units), self.units),
            neurons_step(output),
        ]
        if self.trainable:
            note = "trainable: true"
            steps += [
                step("params_unshared", "units × inputs", text, weights, note),
                step("params", "units × inputs", text, weights, note),
            ]
        else:
            steps.append(
                step(
                    "non_trainable",
                    "units × inputs",
                    text,
                    weights,
                    "parameter vectors chosen by hand and kept fixed (trainable: false)",
                )
            )
        steps.append(step("connections", "units × inputs", text, weights))
        if self.trainable:
            steps.append(step("params_dense", "units × inputs", text, weights))
        steps.append(step("macs", "units × inputs", text, weights))
        return steps


def _inputs_text(shape: Shape) -> str:
    """The input units as the product the dense layer flattens: 256 × 6 × 6."""
    return " × ".join(n(d) for d in shape)
