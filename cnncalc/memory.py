"""Activation and parameter memory at a chosen number format.

Assumptions (stated in the README and in the table's caption):

- Batch 1. Every layer writes a new output tensor (no in-place ReLU, no fusion);
  a tensor takes neurons × bytes-per-value.
- The forward pass runs the layers in the analysis's order (file order wherever the
  graph allows). The network input is held from the start.
- While a layer runs, live memory is every tensor still needed — by this layer or a
  later one — plus the output it is writing. A tensor is freed right after its last
  reader has run; a tensor nobody reads (the output) is freed after it is written.
- Peak activation memory is the largest live memory over the layers.
- Parameter memory is (params + non-trainable) × bytes-per-value, tied weights once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from cnncalc.fields import lookup
from cnncalc.record import Record

DTYPES: dict[str, int] = {"float32": 4, "float16": 2, "bfloat16": 2, "int8": 1}
DEFAULT_DTYPE = "float32"


def bytes_per_value(dtype: str) -> int:
    return lookup(DTYPES, dtype, "dtype")


class Liveness(Record):
    __slots__ = ("held", "live", "peak", "peak_layer")

    def __init__(
        self,
        live: dict[str, int],  # per layer: bytes live while it runs
        held: dict[str, tuple[str, ...]],  # per layer: the tensors live while it runs
        peak: int,
        peak_layer: str | None,
    ) -> None:
        self.live = live
        self.held = held
        self.peak = peak
        self.peak_layer = peak_layer


def liveness(
    order: Sequence[str],
    reads: Mapping[str, Sequence[str]],
    sizes: Mapping[str, int],
    network_input: str,
    *,
    with_held: bool = True,
) -> Liveness:
    """Live bytes at each step of a forward pass in ``order``.

    ``reads`` maps each layer to the tensors it reads; ``sizes`` gives every tensor's
    bytes, the network input's under ``network_input``. Without ``with_held``, `held`
    stays empty (listing the tensors costs a sort per step; only `explain` shows them).
    """
    last_use: dict[str, int] = {}
    for step, name in enumerate(order):
        for source in reads[name]:
            last_use[source] = step
    # What each step frees: the tensors it reads for the last time, and its own output
    # when nothing reads it (the network's output is freed once written).
    freed: list[list[str]] = [[] for _ in order]
    for tensor, step in last_use.items():
        freed[step].append(tensor)
    held = {network_input} if network_input in last_use else set()
    current = sum(sizes[t] for t in held)
    live: dict[str, int] = {}
    held_at: dict[str, tuple[str, ...]] = {}
    peak, peak_layer = 0, None
    if not order:
        return Liveness(live, held_at, sizes.get(network_input, 0), None)
    rank = _first_seen(order, network_input) if with_held else None
    for step, name in enumerate(order):
        current += sizes[name]
        live[name] = current
        if current > peak:
            peak, peak_layer = current, name
        if with_held:
            held_at[name] = (*sorted(held, key=rank), name)
            held.add(name)
            held.difference_update(freed[step])
        if name not in last_use:
            current -= sizes[name]
            held.discard(name)
        for tensor in freed[step]:
            current -= sizes[tensor]
    return Liveness(live, held_at, peak, peak_layer)


def _first_seen(order: Sequence[str], network_input: str) -> Callable[[str], int]:
    index = {name: i for i, name in enumerate(order)}
    return lambda name: -1 if name == network_input else index[name]
