"""ONNX operators as cnncalc layers: one op type, one small function, one table entry.

A function reads its node (`Step`) and emits layers, or passes a tensor on unchanged,
or raises `Unsupported` when this use of the operator has no cnncalc layer kind. An op
type missing from the table is unsupported as a whole: the walk names it, never
counts it as zero. Numbers written here are the operator's attributes and its weights'
shapes; the figures come from the layer kinds, as for a hand-written file.
"""

from __future__ import annotations

import math
from typing import Any

from cnncalc.model.layers.multiply import broadcast
from cnncalc.model.layers.terms import NUMBERS
from cnncalc.model.shapes import halves, same_size
from cnncalc.reading.onnx import views
from cnncalc.reading.onnx.graph import Const, Data, Operator, Step, Unsupported, View
from cnncalc.reading.onnx.views import ELEMENTWISE_VIEWS, GELU_STEPS


def _spatial_rank(x: Data) -> int:
    """The spatial axes of a conv's or pool's input: 1, 2 or 3 (C×L, C×H×W, C×D×H×W)."""
    if not 2 <= len(x.shape) <= 4:
        raise Unsupported("its input is not C×L, C×H×W or C×D×H×W")
    return len(x.shape) - 1


def _compact(values: list[int] | tuple[int, ...]) -> int | list[int]:
    """`3` for [3, 3]: files read best with the short form."""
    return values[0] if len(set(values)) == 1 else list(values)


def _auto_pad(step: Step) -> str:
    value = step.attribute("auto_pad", b"NOTSET")
    return value.decode() if isinstance(value, bytes) else str(value)


def _window_padding(
    step: Step,
    x: Data,
    kernel: list[int],
    strides: list[int],
    dilations: list[int],
    extra: tuple[list[int], list[int]] | None = None,
) -> tuple[int | list[int] | str, Data]:
    """The padding setting of a conv or pool (plus ``extra``, a zero Pad absorbed before
    it), and the tensor it reads: when the two sides of an axis differ, a `pad` layer
    comes first and the window pads nothing."""
    rank = len(kernel)
    auto_pad = _auto_pad(step)
    if auto_pad == "SAME_UPPER":  # the extra row and column after: cnncalc's `same`
        return "same", x
    if auto_pad == "SAME_LOWER":
        # `same`'s halves the other way round: the larger one before.
        split = [
            halves(same_size(NUMBERS, "", x.shape[1 + i], kernel[i], strides[i], dilations[i])[1])
            for i in range(rank)
        ]
        before = [larger for _, larger in split]
        after = [smaller for smaller, _ in split]
    elif auto_pad in ("NOTSET", "VALID"):
        default = [0] * 2 * rank
        pads = (
            [int(p) for p in step.attribute("pads", default)] if auto_pad == "NOTSET" else default
        )
        if len(pads) != 2 * rank or min(pads) < 0:
            raise step.fail(f"pads {pads} are not {2 * rank} non-negative numbers")
        extra = extra or ([0] * rank, [0] * rank)
        before = [p + e for p, e in zip(pads[:rank], extra[0], strict=True)]
        after = [p + e for p, e in zip(pads[rank:], extra[1], strict=True)]
    else:
        raise step.fail(f"unknown auto_pad {auto_pad!r}")
    if before == after:
        return _compact(before), x
    sides = {"padding": [side for pair in zip(before, after, strict=True) for side in pair]}
    padded = step.walk.add_layer(step, "pad", sides, [x], "the model pads the sides unequally")
    return 0, padded


def _absorb_zero_pad(step: Step, x: Data) -> tuple[Data, tuple[list[int], list[int]] | None]:
    """A conv's input padded with zeros by a Pad just before it, and read by nothing
    else, is the conv's own padding (PyTorch's F.pad, TensorFlow's explicit pads)."""
    walk = step.walk
    found = walk.zero_pads.get(x.layer)
    if (
        found is None
        or _auto_pad(step) not in ("NOTSET", "VALID")
        or walk.readers.get(step.inputs[0], 0) != 1
        or walk.layers[-1].name != x.layer
    ):
        return x, None
    walk.drop_last_layer()
    return found


