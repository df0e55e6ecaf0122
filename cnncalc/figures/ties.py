"""Tied weights: `share: NAME` makes a layer reuse NAME's parameters.

As in Siamese networks (two branches, one set of weights) or tied embeddings. The tied
layer computes in full (its connections and MACs count), but its parameters are stored
once: the totals count them at the layer that owns them. A tie is only meaningful
between layers that could hold the same tensors, so the two layers must be of the same
type with the same settings and read inputs of the same shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from cnncalc.errors import CnncalcError
from cnncalc.reading.architecture import Architecture, Layer
from cnncalc.reading.fields import nearest

if TYPE_CHECKING:
    from cnncalc.figures.analysis import LayerResult
    from cnncalc.model.layers import LayerKind


def _shape(shape: tuple[int, ...]) -> str:
    return "×".join(str(n) for n in shape)


def resolve_ties(arch: Architecture, rows: Mapping[str, LayerResult]) -> dict[str, str]:
    """For every layer with `share:`, the layer that owns the parameters (a chain of
    ties leads to its first layer). Bad ties are errors pointing at the `share` value."""
    by_name = {layer.name: layer for layer in arch.layers}
    direct: dict[str, str] = {}
    for layer in arch.layers:
        if layer.share is None:
            continue
        _check(arch, layer, by_name, rows)
        direct[layer.name] = layer.share
    # Each layer's owner is found once and remembered, so long chains of ties stay
    # linear: a walk stops at the first layer whose owner is already known.
    owners: dict[str, str] = {}
    for name in direct:
        path: dict[str, int] = {}  # insertion-ordered: the walk so far
        current = name
        while current in direct and current not in owners:
            if current in path:
                walk = list(path)
                chain = " → ".join([*walk[path[current] :], current])
                raise CnncalcError(
                    arch.source,
                    by_name[name].position_of("share"),
                    f"layer {name!r}: share: the layers {chain} share each other's parameters "
                    "in a circle; one of them must own them (drop its `share:`)",
                )
            path[current] = len(path)
            current = direct[current]
        owner = owners.get(current, current)
        for step in path:
            owners[step] = owner
    return owners


def _check(
    arch: Architecture, layer: Layer, by_name: Mapping[str, Layer], rows: Mapping[str, LayerResult]
) -> None:
    def fail(message: str) -> CnncalcError:
        return CnncalcError(
            arch.source, layer.position_of("share"), f"layer {layer.name!r}: share: {message}"
        )

    assert layer.share is not None
    target = by_name.get(layer.share)
    if target is None:
        raise fail(
            f"no layer is named {layer.share!r}{nearest(layer.share, by_name)}; "
            "name the layer whose parameters this one reuses"
        )
    if target is layer:
        raise fail("a layer cannot share its own parameters; name another layer")
    row, other = rows[layer.name], rows[target.name]
    if not (row.params or row.non_trainable):
        raise fail(f"this {layer.type_name} layer has no parameters to share")
    if target.type_name != layer.type_name:
        raise fail(
            f"{target.name!r} is a {target.type_name} layer and this one a {layer.type_name}; "
            "only a layer of the same type and settings can share its parameters"
        )
    if target.kind != layer.kind:
        differ = [
            f"{f} {getattr(layer.kind, f)!r} here, {getattr(target.kind, f)!r} in {target.name!r}"
            for f in _settings(layer.kind)
            if getattr(layer.kind, f) != getattr(target.kind, f)
        ]
        raise fail(
            "the settings differ (" + "; ".join(differ) + "); tied layers need the same "
            "settings to hold the same parameters"
        )
    if row.input_shapes != other.input_shapes:
        raise fail(
            f"this layer reads {', '.join(_shape(s) for s in row.input_shapes)} but "
            f"{target.name!r} reads {', '.join(_shape(s) for s in other.input_shapes)}; "
            "tied layers need inputs of the same shape"
        )


def _settings(kind: LayerKind) -> tuple[str, ...]:
    """The names of a kind's settings (its Record fields)."""
    return kind._fields
