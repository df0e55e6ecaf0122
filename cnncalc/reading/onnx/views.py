"""Layers that exporters write as several nodes, followed through the tensor's views.

PyTorch exports ConvNeXt's LayerNorm2d as a Transpose to channels-last, a
LayerNormalization over the last axis and a Transpose back; its Linear layers on a
channels-last map as MatMul and Add; ShuffleNet's channel shuffle as Reshape, Transpose,
Reshape; nn.GroupNorm before opset 18 as Reshape, InstanceNormalization, Reshape, Mul,
Add; torch.chunk of the channels as one Slice per part. Each node here moves the tensor
into a view (`View`) or out of it, emitting the layer when the pattern is complete.
A view read by any other operator is unsupported: nothing is read as channels-first
that is not.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from cnncalc.reading.onnx.graph import Const, Data, Step, Unsupported, View

# Operators that act on each value alone read a tensor in these views and keep it.
ELEMENTWISE_VIEWS = (View.PLAIN, View.CHANNELS_LAST)
# GELU as PyTorch exports it before opset 20, x · (1 + erf(x / √2)) · 0.5: the steps
# between its five nodes (Div, Erf, Add, Mul, Mul).
GELU_STEPS = ("x / √2", "erf(x / √2)", "1 + erf(x / √2)", "x · (1 + erf(x / √2))")


def onnx_dims(step: Step, x: Data) -> list[int]:
    """The tensor's dimensions as the graph holds them, the batch axis first."""
    n, c, spatial = step.walk.batch, x.shape[0], list(x.shape[1:])
    if x.view == View.CHANNELS_LAST:
        return [n, *spatial, c]
    if x.view == View.GROUPED:
        return [n, x.groups, c // x.groups, *spatial]
    if x.view == View.SHUFFLED:
        return [n, c // x.groups, x.groups, *spatial]
    if x.view in (View.GROUPS_FLAT, View.GROUP_NORMED):
        return [n, x.groups, math.prod(x.shape) // x.groups]
    return [n, *x.shape]


def seen_as(x: Data, view: str, groups: int = 0) -> Data:
    return Data(x.layer, x.shape, view, groups)


def transpose(step: Step) -> None:
    """To channels-last and back; the grouped axes of a channel shuffle swapped."""
    x = step.data(views=(View.PLAIN, View.CHANNELS_LAST, View.GROUPED, View.SHUFFLED))
    rank = len(onnx_dims(step, x))
    perm = [int(p) for p in step.attribute("perm", list(reversed(range(rank))))]
    swapped = [0, 2, 1, *range(3, rank)]
    if perm == list(range(rank)):
        step.set(0, x)
    elif x.view == View.PLAIN and rank >= 3 and perm == [0, *range(2, rank), 1]:
        step.set(0, seen_as(x, View.CHANNELS_LAST))
    elif x.view == View.CHANNELS_LAST and perm == [0, rank - 1, *range(1, rank - 1)]:
        step.set(0, seen_as(x, View.PLAIN))
    elif x.view == View.GROUPED and perm == swapped:
        step.set(0, seen_as(x, View.SHUFFLED, x.groups))
    elif x.view == View.SHUFFLED and perm == swapped:
        step.set(0, seen_as(x, View.GROUPED, x.groups))
    else:
        seen = x.view or "channels-first"
        raise Unsupported(f"it permutes the axes of a {seen} tensor as {perm}")


def reshape_view(step: Step, x: Data, target: list[int]) -> bool:
    """A reshape that enters or leaves a view; False when it is neither."""
    n, c, spatial = step.walk.batch, x.shape[0], list(x.shape[1:])
    plain = [n, *x.shape]
    if x.view == View.PLAIN and target == plain:
        return False  # no change (a C×L map is already N×C×L, whatever follows)
    if x.view == View.PLAIN and len(target) == 3 + len(spatial) and spatial:
        groups = target[1]
        if (
            target[0] == n
            and groups > 1
            and c % groups == 0
            and target[2:] == [c // groups, *spatial]
        ):
            step.set(0, seen_as(x, View.GROUPED, groups))
            return True
    if x.view == View.PLAIN and len(target) == 3 and target[0] == n and spatial:
        groups = target[1]
        if groups > 0 and c % groups == 0 and target[2] * groups == math.prod(x.shape):
            step.set(0, seen_as(x, View.GROUPS_FLAT, groups))
            return True
    if x.view == View.PLAIN or target != plain:
        return False
    if x.view in (View.GROUPED, View.GROUPS_FLAT):
        step.set(0, seen_as(x, View.PLAIN))  # back as it was
    elif x.view == View.SHUFFLED:
        step.emit("channel_shuffle", {"groups": x.groups}, [seen_as(x, View.PLAIN)])
    elif x.view == View.GROUP_NORMED:
        # Its scale and shift, if learned, follow as Mul and Add (see scale_by_constant).
        step.emit("groupnorm", {"groups": x.groups, "affine": False}, [seen_as(x, View.PLAIN)])
    else:
        return False
    return True


def _learned(step: Step, index: int) -> bool:
    """Whether input ``index`` is a stored weight (an initializer), as against a
    constant the graph computes (torch's ones and zeros for a norm without affine)."""
    return step.has(index) and step.inputs[index] in step.walk.weights


def _affine(step: Step) -> bool:
    """A norm's scale (input 2) and shift (input 3): both learned, or neither."""
    step.const(1)
    if step.has(2):
        step.const(2)
    if _learned(step, 1) != _learned(step, 2):
        raise Unsupported("a learned scale without a learned shift, or the other way round")
    return _learned(step, 1)


def layernorm(step: Step) -> None:
    x = step.data(views=(View.PLAIN, View.CHANNELS_LAST))
    rank = 1 + len(x.shape)
    axis = int(step.attribute("axis", -1)) % rank
    if x.view == View.CHANNELS_LAST and axis == rank - 1:
        settings: dict[str, Any] = {}  # over the channels at each position
    elif x.view == View.PLAIN and axis == 1:
        # Over every value of the sample; a vector's channels are its values.
        settings = {} if rank == 2 else {"over": "sample"}
    else:
        seen = x.view or "channels-first"
        raise Unsupported(
            f"it normalises a {seen} tensor from axis {axis}, neither over the channels "
            "at each position nor over the whole sample"
        )
    if not _affine(step):
        settings["affine"] = False
    normed = step.emit("layernorm", settings, [seen_as(x, View.PLAIN)])
    step.set(0, seen_as(normed, x.view))


def groupnorm(step: Step) -> None:
    """GroupNormalization (opset 18): a scale and shift per channel (opset 21), or per
    group (opset 18's form, which torch's GroupNorm does not have)."""
    x = step.data()
    groups = int(step.attribute("num_groups", 0))
    learned = _affine(step)
    values = math.prod(step.const(1).dims)
    if learned and values != x.shape[0]:
        raise Unsupported(
            f"{values} scales for {x.shape[0]} channels: groupnorm has one per channel"
        )
    step.emit(
        "groupnorm", {"groups": groups} if learned else {"groups": groups, "affine": False}, [x]
    )


def group_instancenorm(step: Step) -> None:
    """InstanceNormalization of channels reshaped to N×g×rest: a group norm under way.
    Its scale and shift, one per group, are constants (the learned ones come after)."""
    x = step.data(views=(View.GROUPS_FLAT,))
    if _affine(step):
        raise Unsupported("a learned scale per group of channels, which groupnorm does not hold")
    step.set(0, seen_as(x, View.GROUP_NORMED, x.groups))


def _per_channel(step: Step, x: Data, constant: Const) -> bool:
    """Whether the constant holds one value per channel, aligned with the channels."""
    dims = tuple(constant.dims)
    full = onnx_dims(step, x)
    aligned = (1,) * (len(full) - len(dims)) + dims
    channel_axis = len(full) - 1 if x.view == View.CHANNELS_LAST else 1
    expected = tuple(x.shape[0] if i == channel_axis else 1 for i in range(len(full)))
    return len(dims) <= len(full) and aligned == expected


def _norm_part(step: Step, x: Data, index: int, neutral: float) -> bool | None:
    """A norm's scale (``neutral`` 1) or shift (0) written after it: True when learned
    (a stored weight per channel), False when the graph's constant changes nothing
    (torch's ones and zeros for affine=False), None when it is neither."""
    constant = step.const(index)
    if _learned(step, index):
        return True if _per_channel(step, x, constant) else None
    value = constant.value
    return False if value is not None and value.size and (value == neutral).all() else None


def scale_by_constant(step: Step, x: Data, index: int) -> None:
    """Mul by a constant: the scale of a group norm written without one (its shift
    comes next), or a learned per-channel factor: a layer scale."""
    walk = step.walk
    last = walk.layers[-1] if walk.layers else None
    learned = _norm_part(step, x, index, 1.0)
    if (
        learned is not None
        and last is not None
        and last.name == x.layer
        and x.view == View.PLAIN
        and last.type_name == "groupnorm"
        and last.settings.get("affine") is False
        and walk.readers.get(step.inputs[1 - index], 0) == 1
    ):
        walk.norm_scales[last.name] = learned
        step.set(0, seen_as(x, View.SCALED))
        return
    if not _learned(step, index):
        raise Unsupported("it multiplies the network's data by a constant that is not learned")
    if not _per_channel(step, x, step.const(index)):
        raise Unsupported("it multiplies the network's data by a constant")
    scaled = step.emit("scale", {}, [seen_as(x, View.PLAIN)])
    step.set(0, seen_as(scaled, x.view))


def norm_shift(step: Step, x: Data, index: int) -> None:
    """Add of a constant after a norm's scale: the norm's shift."""
    scale_learned = step.walk.norm_scales.pop(x.layer, None)
    if scale_learned is None or _norm_part(step, x, index, 0.0) != scale_learned:
        raise Unsupported("it adds a constant to a norm's scaled output that is not its shift")
    if scale_learned:
        norm = next(layer for layer in step.walk.layers if layer.name == x.layer)
        del norm.settings["affine"]
    step.set(0, seen_as(x, View.PLAIN))


def _bounds(step: Step) -> list[tuple[int, int, int, int]]:
    """A Slice's (axis, start, end, step) per sliced axis, from its inputs (opset 10
    and later) or attributes."""
    if step.has(1):
        starts, ends = step.ints(1), step.ints(2)
        axes = step.ints(3) if step.has(3) else list(range(len(starts)))
        steps = step.ints(4) if step.has(4) else [1] * len(starts)
    else:
        starts = [int(s) for s in step.attribute("starts", [])]
        ends = [int(e) for e in step.attribute("ends", [])]
        axes = [int(a) for a in step.attribute("axes", range(len(starts)))]
        steps = [1] * len(starts)
    if not len(starts) == len(ends) == len(axes) == len(steps):
        raise step.fail("its starts, ends, axes and steps differ in length")
    return list(zip(axes, starts, ends, steps, strict=True))


def data_slice(step: Step) -> None:
    """Channels sliced: a part of a `split`; positions sliced: a `crop`."""
    x = step.data()
    full = [step.walk.batch, *x.shape]
    cuts: dict[int, tuple[int, int]] = {}
    for axis, start, end, stride in _bounds(step):
        axis %= len(full)
        size = full[axis]
        if stride != 1:
            raise Unsupported(f"a slice with step {stride}")
        begin = min(max(start + size if start < 0 else start, 0), size)
        stop = min(max(end + size if end < 0 else end, 0), size)
        if stop <= begin:
            raise step.fail(f"it slices nothing of axis {axis} ({start} to {end} of {size})")
        if (begin, stop) != (0, size):
            cuts[axis] = (begin, stop)
    if not cuts:
        step.set(0, x)
    elif 0 in cuts:
        raise Unsupported("it slices the batch")
    elif set(cuts) == {1}:
        _channel_part(step, x, *cuts[1])
    elif 1 not in cuts:
        amounts = [
            [cuts[axis][0], full[axis] - cuts[axis][1]] if axis in cuts else [0, 0]
            for axis in range(2, len(full))
        ]
        step.emit("crop", {"amount": amounts}, [x])
    else:
        raise Unsupported("it slices the channels and the positions at once")


def _channel_part(step: Step, x: Data, begin: int, end: int) -> None:
    """One Slice per part (torch.chunk, torch.split exported): the first makes a split
    layer at its bounds, the others name its parts."""
    walk = step.walk
    channels = x.shape[0]
    if x.layer not in walk.channel_splits:
        bounds = sorted({0, begin, end, channels})
        sizes = [b - a for a, b in itertools.pairwise(bounds)]
        whole = walk.add_layer(step, "split", _split_settings(sizes), [x], None)
        walk.channel_splits[x.layer] = (whole.layer, bounds)
    name, bounds = walk.channel_splits[x.layer]
    if begin not in bounds or end not in bounds or bounds.index(end) != bounds.index(begin) + 1:
        raise Unsupported(
            f"channels {begin} to {end} are not one part of the split made before "
            f"(bounds {', '.join(map(str, bounds))})"
        )
    step.set(0, Data(f"{name}.{bounds.index(begin)}", (end - begin, *x.shape[1:])))


def _split_settings(sizes: list[int]) -> dict[str, Any]:
    return {"parts": len(sizes)} if len(set(sizes)) == 1 else {"sizes": sizes}


def split(step: Step) -> None:
    x = step.data()
    rank = 1 + len(x.shape)
    if int(step.attribute("axis", 0)) % rank != 1:
        raise Unsupported("it splits along an axis other than the channels")
    channels, count = x.shape[0], len(step.outputs)
    if step.has(1):
        sizes = step.ints(1)
    elif "split" in step.attributes:
        sizes = [int(s) for s in step.attributes["split"]]
    else:  # equal parts, the last one smaller when they do not divide (opset 18)
        chunk = -(-channels // int(step.attribute("num_outputs", count)))
        sizes = [chunk] * (count - 1) + [channels - chunk * (count - 1)]
    if len(sizes) != count or min(sizes) <= 0 or sum(sizes) != channels:
        raise step.fail(f"parts of {sizes} channels for {count} outputs of {channels}")
    whole = step.emit("split", _split_settings(sizes), [x])
    for index, size in enumerate(sizes):
        step.set(index, Data(f"{whole.layer}.{index}", (size, *x.shape[1:])))


def _step_of(x: Data, pending: str) -> Data:
    return Data(x.layer, x.shape, x.view, x.groups, pending)


def _scalar_is(step: Step, index: int, expected: float) -> bool:
    value = step.const(index).value
    return (
        value is not None
        and value.size == 1
        and math.isclose(float(value.reshape(-1)[0]), expected, rel_tol=1e-6)
    )


def divide(step: Step) -> None:
    """Div of the network's data: GELU's first step, x / √2."""
    x = step.data(0, views=ELEMENTWISE_VIEWS)
    if not (
        step.has(1) and isinstance(step.tensor(1), Const) and _scalar_is(step, 1, math.sqrt(2))
    ):
        raise Unsupported("it divides the network's data")
    step.set(0, _step_of(x, GELU_STEPS[0]))


def erf(step: Step) -> None:
    x = step.data(views=ELEMENTWISE_VIEWS, steps=GELU_STEPS[:1])
    step.set(0, _step_of(x, GELU_STEPS[1]))


def gelu_plus_one(step: Step, x: Data, index: int) -> None:
    """1 + erf(x / √2)."""
    if x.pending != GELU_STEPS[1] or not _scalar_is(step, index, 1.0):
        raise Unsupported(f"it adds a constant to {x.pending} of a GELU written out")
    step.set(0, _step_of(x, GELU_STEPS[2]))


def gelu_product(step: Step, data: list[Data]) -> bool:
    """x · (1 + erf(x / √2)), x the same tensor the Div read; False when not."""
    if len(data) != 2 or {d.pending for d in data} != {"", GELU_STEPS[2]}:
        return False
    x, factor = sorted(data, key=lambda d: d.pending)
    if (x.layer, x.view) != (factor.layer, factor.view):
        raise Unsupported("it multiplies a GELU's erf term by another tensor")
    step.set(0, _step_of(x, GELU_STEPS[3]))
    return True


def gelu_half(step: Step, x: Data, index: int) -> None:
    """The last step, · 0.5: one GELU activation."""
    if x.pending != GELU_STEPS[3] or not _scalar_is(step, index, 0.5):
        raise Unsupported(f"it multiplies {x.pending} of a GELU written out by a constant")
    out = step.emit("activation", {"fn": "gelu"}, [seen_as(x, View.PLAIN)])
    step.set(0, seen_as(out, x.view))
