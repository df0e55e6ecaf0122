"""ShuffleNet's channel shuffle (torch.nn.ChannelShuffle): channels regrouped so that
the next grouped conv mixes groups; a permutation, so no figures."""

from __future__ import annotations

from collections.abc import Sequence

from cnncalc.model.layers.base import LayerKind, Note, Shape
from cnncalc.model.layers.groupnorm import grouped
from cnncalc.model.receptive import Window
from cnncalc.reading import fields as f


class ChannelShuffle(LayerKind):
    type_name = "channel_shuffle"
    fields = (f.Field("groups", f.positive, f.REQUIRED, "groups; must divide the channels"),)

    groups: int

    def window(self, inputs: Sequence[Shape]) -> Window | None:
        return None  # a channel moves, its positions stay

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        return grouped(inputs[0], self.groups)
