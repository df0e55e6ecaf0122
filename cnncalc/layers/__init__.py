"""The registry of layer kinds: `type:` in a file names one of these."""

from __future__ import annotations

from cnncalc.layers.base import Figures, LayerError, LayerKind, Note, Shape
from cnncalc.layers.channel_shuffle import ChannelShuffle
from cnncalc.layers.conv import Conv
from cnncalc.layers.crop import Crop
from cnncalc.layers.dense import Dense, Rbf
from cnncalc.layers.elementwise import Activation, Dropout, Flatten
from cnncalc.layers.groupnorm import GroupNorm
from cnncalc.layers.instancenorm import InstanceNorm
from cnncalc.layers.layernorm import LayerNorm
from cnncalc.layers.merge import Add, Concat
from cnncalc.layers.multiply import Multiply
from cnncalc.layers.norm import BatchNorm, Lrn
from cnncalc.layers.pad import Pad
from cnncalc.layers.pool import GlobalPool, Pool, Subsample
from cnncalc.layers.prelu import PRelu
from cnncalc.layers.resize import AdaptivePool, Upsample
from cnncalc.layers.scale import Scale
from cnncalc.layers.split import Split
from cnncalc.layers.transpose import ConvTranspose

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
