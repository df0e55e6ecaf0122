"""An existing model (ONNX) as an architecture file: `cnncalc import`, `cnncalc show model.onnx`.

    imported = import_model("resnet18.onnx")          # layers, skipped nodes
    text = to_yaml(imported)                          # the architecture file's text
    arch = load_model("resnet18.onnx")                # the same text, loaded

Both commands go through `to_yaml`, so what `show` reports is what the written file
gives. The onnx package is an optional extra, imported only here.
"""

from __future__ import annotations

from cnncalc.model.layers import Shape
from cnncalc.reading.architecture import Architecture, from_text
from cnncalc.reading.onnx.graph import Imported, Walk
from cnncalc.reading.onnx.model_file import ModelError, read_model
from cnncalc.reading.onnx.writer import to_yaml

MODEL_SUFFIXES = (".onnx",)


def is_model(argument: str) -> bool:
    return argument.lower().endswith(MODEL_SUFFIXES)


def import_model(
    path: str, input_shape: Shape | None = None, skip_unsupported: bool = False
) -> Imported:
    """The model's layers. An operator cnncalc cannot express is an error naming it,
    unless ``skip_unsupported``: then it is left out and listed in ``skipped``."""
    from cnncalc.reading.onnx.folding import FOLDS
    from cnncalc.reading.onnx.operators import OPERATORS

    model = read_model(path)
    imported = Walk(path, OPERATORS, FOLDS, skip_unsupported).run(model, input_shape)
    if not imported.layers:
        raise ModelError(path, None, "the model has no layer that cnncalc counts")
    return imported


def load_model(path: str, input_shape: Shape | None = None) -> Architecture:
    """The architecture `cnncalc import` would write for this model, loaded."""
    return from_text(to_yaml(import_model(path, input_shape)), path)


__all__ = ["Imported", "ModelError", "import_model", "is_model", "load_model", "to_yaml"]
