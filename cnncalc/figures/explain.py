"""`explain`: the derivation of each figure of the chosen layers, numbers substituted.

The steps come from each layer kind (`LayerKind.derivation`); this module only picks the
layers and pairs each one with its analysed shapes. No click, no rich.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from cnncalc.errors import CnncalcError, Diagnostic
from cnncalc.figures.analysis import Analysis, analyse
from cnncalc.model.layers import Shape
from cnncalc.model.layers.steps import Step, step
from cnncalc.model.layers.terms import n
from cnncalc.reading.architecture import Architecture
from cnncalc.record import Record, replace

__all__ = ["Explanation", "LayerExplanation", "Step", "explain"]


class LayerExplanation(Record):
    name: str
    type: str
    input_shapes: tuple[Shape, ...]
    output: Shape
    steps: tuple[Step, ...]


class Explanation(Record):
    name: str
    source: str
    input: Shape
    layers: tuple[LayerExplanation, ...]
    warnings: tuple[Diagnostic, ...]
    named_inputs: tuple[tuple[str, Shape], ...] = ()  # as Analysis: empty with one input


def explain(
    arch: Architecture,
    layer_names: Sequence[str] = (),
    input_shape: Shape | None = None,
    strict: bool = False,
) -> Explanation:
    """Derivations of the named layers, in the order given; with no names, every layer
    with parameters (trainable or fixed), in file order."""
    analysis = analyse(arch, input_shape, strict=strict)
    kinds = {layer.name: layer.kind for layer in arch.layers}
    frozen = {layer.name for layer in arch.layers if not layer.trainable}
    rows = {row.name: row for row in analysis.layers}
    if layer_names:
        chosen = [_find(arch, analysis, name) for name in layer_names]
    else:
        chosen = [row.name for row in analysis.layers if row.has_parameters]
    layers = []
    from cnncalc.figures.explain_extra import ExtraSteps  # fields, memory, FLOPs, ties

    extra = ExtraSteps(arch, analysis)
    for name in chosen:
        row = rows[name]
        steps = kinds[name].derivation(row.input_shapes, row.output)
        if name in frozen:
            steps = _frozen(steps)
        steps += extra.steps(name)
        layers.append(LayerExplanation(name, row.type, row.input_shapes, row.output, tuple(steps)))
    return Explanation(
        analysis.name,
        analysis.source,
        analysis.input,
        tuple(layers),
        analysis.warnings,
        analysis.named_inputs,
    )


def _frozen(steps: list[Step]) -> list[Step]:
    """A layer with `trainable: false`: its parameters are derived as usual, then
    counted as non-trainable with whatever it stores untrained already."""
    by_key = {s.key: s for s in steps}
    weights = by_key.get("params")
    if weights is None:
        return steps
    fixed = by_key.get("non_trainable")
    kept = [
        replace(s, key="frozen_params", label="frozen parameters") if s is weights else s
        for s in steps
        if s is not fixed
    ]
    total = weights.value + (fixed.value if fixed else 0)
    return [
        *kept,
        step("params", "0", "0", 0, "trainable: false"),
        step(
            "non_trainable",
            "frozen parameters + stored untrained" if fixed else "frozen parameters",
            f"{n(weights.value)} + {n(fixed.value)}" if fixed else n(weights.value),
            total,
        ),
    ]


def _find(arch: Architecture, analysis: Analysis, name: str) -> str:
    names = [row.name for row in analysis.layers]
    if name in names:
        return name
    # Layer names are case-sensitive in files, but `conv1` for `CONV1` is no surprise.
    folded = [candidate for candidate in names if candidate.lower() == name.lower()]
    if len(folded) == 1:
        return folded[0]
    match = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
    hint = f" (did you mean {match[0]!r}?)" if match else ""
    by_name = {layer.name: layer for layer in arch.layers}
    where = by_name[match[0]].position if match else arch.layers[0].position
    shown = ", ".join(names) if len(names) <= 12 else ", ".join(names[:12]) + ", …"
    raise CnncalcError(
        arch.source,
        where,
        f"no layer named {name!r} in {arch.name}{hint}; its layers are: {shown}",
    )
