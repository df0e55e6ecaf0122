"""Shape arithmetic on constants, computed rather than reported.

Exporters leave small computations in graphs: PyTorch's `F.pad` becomes Shape, Gather,
Sub, ConstantOfShape, Concat, Reshape, Slice, Transpose and Cast ahead of a Pad; a
`view(x.size(0), -1)` becomes Shape, Gather, Unsqueeze and Concat ahead of a Reshape.
When every input of such a node is a known constant, its result is computed here
(numpy, installed with onnx), and the graph walk follows it. One op type, one entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from cnncalc.reading.onnx.graph import Fold, Step

Array = np.ndarray[Any, Any]


def _axes(step: Step, values: list[Array | None], index: int) -> list[int] | None:
    """Axes given as an input (newer opsets) or as an attribute (older ones)."""
    if index < len(values) and values[index] is not None:
        return [int(a) for a in np.asarray(values[index]).reshape(-1)]
    found = step.attribute("axes", None)
    return None if found is None else [int(a) for a in found]


def _constant(step: Step, values: list[Array | None]) -> list[Array]:
    for key in ("value", "value_int", "value_ints", "value_float", "value_floats"):
        if key in step.attributes:
            return [np.asarray(step.attributes[key])]
    raise ValueError("a Constant without a value, value_int(s) or value_float(s)")


def _cast(step: Step, values: list[Array | None]) -> list[Array]:
    to = step.walk.onnx.helper.tensor_dtype_to_np_dtype(step.attribute("to", 1))
    return [np.asarray(values[0]).astype(to)]


def _shape(step: Step, values: list[Array | None]) -> list[Array]:
    shape = np.asarray(values[0]).shape
    start, end = step.attribute("start", 0), step.attribute("end", None)
    return [np.array(shape[start:end], dtype=np.int64)]


def _gather(step: Step, values: list[Array | None]) -> list[Array]:
    return [np.take(np.asarray(values[0]), np.asarray(values[1]), axis=step.attribute("axis", 0))]


def _unsqueeze(step: Step, values: list[Array | None]) -> list[Array]:
    result = np.asarray(values[0])
    axes = _axes(step, values, 1) or []
    rank = result.ndim + len(axes)
    for axis in sorted(a % rank for a in axes):
        result = np.expand_dims(result, axis)
    return [result]


def _squeeze(step: Step, values: list[Array | None]) -> list[Array]:
    axes = _axes(step, values, 1)
    return [np.squeeze(np.asarray(values[0]), axis=None if axes is None else tuple(axes))]


def _concat(step: Step, values: list[Array | None]) -> list[Array]:
    return [np.concatenate([np.asarray(v) for v in values], axis=step.attribute("axis", 0))]


def _slice(step: Step, values: list[Array | None]) -> list[Array]:
    data = np.asarray(values[0])
    if len(values) > 1:  # opset 10 and later: starts, ends, axes, steps as inputs
        starts = [int(v) for v in np.asarray(values[1]).reshape(-1)]
        ends = [int(v) for v in np.asarray(values[2]).reshape(-1)]
        axes = _axes(step, values, 3) or list(range(len(starts)))
        steps = (
            [int(v) for v in np.asarray(values[4]).reshape(-1)]
            if len(values) > 4 and values[4] is not None
            else [1] * len(starts)
        )
    else:
        starts, ends = list(step.attribute("starts", [])), list(step.attribute("ends", []))
        axes = list(step.attribute("axes", range(len(starts))))
        steps = [1] * len(starts)
    index = [slice(None)] * data.ndim
    for start, end, axis, stride in zip(starts, ends, axes, steps, strict=True):
        size = data.shape[axis]
        # ONNX's sentinels (INT64_MAX: to the end; INT64_MIN: back to the start) brought
        # into the axis's range, where Python's slice reads them the same way.
        index[axis] = slice(_clamp(start, size), _clamp(end, size), stride)
    return [data[tuple(index)]]


def _clamp(bound: int, size: int) -> int:
    return max(-size - 1, min(size + 1, bound))


def _reshape(step: Step, values: list[Array | None]) -> list[Array]:
    data = np.asarray(values[0])
    target = [int(v) for v in np.asarray(values[1]).reshape(-1)]
    if not step.attribute("allowzero", 0):
        target = [data.shape[i] if t == 0 else t for i, t in enumerate(target)]
    return [data.reshape(target)]


def _transpose(step: Step, values: list[Array | None]) -> list[Array]:
    return [np.transpose(np.asarray(values[0]), step.attribute("perm", None))]


def _constant_of_shape(step: Step, values: list[Array | None]) -> list[Array]:
    shape = [int(v) for v in np.asarray(values[0]).reshape(-1)]
    if any(d < 0 for d in shape) or int(np.prod(shape, dtype=object)) > 1_000_000:
        raise ValueError(f"a constant of shape {shape}")
    fill = step.attribute("value", np.zeros(1, dtype=np.float32))
    return [np.full(shape, np.asarray(fill).reshape(-1)[0], dtype=np.asarray(fill).dtype)]


def _binary(function: Any) -> Fold:
    def fold(step: Step, values: list[Array | None]) -> list[Array]:
        return [np.asarray(function(np.asarray(values[0]), np.asarray(values[1])))]

    return fold


def _unary(function: Any) -> Fold:
    def fold(step: Step, values: list[Array | None]) -> list[Array]:
        return [np.asarray(function(np.asarray(values[0])))]

    return fold


def _divide(a: Array, b: Array) -> Array:
    if np.issubdtype(a.dtype, np.integer) and np.issubdtype(b.dtype, np.integer):
        return np.asarray(np.trunc(a / b).astype(a.dtype))  # ONNX's integer Div truncates
    return np.asarray(a / b)


def _identity(step: Step, values: list[Array | None]) -> list[Array]:
    return [np.asarray(values[0])]


FOLDS: dict[str, Fold] = {
    "Constant": _constant,
    "Identity": _identity,
    "Cast": _cast,
    "Shape": _shape,
    "Gather": _gather,
    "Unsqueeze": _unsqueeze,
    "Squeeze": _squeeze,
    "Concat": _concat,
    "Slice": _slice,
    "Reshape": _reshape,
    "Transpose": _transpose,
    "ConstantOfShape": _constant_of_shape,
    "Add": _binary(np.add),
    "Sub": _binary(np.subtract),
    "Mul": _binary(np.multiply),
    "Div": _binary(_divide),
    "Min": _binary(np.minimum),
    "Max": _binary(np.maximum),
    "Equal": _binary(np.equal),
    "Neg": _unary(np.negative),
    "Floor": _unary(np.floor),
    "Ceil": _unary(np.ceil),
}
