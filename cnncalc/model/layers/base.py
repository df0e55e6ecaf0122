"""What every layer kind provides: declared fields, an output shape, its figures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from cnncalc.model.layers.steps import Step, derive
from cnncalc.model.layers.terms import NUMBERS, Numbers, Symbols
from cnncalc.model.receptive import UNMAPPED, WindowSpec
from cnncalc.model.shapes import AXIS_NAMES, PerAxis
from cnncalc.model.shapes import Shape as Shape  # the kinds import both from here
from cnncalc.model.shapes import units as units
from cnncalc.reading.fields import Field
from cnncalc.record import Record


class Figures(Record):
    """The counts of docs/figures.md that depend on the kind (neurons do not)."""

    params: int = 0
    non_trainable: int = 0
    params_unshared: int = 0
    params_dense: int = 0
    connections: int = 0
    macs: int = 0


NO_FIGURES = Figures()  # a kind without parameters, links or MACs


class Computed(Record):
    """What a kind computes for one layer from its input shapes."""

    output: Shape
    figures: Figures
    window: WindowSpec


class LayerError(Exception):
    """A layer's settings do not fit its input; ``field`` names the value to point at."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Note(Record):
    """A warning about a layer (for example input rows that no window reaches)."""

    message: str
    field: str | None = None


class LayerKind(Record):
    """Base of every layer kind: an immutable Record of the kind's settings.

    Subclasses declare ``type_name`` and ``fields`` and compute their own output shape
    and figures; nothing outside the kind looks at its type to pick a formula.
    """

    type_name: ClassVar[str]
    fields: ClassVar[tuple[Field, ...]] = ()
    # "one": reads one tensor (`input: NAME`, default the previous layer);
    # "many": a merge that names its `inputs`.
    arity: ClassVar[str] = "one"
    # A setting that names a layer read for its shape only, appended as the last input
    # (crop's `like`); None for kinds that read every input for its values.
    reference_field: ClassVar[str | None] = None

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> LayerKind:
        return cls(**values)

    def output_shape(self, inputs: Sequence[Shape], notes: list[Note]) -> Shape:
        raise NotImplementedError

    def figures(self, inputs: Sequence[Shape], output: Shape, x: Numbers = NUMBERS) -> Figures:
        """The figures, each formula written once over numbers asked of ``x``
        (``x.num("filters", self.filters)``): plain ints for the analysis, terms that
        carry their formula for `derivation` (see `terms`)."""
        return NO_FIGURES

    def compute(self, inputs: Sequence[Shape], notes: list[Note]) -> Computed:
        """The output shape, figures and window of a layer on these inputs, as the
        analysis asks for them. A kind whose three share work (a sliding window's
        per-axis settings) overrides this to do that work once."""
        output = self.output_shape(inputs, notes)
        return Computed(output, self.figures(inputs, output), self.window(inputs))

    def outputs(self) -> int:
        """How many parts later layers may name as NAME.0, NAME.1, ... (a split's);
        0 for a kind whose output is one tensor, read as NAME."""
        return 0

    def part_shapes(self, shape: Shape) -> tuple[Shape, ...]:
        """The shape of each named part, from the input's (see `outputs`)."""
        return ()

    def references(self) -> int:
        """How many of the layer's inputs are read for their shape only (0 or 1)."""
        if self.reference_field is None:
            return 0
        return 0 if getattr(self, self.reference_field) is None else 1

    def window(self, inputs: Sequence[Shape]) -> WindowSpec:
        """How an output position reads its input, per spatial axis (receptive fields).

        ``None``: output position o reads input position o only, as activations,
        normalisation and merges do. Window layers return their kernel, stride, leading
        padding and dilation per axis; layers whose every unit reads the whole input
        return `receptive.whole_input(inputs[0])`. This default, `receptive.UNMAPPED`,
        says "no single window": no receptive field is reported past the layer, so a
        new kind that forgets this hook shows nothing rather than something wrong.
        """
        return UNMAPPED

    def shape_steps(self, inputs: Sequence[Shape], output: Shape) -> list[Step]:
        """The steps of `cnncalc explain` that derive the output shape, if it changes:
        the kind's `output_shape` written over ``x`` and evaluated over terms
        (`steps.output_steps`), so the shape is stated once."""
        return []

    def notes(self, inputs: Sequence[Shape], output: Shape) -> dict[str, str]:
        """What `cnncalc explain` says beside a step, by its key."""
        return {}

    def derivation(self, inputs: Sequence[Shape], output: Shape) -> list[Step]:
        """The steps of `cnncalc explain`: the output shape's, the neurons, then the
        formulas of `figures` as written, with the numbers substituted."""
        x = Symbols()
        figures = self.figures(inputs, output, x)
        return derive(
            self.shape_steps(inputs, output), output, x.steps, figures, self.notes(inputs, output)
        )


def spatial(shape: Shape, kind: str) -> tuple[int, tuple[int, ...]]:
    """The input as (channels, spatial sizes); a flat input is an error here."""
    if len(shape) < 2:
        raise LayerError(
            f"{kind} needs a C×L, C×H×W or C×D×H×W input, but its input is a vector of "
            f"{units(shape):,} units; put it before the flatten or dense layer"
        )
    if len(shape) - 1 not in AXIS_NAMES:
        raise LayerError(
            f"{kind} takes 1, 2 or 3 spatial axes, but its input "
            f"{'×'.join(map(str, shape))} has {len(shape) - 1}"
        )
    return shape[0], shape[1:]


def rank_text(sizes: tuple[int, ...]) -> str:
    """'1-D (C×L)', '2-D (C×H×W)' or '3-D (C×D×H×W)'."""
    letters = "×".join(name[0].upper() for name in AXIS_NAMES[len(sizes)])
    return f"{len(sizes)}-D (C×{letters})"


def expand(value: PerAxis, shape: Shape, name: str) -> tuple[int, ...]:
    """A per-axis setting for each spatial axis of a C×… input; a list of another
    rank is an error naming both ranks."""
    if isinstance(value, int):
        return (value,) * (len(shape) - 1)
    sizes = shape[1:]
    if len(value) != len(sizes):
        raise LayerError(
            f"{name} {list(value)} is {len(value)}-D but its input "
            f"{'×'.join(map(str, shape))} is {rank_text(sizes)}; "
            f"give one integer or {len(sizes)} value{'s' if len(sizes) > 1 else ''}",
            name,
        )
    return value


def dense_equivalent(x: Numbers, inputs: Sequence[Shape], output: Shape, bias: bool) -> int:
    """A dense layer between the same input and output units: in·out (+ out with bias)."""
    in_units = x.num("in_units", units(inputs[0]) if len(inputs) == 1 else sum(map(units, inputs)))
    out_units = x.num("out_units", units(output))
    return in_units * out_units + out_units if bias else in_units * out_units
