"""The registry of layer kinds: `type:` in a file names one of these."""

from __future__ import annotations

from cnncalc.model.layers.base import Figures, LayerError, LayerKind, Note, Shape
from cnncalc.model.layers.conv import Conv
from cnncalc.model.layers.dense import Dense, Rbf
from cnncalc.model.layers.elementwise import Activation, Dropout, Flatten
from cnncalc.model.layers.merge import Add, Concat
from cnncalc.model.layers.norm import BatchNorm, Lrn
from cnncalc.model.layers.pad import Pad
from cnncalc.model.layers.pool import GlobalPool, Pool, Subsample
from cnncalc.model.layers.prelu import PRelu
from cnncalc.model.layers.resize import AdaptivePool, Upsample
from cnncalc.model.layers.transpose import ConvTranspose

# In the order error messages list the types.
KINDS: dict[str, type[LayerKind]] = {
    kind.type_name: kind
    for kind in (
        Conv,
        Pool,
        Subsample,
        GlobalPool,
        Dense,
        Rbf,
        BatchNorm,
        Activation,
        Flatten,
        Dropout,
        Lrn,
        Add,
        Concat,
        ConvTranspose,
        Upsample,
        AdaptivePool,
        Pad,
        PRelu,
    )
}

__all__ = ["KINDS", "Figures", "LayerError", "LayerKind", "Note", "Shape"]