def _window(step: Step, rank: int, weight_kernel: list[int] | None = None) -> dict[str, Any]:
    kernel = [int(k) for k in step.attribute("kernel_shape", weight_kernel or [])]
    if len(kernel) != rank:
        raise step.fail(f"kernel_shape {kernel} does not fit its input's {rank} spatial axes")
    if weight_kernel is not None and kernel != weight_kernel:
        raise step.fail(f"kernel_shape {kernel} differs from its weight's {weight_kernel}")
    strides = [int(s) for s in step.attribute("strides", [1] * rank)]
    dilations = [int(d) for d in step.attribute("dilations", [1] * rank)]
    return {"kernel": kernel, "stride": strides, "dilation": dilations}


def _weight_dims(step: Step, index: int, rank: int) -> tuple[int, ...]:
    dims = step.const(index).dims
    if len(dims) != 2 + rank:
        raise step.fail(f"its weight has shape {dims}, not that of a {rank}-D window")
    return dims


def conv(step: Step) -> None:
    x = step.data()
    rank = _spatial_rank(x)
    dims = _weight_dims(step, 1, rank)
    window = _window(step, rank, list(dims[2:]))
    groups = int(step.attribute("group", 1))
    if dims[1] * groups != x.shape[0]:
        raise step.fail(f"its weight reads {dims[1]}×{groups} channels, its input has {x.shape[0]}")
    x, extra = _absorb_zero_pad(step, x)
    padding, x = _window_padding(
        step, x, window["kernel"], window["stride"], window["dilation"], extra
    )
    settings: dict[str, Any] = {"filters": dims[0], "kernel": _compact(window["kernel"])}
    settings.update(_optional(window, padding, groups))
    if not step.has(2):
        settings["bias"] = False
    step.emit("conv", settings, [x])


def _optional(window: dict[str, Any], padding: Any, groups: int) -> dict[str, Any]:
    """Settings that differ from the layer kind's defaults, in the order files use."""
    found: dict[str, Any] = {}
    if set(window["stride"]) != {1}:
        found["stride"] = _compact(window["stride"])
    if padding != 0:
        found["padding"] = padding
    if set(window["dilation"]) != {1}:
        found["dilation"] = _compact(window["dilation"])
    if groups != 1:
        found["groups"] = groups
    return found


def conv_transpose(step: Step) -> None:
    x = step.data()
    rank = _spatial_rank(x)
    dims = _weight_dims(step, 1, rank)
    window = _window(step, rank, list(dims[2:]))
    groups = int(step.attribute("group", 1))
    if "output_shape" in step.attributes:
        raise Unsupported("output_shape instead of pads")
    auto_pad = _auto_pad(step)
    if auto_pad not in ("NOTSET", "VALID"):
        raise Unsupported(f"auto_pad {auto_pad!r}")
    pads = [int(p) for p in step.attribute("pads", [0] * 2 * rank)]
    if len(pads) != 2 * rank:
        raise step.fail(f"pads {pads} are not {2 * rank} numbers")
    if pads[:rank] != pads[rank:]:
        raise Unsupported(f"unequal pads {pads}")
    settings: dict[str, Any] = {"filters": dims[1] * groups, "kernel": _compact(window["kernel"])}
    settings.update(_optional(window, _compact(pads[:rank]), groups))
    output_padding = [int(p) for p in step.attribute("output_padding", [0] * rank)]
    if set(output_padding) != {0}:
        settings["output_padding"] = _compact(output_padding)
    if not step.has(2):
        settings["bias"] = False
    step.emit("conv_transpose", settings, [x])


def _flat(step: Step, x: Data) -> Data:
    if len(x.shape) != 1:
        raise Unsupported("its input is not a flat vector (a flatten comes first in cnncalc)")
    return x


def gemm(step: Step) -> None:
    x = _flat(step, step.data())
    if step.attribute("transA", 0):
        raise Unsupported("transA")
    dims = step.const(1).dims
    if len(dims) != 2:
        raise step.fail(f"its weight has shape {dims}, not 2-D")
    inputs, units = (dims[1], dims[0]) if step.attribute("transB", 0) else dims
    if inputs != x.shape[0]:
        raise step.fail(f"its weight reads {inputs} values, its input has {x.shape[0]}")
    step.emit("dense", {"units": units} if step.has(2) else {"units": units, "bias": False}, [x])


