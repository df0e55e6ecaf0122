"""The order to evaluate layers in: references resolved, cycles refused."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

from cnncalc.errors import CnncalcError
from cnncalc.reading.architecture import Architecture
from cnncalc.reading.fields import nearest


def parts(arch: Architecture) -> dict[str, str]:
    """The names of a split's parts (NAME.0, NAME.1, ...) → the split layer's name."""
    named: dict[str, str] = {}
    for layer in arch.layers:
        count = layer.kind.outputs()
        if count:  # a split; other layers, nearly all, make no range to loop over
            for i in range(count):
                named[f"{layer.name}.{i}"] = layer.name
    for layer in arch.layers if named else ():
        if layer.name in named:
            raise CnncalcError(
                arch.source,
                layer.position_of("name"),
                f"layer {layer.name!r}: the name is also a part of split "
                f"{named[layer.name]!r}; rename the layer",
            )
    return named


def tensor(name: str, named_parts: dict[str, str]) -> str:
    """The layer whose output a read names: a split's part is a view of the split's."""
    return named_parts.get(name, name)


def in_file_order(arch: Architecture, named_parts: dict[str, str]) -> bool:
    """Whether every layer reads only network inputs and layers above it (``named_parts``:
    what `parts` gives)."""
    defined = {name for name, _ in arch.network_inputs}
    for layer in arch.layers:
        reads = (
            [tensor(name, named_parts) for name in layer.inputs] if named_parts else layer.inputs
        )
        if not defined.issuperset(reads):
            return False
        defined.add(layer.name)
    return True


def evaluation_order(
    arch: Architecture, named_parts: dict[str, str] | None = None
) -> Sequence[int]:
    """Indices of `arch.layers` so that every layer comes after the layers it reads.

    Kahn's algorithm, iterative (no recursion limit at any depth), and stable: among
    layers that are ready, file order wins, so a plain chain keeps its order.
    ``named_parts`` is `parts(arch)`, for a caller that has it already.
    """
    if named_parts is None:
        named_parts = parts(arch)
    if in_file_order(arch, named_parts):
        # How files are written: file order is the order, and no reference can be
        # missing or circular.
        return range(len(arch.layers))
    index_of = {layer.name: i for i, layer in enumerate(arch.layers)}
    network_inputs = [name for name, _ in arch.network_inputs]
    readers: list[list[int]] = [[] for _ in arch.layers]
    waiting = [0] * len(arch.layers)
    for i, layer in enumerate(arch.layers):
        field = "inputs" if layer.kind.arity == "many" else "input"
        for name in layer.inputs:
            if name in network_inputs:
                continue
            reference = layer.kind.reference_field
            if reference is not None and getattr(layer.kind, reference) == name:
                field = reference  # crop's `like`
            source = index_of.get(tensor(name, named_parts))
            if source is None:
                split = name.rpartition(".")[0]
                if split in index_of and arch.layers[index_of[split]].kind.outputs():
                    made = [p for p, owner in named_parts.items() if owner == split]
                    raise CnncalcError(
                        arch.source,
                        layer.position_of(field),
                        f"layer {layer.name!r}: reads {name!r}, but split {split!r} has "
                        f"{len(made)} parts: {', '.join(made)}",
                    )
                raise CnncalcError(
                    arch.source,
                    layer.position_of(field),
                    f"layer {layer.name!r}: reads {name!r}, but no layer has that name"
                    f"{nearest(name, [*index_of, *network_inputs])}",
                )
            if source == i:
                raise CnncalcError(
                    arch.source,
                    layer.position_of(field),
                    f"layer {layer.name!r}: reads its own output (a cycle)",
                )
            readers[source].append(i)
            waiting[i] += 1
    ready = deque(i for i, count in enumerate(waiting) if count == 0)
    order: list[int] = []
    while ready:
        i = ready.popleft()
        order.append(i)
        for reader in readers[i]:
            waiting[reader] -= 1
            if waiting[reader] == 0:
                ready.append(reader)
    if len(order) < len(arch.layers):
        raise _cycle_error(arch, waiting)
    return order


def _cycle_error(arch: Architecture, waiting: list[int]) -> CnncalcError:
    # Walk back along unresolved inputs from a stuck layer until a name repeats.
    stuck = {i for i, count in enumerate(waiting) if count}
    named_parts = parts(arch)
    index_of = {layer.name: i for i, layer in enumerate(arch.layers)}
    path: list[int] = []
    seen: dict[int, int] = {}
    current = min(stuck)
    while current not in seen:
        seen[current] = len(path)
        path.append(current)
        current = next(
            index_of[tensor(name, named_parts)]
            for name in arch.layers[current].inputs
            if index_of.get(tensor(name, named_parts)) in stuck
        )
    cycle = [*path[seen[current] :], current]
    cycle.reverse()  # in the direction data flows
    first = arch.layers[cycle[0]]
    names = " → ".join(arch.layers[i].name for i in cycle)
    field = "inputs" if first.kind.arity == "many" else "input"
    return CnncalcError(
        arch.source,
        first.position_of(field),
        f"layer {first.name!r}: the layers {names} read each other in a cycle; "
        "every layer must read layers that do not depend on it",
    )
