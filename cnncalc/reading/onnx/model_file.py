"""Reading an ONNX file: its own size bound, the graph without the weights' values.

A model file carries its weights (a ResNet-18 export is 46 MB, VGG-16 over 500 MB),
yet an import needs only the graph and each initializer's shape. So the file is
mapped, not read, and scanned at the protobuf wire level: every field is copied except
the values of large initializers, which are skipped without being touched. Only that
stripped copy is decoded by onnx. Small initializers (shape constants, Reshape
targets) keep their values.
"""

from __future__ import annotations

import mmap
import os
from typing import Any

from cnncalc.errors import CnncalcError

MODEL_BYTES_VARIABLE = "CNNCALC_MAX_MODEL_BYTES"
# Protobuf refuses messages over 2 GiB, so one ONNX file holds at most that much.
DEFAULT_MODEL_BYTES = 2**31
# Initializers up to this size keep their values (constants the graph computes with);
# larger ones are weights, of which only the shape is read.
SMALL_TENSOR_BYTES = 4096
INSTALL_HINT = "pip install 'cnncalc[onnx]'"

# Field numbers of onnx.proto: ModelProto.graph, GraphProto.initializer, and the
# TensorProto fields that hold values (float, int32, string, int64, raw, double, uint64).
_MODEL_GRAPH = 7
_GRAPH_INITIALIZER = 5
_TENSOR_VALUES = frozenset({4, 5, 6, 7, 9, 10, 11})
_LENGTH_DELIMITED = 2


class ModelError(CnncalcError):
    """A model file that cannot be imported: ``FILE: message``, no line or column."""

    def __str__(self) -> str:
        # Names from the model may hold line breaks: the error stays one line.
        return one_line(f"{self.source}: {self.message}")


def one_line(text: str) -> str:
    """Text that prints on one line: anything unprintable becomes ?."""
    return "".join(c if c.isprintable() else "?" for c in text)


def max_model_bytes() -> int:
    text = os.environ.get(MODEL_BYTES_VARIABLE, "").strip()
    if not text:
        return DEFAULT_MODEL_BYTES
    try:
        value = int(text.replace("_", "")) if len(text) <= 20 else 0
    except ValueError:
        value = 0
    if value <= 0:
        raise ModelError(
            "$" + MODEL_BYTES_VARIABLE,
            None,
            f"must be a positive whole number (default {DEFAULT_MODEL_BYTES}), got {text[:40]!r}",
        )
    return value


def onnx_module() -> Any:
    """The onnx package, or the one-line error that names the install command."""
    try:
        import onnx
    except ImportError:
        raise ModelError(
            "onnx", None, f"reading ONNX models needs the onnx package: {INSTALL_HINT}"
        ) from None
    return onnx


def read_model(path: str) -> Any:
    """The model's graph, with large initializers reduced to their name, type and shape."""
    onnx = onnx_module()
    bound = max_model_bytes()
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > bound:
                raise ModelError(
                    path,
                    None,
                    f"the model file is larger than {bound:,} bytes ({MODEL_BYTES_VARIABLE})",
                )
            if size == 0:
                raise ModelError(path, None, "the file is empty, not an ONNX model")
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                stripped = _strip_model(data, path)
    except FileNotFoundError:
        raise ModelError(path, None, "no such file") from None
    except IsADirectoryError:
        raise ModelError(path, None, "is a directory, not an ONNX model") from None
    except PermissionError:
        raise ModelError(path, None, "permission denied: cannot read this file") from None
    except (OSError, ValueError) as exc:
        raise ModelError(path, None, f"cannot read this file: {exc}") from None
    model = onnx.ModelProto()
    try:
        model.ParseFromString(stripped)
    except Exception as exc:  # protobuf's DecodeError and its relatives
        raise ModelError(
            path, None, f"not an ONNX model (protobuf decoding failed: {exc})"
        ) from None
    if not model.HasField("graph"):
        raise ModelError(path, None, "not an ONNX model: it holds no graph")
    return model


# --- the protobuf wire format, as far as skipping needs it ------------------------------


def _varint(data: Any, position: int, end: int, path: str) -> tuple[int, int]:
    value = 0
    shift = 0
    while True:
        if position >= end or shift > 63:
            raise _broken(path, position)
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, position


def _broken(path: str, position: int) -> ModelError:
    return ModelError(
        path, None, f"not an ONNX model, or a truncated one (bad protobuf data at byte {position})"
    )


def _fields(data: Any, start: int, end: int, path: str) -> list[tuple[int, int, int, int]]:
    """(field number, wire type, start of the field's key, end of the field) of each field."""
    found = []
    position = start
    while position < end:
        key_start = position
        key, position = _varint(data, position, end, path)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise _broken(path, key_start)
        if wire == 0:
            _, position = _varint(data, position, end, path)
        elif wire == 1:
            position += 8
        elif wire == _LENGTH_DELIMITED:
            length, position = _varint(data, position, end, path)
            position += length
        elif wire == 5:
            position += 4
        else:  # groups (3, 4) are not used by onnx.proto; anything else is not protobuf
            raise _broken(path, key_start)
        if position > end:
            raise _broken(path, key_start)
        found.append((number, wire, key_start, position))
    return found


def _payload(data: Any, key_start: int, end: int, path: str) -> int:
    """Where a length-delimited field's bytes start."""
    _, position = _varint(data, key_start, end, path)
    _, position = _varint(data, position, end, path)
    return position


def _length_delimited(number: int, body: bytes) -> bytes:
    return _encode_varint(number << 3 | _LENGTH_DELIMITED) + _encode_varint(len(body)) + body


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        low = value & 0x7F
        value >>= 7
        if value:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def _strip_model(data: Any, path: str) -> bytes:
    out = bytearray()
    for number, wire, key_start, end in _fields(data, 0, len(data), path):
        if number == _MODEL_GRAPH and wire == _LENGTH_DELIMITED:
            graph = _strip_graph(data, _payload(data, key_start, end, path), end, path)
            out += _length_delimited(number, graph)
        else:
            out += data[key_start:end]
    return bytes(out)


def _strip_graph(data: Any, start: int, end: int, path: str) -> bytes:
    out = bytearray()
    for number, wire, key_start, field_end in _fields(data, start, end, path):
        payload = _payload(data, key_start, field_end, path) if wire == _LENGTH_DELIMITED else 0
        if (
            number == _GRAPH_INITIALIZER
            and wire == _LENGTH_DELIMITED
            and field_end - payload > SMALL_TENSOR_BYTES
        ):
            tensor = bytearray()
            for t_number, _, t_start, t_end in _fields(data, payload, field_end, path):
                if t_number not in _TENSOR_VALUES:
                    tensor += data[t_start:t_end]
            out += _length_delimited(number, bytes(tensor))
        else:
            out += data[key_start:field_end]
    return bytes(out)
