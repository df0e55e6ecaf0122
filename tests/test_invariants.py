"""Properties every analysis must keep, on random layers and networks (no torch needed),
plus exact figures of the newer kinds from sources outside cnncalc.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import analyse_layers, only_layer
from hypothesis import given, settings
from hypothesis import strategies as st

from cnncalc.figures.analysis import Analysis, analyse
from cnncalc.figures.conventions import CONVENTIONS
from cnncalc.figures.memory import DTYPES
from cnncalc.names import FIGURE_KEYS
from cnncalc.reading import catalog
from cnncalc.reading.architecture import from_dict

FAST = settings(max_examples=150, deadline=None, derandomize=True, database=None)

pairs = st.one_of(st.integers(1, 4), st.tuples(st.integers(1, 4), st.integers(1, 4)).map(list))


@st.composite
def conv_layers(draw: Any, channels: int) -> dict[str, Any]:
    filters = draw(st.integers(1, 8))
    groups = draw(st.sampled_from([g for g in (1, 2, 3) if channels % g == 0 and filters % g == 0]))
    return {
        "type": "conv",
        "filters": filters,
        "kernel": draw(pairs),
        "stride": draw(pairs),
        "padding": draw(st.one_of(st.integers(0, 2), st.just("same"))),
        "dilation": draw(st.integers(1, 2)),
        "groups": groups,
        "bias": draw(st.booleans()),
        "sharing": draw(st.booleans()),
    }


@FAST
@given(st.data(), st.integers(1, 6), st.integers(8, 20))
def test_params_never_exceed_params_unshared(data: st.DataObject, channels: int, size: int) -> None:
    layer = data.draw(
        st.one_of(
            conv_layers(channels),
            st.fixed_dictionaries(
                {
                    "type": st.just("conv_transpose"),
                    "filters": st.integers(1, 6),
                    "kernel": st.integers(1, 4),
                    "stride": st.integers(1, 3),
                    "bias": st.booleans(),
                }
            ),
            st.fixed_dictionaries({"type": st.just("subsample"), "size": st.integers(1, 3)}),
            st.fixed_dictionaries({"type": st.just("batchnorm")}),
            st.fixed_dictionaries({"type": st.just("dense"), "units": st.integers(1, 9)}),
        )
    )
    row = only_layer((channels, size, size), layer)
    assert row.params <= row.params_unshared


@FAST
@given(st.data(), st.integers(1, 6), st.integers(8, 20))
def test_a_conv_with_bias_and_no_table_has_as_many_connections_as_unshared_params(
    data: st.DataObject, channels: int, size: int
) -> None:
    layer = {**data.draw(conv_layers(channels)), "bias": True}
    row = only_layer((channels, size, size), layer)
    assert row.connections == row.params_unshared
    # ...and one MAC per link that is not a bias: connections − neurons.
    assert row.macs == row.connections - row.neurons


@FAST
@given(
    st.integers(1, 5),
    st.integers(1, 30),
    st.integers(1, 30),
    st.integers(1, 7),
    st.integers(1, 3),
)
def test_same_padding_with_stride_one_keeps_the_size(
    channels: int, height: int, width: int, kernel: int, dilation: int
) -> None:
    row = only_layer(
        (channels, height, width),
        {"type": "conv", "filters": 3, "kernel": kernel, "padding": "same", "dilation": dilation},
    )
    assert row.output == (3, height, width)


@FAST
@given(st.integers(1, 6), st.integers(1, 16), st.integers(1, 4), st.integers(0, 2))
def test_conv_transpose_inverts_the_size_of_the_conv_with_the_same_settings(
    channels: int, size: int, stride: int, padding: int
) -> None:
    # If a conv (k, s, p) maps W to V, the transposed conv (k, s, p) maps V back to W
    # when output_padding adds the (W + 2p − k) mod s rows the conv's floor dropped.
    kernel = stride + 1
    if size + 2 * padding < kernel:
        return
    extra = (size + 2 * padding - kernel) % stride
    shape = (channels, size, size)
    conv = {"name": "down", "type": "conv", "filters": 2, "kernel": kernel, "stride": stride,
            "padding": padding}  # fmt: skip
    up = {"name": "up", "type": "conv_transpose", "filters": channels, "kernel": kernel,
          "stride": stride, "padding": padding, "output_padding": extra}  # fmt: skip
    if padding * 2 >= (size - 1) * stride + kernel:
        return
    analysis = analyse_layers(shape, conv, up)
    assert analysis.layer("up").output == shape


@FAST
@given(st.integers(1, 4), st.integers(1, 12), st.integers(1, 12))
def test_adaptive_pool_to_the_input_size_reads_each_unit_once(c: int, h: int, w: int) -> None:
    row = only_layer((c, h, w), {"type": "adaptive_pool", "size": [h, w]})
    assert row.output == (c, h, w)
    assert row.connections == row.neurons


def assert_totals_are_the_sums_of_the_rows(analysis: Analysis) -> None:
    # The analysis sums each distinct computation times its rows; here, row by row.
    for key in (*FIGURE_KEYS, "ops", "activation_bytes"):
        rows = [r for r in analysis.layers if key != "neurons" or r.has_parameters]
        assert analysis.totals.figure(key) == sum(r.figure(key) for r in rows), key
    values = analysis.totals.params + analysis.totals.non_trainable
    assert analysis.totals.param_bytes == values * DTYPES[analysis.dtype]


@pytest.mark.parametrize("name", catalog.names())
def test_totals_are_the_sums_of_the_rows(name: str) -> None:
    assert_totals_are_the_sums_of_the_rows(analyse(catalog.load(name)))


# A few layers drawn again and again: equal layers on equal inputs, computed once.
pool_of_layers = st.lists(
    st.one_of(
        st.builds(
            dict,
            type=st.just("conv"),
            filters=st.integers(1, 3),
            kernel=st.sampled_from([1, 3]),
            padding=st.just("same"),  # the size stays: any number of them fits
        ),
        st.just({"type": "activation", "fn": "relu"}),
        st.just({"type": "batchnorm"}),
    ),
    min_size=1,
    max_size=3,
)


@FAST
@given(
    st.data(), pool_of_layers, st.sampled_from(sorted(DTYPES)), st.sampled_from(sorted(CONVENTIONS))
)
def test_totals_of_repeated_layers_are_the_sums_of_the_rows(
    data: st.DataObject, pool: list[dict[str, Any]], dtype: str, count: str
) -> None:
    layers = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=12))
    arch = from_dict({"name": "t", "input": [2, 12, 12], "layers": layers})
    assert_totals_are_the_sums_of_the_rows(analyse(arch, dtype=dtype, count=count))


@pytest.mark.parametrize("name", catalog.names())
def test_every_row_of_every_bundled_architecture_keeps_the_invariants(name: str) -> None:
    for row in analyse(catalog.load(name)).layers:
        assert row.params <= row.params_unshared, row.name
        assert min(row.figure(k) for k in FIGURE_KEYS) >= 0, row.name
        if row.type in ("add", "concat", "flatten", "activation", "dropout", "pad"):
            assert row.params == row.connections == row.macs == 0, row.name


def test_a_repeated_block_expands_to_repeat_times_its_layers() -> None:
    # densenet121: 6 + 12 + 24 + 16 = 58 dense layers of 7 layers each; 3 transitions
    # of 4; a stem of 4; norm5, relu5, avgpool, classifier: 406 + 12 + 4 + 4 = 426.
    assert len(analyse(catalog.load("densenet121")).layers) == 426


# --- exact figures of the newer kinds --------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "size", "output", "params", "macs"),
    [
        # torch.nn.ConvTranspose2d counted by torch 2.13's flop_counter, flops / 2:
        # tests/reference/conv_transpose_flops.py.
        ((16, 8, 3, 2, 1, 1), 16, (8, 32, 32), 1_160, 294_912),
        ((512, 256, 4, 2, 1, 0), 7, (256, 14, 14), 2_097_408, 102_760_448),
        ((1, 1, 3, 1, 0, 0), 4, (1, 6, 6), 10, 144),
    ],
)
def test_conv_transpose_figures_equal_torchs(
    settings: tuple[int, ...], size: int, output: tuple[int, ...], params: int, macs: int
) -> None:
    cin, cout, kernel, stride, padding, extra = settings
    row = only_layer(
        (cin, size, size),
        {"type": "conv_transpose", "filters": cout, "kernel": kernel, "stride": stride,
         "padding": padding, "output_padding": extra},
    )  # fmt: skip
    assert (row.output, row.params, row.macs) == (output, params, macs)


def test_conv_transpose_connections_by_hand() -> None:
    # 16→8, k3, s2, p1, op1 on 16×16 → 32×32: each output unit reads 3·3·16 positions of
    # the zero-upsampled input plus its bias: 32·32·8·(144 + 1) = 1,187,840.
    row = only_layer(
        (16, 16, 16),
        {"type": "conv_transpose", "filters": 8, "kernel": 3, "stride": 2, "padding": 1,
         "output_padding": 1},
    )  # fmt: skip
    assert row.connections == row.params_unshared == 1_187_840


def test_upsample_adaptive_pool_and_pad_by_hand() -> None:
    up = only_layer((3, 5, 7), {"type": "upsample", "scale": [2, 3], "mode": "bilinear"})
    # 3×10×21 = 630 units, 4 links each (a 2×2 neighbourhood).
    assert (up.output, up.params, up.connections, up.macs) == ((3, 10, 21), 0, 2_520, 0)
    # PyTorch's adaptive windows on 5 → 3: [0,2), [1,4), [3,5): lengths 2 + 3 + 2 = 7
    # per axis; 2 channels · 7 · 7 = 98 links.
    pool = only_layer((2, 5, 5), {"type": "adaptive_pool", "size": 3})
    assert (pool.output, pool.connections) == ((2, 3, 3), 98)
    pad = only_layer((2, 5, 5), {"type": "pad", "padding": [1, 2, 0, 3]})
    assert (pad.output, pad.params, pad.connections) == ((2, 8, 8), 0, 0)
