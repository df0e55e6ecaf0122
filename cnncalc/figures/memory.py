"""Activation and parameter memory at a chosen number format.

Assumptions (stated in docs/receptive-field-and-memory.md and in the table's caption):

- Batch 1. Every layer writes a new output tensor (no in-place ReLU, no fusion);
  a tensor takes neurons × bytes-per-value.
- The forward pass runs the layers in the analysis's order (file order wherever the
  graph allows). Every network input is held from the start until its last reader.
- While a layer runs, live memory is every tensor still needed — by this layer or a
  later one — plus the output it is writing. A tensor is freed right after its last
  reader has run; a tensor nobody reads (the output) is freed after it is written.
- Peak activation memory is the largest live memory over the layers.
- Parameter memory is (params + non-trainable) × bytes-per-value, tied weights once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from cnncalc.reading.fields import lookup
from cnncalc.record import Record

DTYPES: dict[str, int] = {"float32": 4, "float16": 2, "bfloat16": 2, "int8": 1}
DEFAULT_DTYPE = "float32"


def bytes_per_value(dtype: str) -> int:
    return lookup(DTYPES, dtype, "dtype")


class Liveness(Record):
    # Holds a dict: compared by value, never hashed.
    __hash__: ClassVar[None] = None  # type: ignore[assignment]

    live: dict[str, int]  # per layer: bytes live while it runs
    peak: int
    peak_layer: str | None


def _last_reads(order: Sequence[str], reads: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """The step of each tensor's last reader."""
    return {tensor: step for step, name in enumerate(order) for tensor in reads[name]}


def liveness(
    order: Sequence[str],
    reads: Mapping[str, Sequence[str]],
    sizes: Mapping[str, int],
    network_inputs: Sequence[str],
) -> Liveness:
    """Live bytes at each step of a forward pass in ``order``.

    ``reads`` maps each layer to the tensors it reads; ``sizes`` gives every tensor's
    bytes, the network inputs' under their names in ``network_inputs``.

    Each tensor is held over an interval of steps: from the step that writes it (the
    start, for a network input) to its last reader, or that step alone when nothing
    reads it. The live bytes of a step are the sizes of the intervals covering it: a
    running sum of each interval's size added at its start and taken off after its end.
    """
    if not order:
        return Liveness({}, sum(sizes[tensor] for tensor in network_inputs), None)
    last_read = _last_reads(order, reads)
    change = [0] * (len(order) + 1)  # at each step: bytes made held minus bytes freed
    for tensor in network_inputs:
        if tensor in last_read:
            change[0] += sizes[tensor]
            change[last_read[tensor] + 1] -= sizes[tensor]
    for step, name in enumerate(order):
        change[step] += sizes[name]
        change[last_read.get(name, step) + 1] -= sizes[name]
    live: dict[str, int] = {}
    current = peak = 0
    peak_layer = None
    for step, name in enumerate(order):
        current += change[step]
        live[name] = current
        if current > peak:
            peak, peak_layer = current, name
    return Liveness(live, peak, peak_layer)


def held_while(
    layer: str,
    order: Sequence[str],
    reads: Mapping[str, Sequence[str]],
    network_inputs: Sequence[str],
) -> tuple[str, ...]:
    """The tensors live while ``layer`` runs, in the order they were made, by the rules
    of `liveness`: each one made before it and read by it or a later layer, then its own
    output. Asked for one layer at a time (by `explain`): the sets of every layer
    together grow with the square of the layers in a wide network."""
    last_read = _last_reads(order, reads)
    step = order.index(layer)
    made_before = [*network_inputs, *order[:step]]
    return (*(t for t in made_before if last_read.get(t, -1) >= step), layer)