def matmul(step: Step) -> None:
    x = step.data(views=(View.PLAIN, View.CHANNELS_LAST))
    dims = step.const(1).dims
    if x.view == View.CHANNELS_LAST:
        # A Linear on a channels-last map (ConvNeXt): the same products as a 1×1 conv.
        if len(dims) != 2 or dims[0] != x.shape[0]:
            raise Unsupported(f"a product of a channels-last {x.shape} and {dims}")
        settings = {"filters": dims[1], "kernel": 1, "bias": False}
        out = step.emit("conv", settings, [views.seen_as(x, View.PLAIN)])
        step.set(0, views.seen_as(out, View.CHANNELS_LAST))
        return
    x = _flat(step, x)
    if len(dims) != 2 or dims[0] != x.shape[0]:
        raise Unsupported(f"a product of {x.shape} and {dims}, not a dense layer's")
    step.emit("dense", {"units": dims[1], "bias": False}, [x])


def add(step: Step) -> None:
    present = [step.tensor(i) for i in range(len(step.inputs)) if step.has(i)]
    data = [t for t in present if isinstance(t, Data)]
    if len(data) == len(present):
        if len({d.shape for d in data}) != 1:
            raise Unsupported("its inputs broadcast: " + ", ".join(str(d.shape) for d in data))
        if len({d.view for d in data}) != 1 or data[0].view not in ELEMENTWISE_VIEWS:
            raise Unsupported("it adds tensors held in different layouts")
        out = step.emit("add", {}, [views.seen_as(d, View.PLAIN) for d in data])
        step.set(0, views.seen_as(out, data[0].view))
        return
    if len(data) == 1 and len(present) == 2:
        index = 0 if isinstance(present[0], Const) else 1
        x = step.data(1 - index, views=(*ELEMENTWISE_VIEWS, View.SCALED), steps=("", *GELU_STEPS))
        if x.pending:
            views.gelu_plus_one(step, x, index)
        elif x.view == View.SCALED:
            views.norm_shift(step, x, index)
        else:
            _bias(step, x, step.const(index))
        return
    raise Unsupported("it adds constants to the network's data")


def _bias(step: Step, x: Data, constant: Const) -> None:
    """MatMul then Add of a vector is a dense layer with its bias, as exporters split it
    (a 1×1 conv's, on a channels-last map)."""
    layers = step.walk.layers
    last = layers[-1] if layers else None
    kind, size = ("conv", "filters") if x.view == View.CHANNELS_LAST else ("dense", "units")
    if (
        last is None
        or last.name != x.layer
        or last.type_name != kind
        or last.settings.get("bias") is not False
        or math.prod(constant.dims) != last.settings[size]
    ):
        raise Unsupported(f"it adds a constant that is not the bias of the {kind} layer before it")
    del last.settings["bias"]
    step.set(0, x)


def mul(step: Step) -> None:
    """A product of two data tensors: `multiply` (a squeeze-and-excitation gate), or
    SiLU when it is x · sigmoid(x). A product with a learned per-channel constant: a
    layer scale, or the scale of a norm written without one."""
    present = [step.tensor(i) for i in range(len(step.inputs)) if step.has(i)]
    data = [t for t in present if isinstance(t, Data)]
    if len(data) == 1 and len(present) == 2:
        index = 0 if isinstance(present[0], Const) else 1
        x = step.data(1 - index, views=ELEMENTWISE_VIEWS, steps=("", *GELU_STEPS))
        if x.pending:
            views.gelu_half(step, x, index)
        else:
            views.scale_by_constant(step, x, index)
        return
    if len(data) != len(present):
        raise Unsupported("it multiplies the network's data by constants")
    inputs = [i for i in range(len(step.inputs)) if step.has(i)]
    if views.gelu_product(
        step, [step.data(i, views=ELEMENTWISE_VIEWS, steps=("", *GELU_STEPS)) for i in inputs]
    ):
        return
    data = [step.data(i) for i in inputs]
    if broadcast([d.shape for d in data]) is None:
        raise Unsupported("its inputs do not broadcast: " + ", ".join(str(d.shape) for d in data))
    if not _silu(step, data):
        step.emit("multiply", {}, data)


def _silu(step: Step, data: list[Data]) -> bool:
    """x · sigmoid(x), the sigmoid read by nothing else: one SiLU activation."""
    walk = step.walk
    last = walk.layers[-1] if walk.layers else None
    if len(data) != 2 or last is None or last.settings != {"fn": "sigmoid"}:
        return False
    for gate, x in ((0, 1), (1, 0)):
        if (
            data[gate].layer == last.name
            and last.reads == (data[x].layer,)
            and walk.readers.get(step.inputs[gate], 0) == 1
        ):
            walk.drop_last_layer()
            step.emit("activation", {"fn": "silu"}, [data[x]])
            return True
    return False


