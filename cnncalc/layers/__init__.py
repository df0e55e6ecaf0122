"""The registry of layer kinds: `type:` in a file names one of these."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import import_module
from typing import Any

from cnncalc.layers.base import Figures, LayerError, LayerKind, Note, Shape

# type name -> (module under cnncalc.layers, class), in the order errors list them.
# A kind's module is imported the first time a file uses it: each kind is a slotted
# Record, and importing it costs start-up time a LeNet-5 does not need to pay.
_WHERE = {
    "conv": ("conv", "Conv"),
    "pool": ("pool", "Pool"),
    "subsample": ("pool", "Subsample"),
    "global_pool": ("pool", "GlobalPool"),
    "dense": ("dense", "Dense"),
    "rbf": ("dense", "Rbf"),
    "batchnorm": ("norm", "BatchNorm"),
    "activation": ("elementwise", "Activation"),
    "flatten": ("elementwise", "Flatten"),
    "dropout": ("elementwise", "Dropout"),
    "lrn": ("norm", "Lrn"),
    "add": ("merge", "Add"),
    "concat": ("merge", "Concat"),
    "conv_transpose": ("transpose", "ConvTranspose"),
    "upsample": ("resize", "Upsample"),
    "adaptive_pool": ("resize", "AdaptivePool"),
    "pad": ("pad", "Pad"),
}


class _Kinds(Mapping[str, type[LayerKind]]):
    """A read-only mapping that imports a kind's module on first use."""

    def __init__(self) -> None:
        self._loaded: dict[str, type[LayerKind]] = {}

    def __getitem__(self, type_name: str) -> type[LayerKind]:
        kind = self._loaded.get(type_name)
        if kind is None:
            module, name = _WHERE[type_name]
            kind = getattr(import_module(f"cnncalc.layers.{module}"), name)
            assert kind.type_name == type_name
            self._loaded[type_name] = kind
        return kind

    def get(self, type_name: str, default: Any = None) -> Any:
        # Mapping.get goes through __getitem__ and a try/except: once per layer.
        kind = self._loaded.get(type_name)
        if kind is not None:
            return kind
        return self[type_name] if type_name in _WHERE else default

    def __iter__(self) -> Iterator[str]:
        return iter(_WHERE)

    def __len__(self) -> int:
        return len(_WHERE)

    def __contains__(self, type_name: object) -> bool:
        return type_name in _WHERE


KINDS: Mapping[str, type[LayerKind]] = _Kinds()

__all__ = ["KINDS", "Figures", "LayerError", "LayerKind", "Note", "Shape"]
