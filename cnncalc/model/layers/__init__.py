"""The registry of layer kinds: `type:` in a file names one of these."""

from __future__ import annotations

from cnncalc.model.layers.base import Figures, LayerError, LayerKind, Note, Shape
from cnncalc.model.layers.channel_shuffle import ChannelShuffle
from cnncalc.model.layers.conv import Conv
from cnncalc.model.layers.crop import Crop
from cnncalc.model.layers.dense import Dense, Rbf
from cnncalc.model.layers.elementwise import Activation, Dropout, Flatten
from cnncalc.model.layers.groupnorm import GroupNorm
from cnncalc.model.layers.instancenorm import InstanceNorm
from cnncalc.model.layers.layernorm import LayerNorm
from cnncalc.model.layers.merge import Add, Concat
from cnncalc.model.layers.multiply import Multiply
from cnncalc.model.layers.norm import BatchNorm, Lrn
from cnncalc.model.layers.pad import Pad
from cnncalc.model.layers.pool import GlobalPool, Pool, Subsample
from cnncalc.model.layers.prelu import PRelu
from cnncalc.model.layers.resize import AdaptivePool, Upsample
from cnncalc.model.layers.scale import Scale
from cnncalc.model.layers.split import Split
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
        Multiply,
        LayerNorm,
        GroupNorm,
        InstanceNorm,
        Scale,
        ChannelShuffle,
        Crop,
        Split,
    )
}

__all__ = ["KINDS", "Figures", "LayerError", "LayerKind", "Note", "Shape"]