def prelu(step: Step) -> None:
    x = step.data()
    slopes = step.const(1).dims
    full = (step.walk.batch, *x.shape)
    aligned = (1,) * (len(full) - len(slopes)) + tuple(slopes)
    if math.prod(slopes) == 1:
        count = 1
    elif len(aligned) == len(full) and aligned == (1, x.shape[0]) + (1,) * (len(full) - 2):
        count = x.shape[0]
    else:
        raise Unsupported(f"slopes of shape {slopes}, neither one nor one per channel")
    step.emit("prelu", {} if count == 1 else {"num_parameters": count}, [x])


def concat(step: Step) -> None:
    data = [step.data(i) for i in range(len(step.inputs)) if step.has(i)]
    rank = 1 + len(data[0].shape)
    if int(step.attribute("axis", 1)) % rank != 1:
        raise Unsupported("it joins along an axis other than the channels")
    if len(data) == 1:
        step.set(0, data[0])
        return
    step.emit("concat", {}, data)


def _reshape_to(step: Step, x: Data, target: list[int]) -> None:
    """Reshapes that flatten, or change nothing, are layers cnncalc has; others may
    enter or leave a view (a channel shuffle, a group norm under way)."""
    if views.reshape_view(step, x, target):
        return
    if x.view != View.PLAIN:
        raise Unsupported(f"it reshapes a {x.view} view of a tensor to {target}")
    if target == [step.walk.batch, *x.shape]:
        step.set(0, x)
    elif target == [step.walk.batch, math.prod(x.shape)]:
        if len(x.shape) == 1:
            step.set(0, x)
        else:
            step.emit("flatten", {}, [x])
    else:
        raise Unsupported(f"it reshapes {[step.walk.batch, *x.shape]} to {target}, not a flatten")


def reshape(step: Step) -> None:
    x = step.data(views=tuple(View.ALL))
    full = views.onnx_dims(step, x)
    target = step.ints(1)
    if not step.attribute("allowzero", 0):
        target = [full[i] if t == 0 and i < len(full) else t for i, t in enumerate(target)]
    if target.count(-1) == 1:
        known = math.prod(t for t in target if t != -1)
        if known <= 0 or math.prod(full) % known:
            raise step.fail(f"cannot reshape {full} to {target}")
        target[target.index(-1)] = math.prod(full) // known
    _reshape_to(step, x, target)


def flatten(step: Step) -> None:
    x = step.data()
    axis = int(step.attribute("axis", 1)) % (1 + len(x.shape))
    if axis != 1:
        raise Unsupported(f"it flattens from axis {axis}, not 1")
    _reshape_to(step, x, [step.walk.batch, math.prod(x.shape)])


def squeeze(step: Step) -> None:
    x = step.data()
    full = [step.walk.batch, *x.shape]
    axes = step.ints(1) if step.has(1) else step.attribute("axes", None)
    chosen = {a % len(full) for a in axes} if axes else {i for i, d in enumerate(full) if d == 1}
    _reshape_to(step, x, [d for i, d in enumerate(full) if i not in chosen or d != 1])


def _pool(mode: str) -> Operator:
    def pool(step: Step) -> None:
        x = step.data()
        rank = _spatial_rank(x)
        window = _window(step, rank)
        if set(window["dilation"]) != {1}:
            raise Unsupported("a dilated pool")
        padding, x = _window_padding(step, x, window["kernel"], window["stride"], [1] * rank)
        settings: dict[str, Any] = {"mode": mode, "size": _compact(window["kernel"])}
        settings["stride"] = _compact(window["stride"])  # ONNX's default is 1, cnncalc's the size
        if padding != 0:
            settings["padding"] = padding
        if step.attribute("ceil_mode", 0):
            settings["ceil"] = True
        step.emit("pool", settings, [x])

    return pool


def _global_pool(mode: str) -> Operator:
    def global_pool(step: Step) -> None:
        step.emit("global_pool", {"mode": mode}, [step.data()])

    return global_pool


def batchnorm(step: Step) -> None:
    x = step.data()
    # A training-mode export also outputs the updated running statistics (inputs 3 and
    # 4 updated): constants here.
    statistics = [(output, step.const(3 + output - 1)) for output in (1, 2) if step.has(2 + output)]
    step.emit("batchnorm", {}, [x])
    for output, statistic in statistics:
        step.set(output, Const(statistic.dims, None))


