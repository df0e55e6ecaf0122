"""Activation and parameter memory at a chosen number format.

Assumptions (stated in docs/receptive-field-and-memory.md and in the table's caption):

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


class LiveBytes:
    """Live bytes step by step, for a caller that learns each output's size as it goes.

    Built from what each step reads (in run order); `run` is then called once per step
    with the bytes the step writes, and returns the bytes live while it runs. The
    analysis computes a layer's row in one pass this way, while its data is at hand.
    """

    __slots__ = (
        "current",
        "last_freed",
        "last_read",
        "peak",
        "peak_layer",
        "reads",
        "sizes",
        "step",
    )

    def __init__(
        self,
        reads_in_order: Sequence[Sequence[str]],
        network_input: str,
        input_bytes: int,
    ) -> None:
        self.reads = reads_in_order
        last_read: dict[str, int] = {}  # the step reading each tensor for the last time
        for step, sources in enumerate(reads_in_order):
            for name in sources:
                last_read[name] = step
        self.last_read = last_read
        self.sizes = {network_input: input_bytes}  # the tensors held, by name
        self.current = input_bytes if network_input in self.last_read else 0
        self.peak = 0 if reads_in_order else input_bytes  # nothing runs: the input alone
        self.peak_layer: str | None = None
        self.step = 0
        self.last_freed: Sequence[str] = ()  # the tensors the last step freed

    def run(self, name: str, size: int) -> int:
        """The next step writes ``size`` bytes as ``name``: the bytes live while it runs."""
        live = self.current + size
        if live > self.peak:
            self.peak, self.peak_layer = live, name
        current = live
        last_read, sizes, step = self.last_read, self.sizes, self.step
        if name in last_read:
            sizes[name] = size
        else:  # nothing reads it (the network's output): freed once written
            current -= size
        # Freed: what this step reads for the last time. Found from the step's reads
        # rather than kept per step (a list per step is memory touched twice).
        reads = self.reads[step]
        if len(reads) == 1:
            if last_read[reads[0]] == step:
                current -= sizes.pop(reads[0])
                self.last_freed = reads
            else:
                self.last_freed = ()
        else:  # dict.fromkeys: a layer may read one tensor twice
            freed = [tensor for tensor in dict.fromkeys(reads) if last_read[tensor] == step]
            for tensor in freed:
                current -= sizes.pop(tensor)
            self.last_freed = freed
        self.current = current
        self.step = step + 1
        return live


def liveness(
    order: Sequence[str],
    reads: Mapping[str, Sequence[str]],
    sizes: Mapping[str, int],
    network_input: str,
) -> Liveness:
    """Live bytes at each step of a forward pass in ``order``, and the tensors held.

    ``reads`` maps each layer to the tensors it reads; ``sizes`` gives every tensor's
    bytes, the network input's under ``network_input``.
    """
    steps = LiveBytes([reads[name] for name in order], network_input, sizes[network_input])
    held = {network_input} if network_input in steps.last_read else set()
    rank = _first_seen(order, network_input)
    live: dict[str, int] = {}
    held_at: dict[str, tuple[str, ...]] = {}
    for name in order:
        held_at[name] = (*sorted(held, key=rank), name)
        live[name] = steps.run(name, sizes[name])
        held.add(name)
        held.difference_update(steps.last_freed)
        if name not in steps.last_read:
            held.discard(name)
    return Liveness(live, held_at, steps.peak, steps.peak_layer)


def _first_seen(order: Sequence[str], network_input: str) -> Callable[[str], int]:
    index = {name: i for i, name in enumerate(order)}
    return lambda name: -1 if name == network_input else index[name]