def instancenorm(step: Step) -> None:
    """Its scale and shift are inputs: stored weights (initializers) when learned;
    constants computed in the graph when not (torch's default, affine=False)."""
    if step.data(views=tuple(View.ALL)).view == View.GROUPS_FLAT:
        views.group_instancenorm(step)
        return
    x = step.data()
    for index in (1, 2):
        step.const(index)
    learned = any(step.inputs[index] in step.walk.weights for index in (1, 2))
    step.emit("instancenorm", {"affine": True} if learned else {}, [x])


def _activation(fn: str) -> Operator:
    def activation(step: Step) -> None:
        x = step.data(views=ELEMENTWISE_VIEWS)
        out = step.emit("activation", {"fn": fn}, [views.seen_as(x, View.PLAIN)])
        step.set(0, views.seen_as(out, x.view))

    return activation


def clip(step: Step) -> None:
    x = step.data()
    if step.has(1) or step.has(2):
        low = float(step.value(1).reshape(-1)[0]) if step.has(1) else -math.inf
        high = float(step.value(2).reshape(-1)[0]) if step.has(2) else math.inf
    else:
        low, high = step.attribute("min", -math.inf), step.attribute("max", math.inf)
    functions = {(0.0, 6.0): "relu6", (0.0, math.inf): "relu"}
    fn = functions.get((low, high))
    if fn is None:
        raise Unsupported(f"a clip to [{low:g}, {high:g}], which no activation of cnncalc is")
    step.emit("activation", {"fn": fn}, [x])


def pad(step: Step) -> None:
    x = step.data()
    pads = step.ints(1) if step.has(1) else [int(p) for p in step.attribute("pads", [])]
    rank = 1 + len(x.shape)
    axes = step.ints(3) if step.has(3) else list(range(rank))
    if len(pads) != 2 * len(axes):
        raise step.fail(f"{len(pads)} pads for {len(axes)} axes")
    before, after = [0] * rank, [0] * rank
    for index, axis in enumerate(axes):
        before[axis % rank] = pads[index]
        after[axis % rank] = pads[len(axes) + index]
    if min(before + after) < 0:
        raise Unsupported("negative pads (a crop)")
    if not 3 <= rank <= 5 or before[:2] != [0, 0] or after[:2] != [0, 0]:
        raise Unsupported(f"pads {pads} on axes other than the spatial ones")
    if before == after == [0] * rank:
        step.set(0, x)
        return
    mode = step.attribute("mode", b"constant")
    mode = mode.decode() if isinstance(mode, bytes) else str(mode)
    comment = "" if mode == "constant" else f"{mode} padding in the model (same figures)"
    sides = [side for pair in zip(before[2:], after[2:], strict=True) for side in pair]
    padded = step.emit("pad", {"padding": sides}, [x], comment)
    fill = step.tensor(2) if step.has(2) else None
    if mode == "constant" and (
        fill is None
        or (isinstance(fill, Const) and fill.value is not None and not fill.value.any())
    ):
        step.walk.zero_pads[padded.layer] = (x, (before[2:], after[2:]))


def resize(step: Step) -> None:
    x = step.data()
    rank = _spatial_rank(x)
    mode = step.attribute("mode", b"nearest")
    mode = mode.decode() if isinstance(mode, bytes) else str(mode)
    modes = {"nearest": "nearest", "linear": "bilinear", "bilinear": "bilinear"}
    if mode not in modes:
        raise Unsupported(f"mode {mode!r}")
    settings: dict[str, Any] = {} if modes[mode] == "nearest" else {"mode": "bilinear"}
    # Upsample (opset 7-9): scales an attribute or input 1; Resize: roi, scales, sizes.
    scales_index = 1 if step.op_type == "Upsample" else 2
    if step.op_type == "Resize" and step.has(3):
        sizes = step.ints(3)
        if sizes[:2] != [step.walk.batch, x.shape[0]] or len(sizes) != 2 + rank:
            raise Unsupported(f"sizes {sizes} change more than the spatial axes")
        settings["size"] = sizes[2:]
    else:
        if step.has(scales_index):
            scales = [float(s) for s in step.value(scales_index).reshape(-1)]
        else:
            scales = [float(s) for s in step.attribute("scales", [])]
        if len(scales) != 2 + rank or scales[:2] != [1.0, 1.0]:
            raise Unsupported(f"scales {scales} change more than the spatial axes")
        if all(s.is_integer() for s in scales[2:]):
            settings["scale"] = _compact([int(s) for s in scales[2:]])
        else:  # ONNX's output size is floor(input · scale)
            settings["size"] = [math.floor(x.shape[1 + i] * scales[2 + i]) for i in range(rank)]
    step.emit("upsample", settings, [x])


def dropout(step: Step) -> None:
    x = step.data(views=ELEMENTWISE_VIEWS)
    rate = float(step.value(1).reshape(-1)[0]) if step.has(1) else step.attribute("ratio", 0.5)
    out = step.emit(
        "dropout", {"rate": rate} if rate != 0.5 else {}, [views.seen_as(x, View.PLAIN)]
    )
    step.set(0, views.seen_as(out, x.view))


def _reduce(mode: str) -> Operator:
    """A mean or max over every spatial axis (`x.mean([2, 3])`): a global pool, then a
    flatten when the axes are not kept."""

    def reduce(step: Step) -> None:
        x = step.data()
        rank = 1 + len(x.shape)
        axes = step.ints(1) if step.has(1) else step.attribute("axes", None)
        if axes is None or sorted(a % rank for a in axes) != list(range(2, rank)):
            raise Unsupported(f"it reduces axes {axes}, not every spatial axis")
        if step.attribute("keepdims", 1):
            step.emit("global_pool", {"mode": mode}, [x])
            return
        pooled = step.walk.add_layer(step, "global_pool", {"mode": mode}, [x], None)
        step.emit("flatten", {}, [pooled])

    return reduce


def lrn(step: Step) -> None:
    settings = {
        "size": int(step.attribute("size", 5)),
        "alpha": float(step.attribute("alpha", 1e-4)),
        "beta": float(step.attribute("beta", 0.75)),
        "k": float(step.attribute("bias", 1.0)),
    }
    step.emit("lrn", settings, [step.data()])


def same_tensor(step: Step) -> None:
    """Identity and Cast change no figure: the output is the input."""
    step.set(0, step.data(views=tuple(View.ALL)))


def shape(step: Step) -> None:
    """The shape of a data tensor: a constant, with the batch size the model declares."""
    import numpy as np

    full = views.onnx_dims(step, step.data(views=tuple(View.ALL)))
    start, end = step.attribute("start", 0), step.attribute("end", None)
    step.set(0, Const((len(full[start:end]),), np.array(full[start:end], dtype=np.int64)))


ACTIVATIONS = {
    "Relu": "relu",
    "LeakyRelu": "leaky_relu",
    "Elu": "elu",
    "Selu": "selu",
    "Gelu": "gelu",
    "Mish": "mish",
    "HardSwish": "hardswish",
    "HardSigmoid": "hardsigmoid",
    "Sigmoid": "sigmoid",
    "Tanh": "tanh",
    "Softmax": "softmax",
    "LogSoftmax": "log_softmax",
    "Softplus": "softplus",
    "Softsign": "softsign",
}

OPERATORS: dict[str, Operator] = {
    "Conv": conv,
    "ConvTranspose": conv_transpose,
    "Gemm": gemm,
    "MatMul": matmul,
    "Add": add,
    "Mul": mul,
    "PRelu": prelu,
    "Sum": add,
    "Concat": concat,
    "Reshape": reshape,
    "Flatten": flatten,
    "Squeeze": squeeze,
    "MaxPool": _pool("max"),
    "AveragePool": _pool("avg"),
    "GlobalMaxPool": _global_pool("max"),
    "GlobalAveragePool": _global_pool("avg"),
    "BatchNormalization": batchnorm,
    "InstanceNormalization": instancenorm,
    "Clip": clip,
    "Pad": pad,
    "Resize": resize,
    "Upsample": resize,
    "Dropout": dropout,
    "LRN": lrn,
    "Identity": same_tensor,
    "Cast": same_tensor,
    "Shape": shape,
    "Transpose": views.transpose,
    "Div": views.divide,
    "Erf": views.erf,
    "LayerNormalization": views.layernorm,
    "GroupNormalization": views.groupnorm,
    "Slice": views.data_slice,
    "Split": views.split,
    "ReduceMean": _reduce("avg"),
    "ReduceMax": _reduce("max"),
    **{op_type: _activation(fn) for op_type, fn in ACTIVATIONS.items()},
}
