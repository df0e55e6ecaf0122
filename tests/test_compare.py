"""`compare`: shared, unshared and fully connected counts side by side, in every format.

Expected numbers: the reference values of docs/figures.md (AlexNet and LeNet-5 papers) and hand
arithmetic written out in the comments.
"""

from __future__ import annotations

import csv
import io
import json
from fractions import Fraction
from typing import Any

from click.testing import CliRunner
from conftest import CLI_ENV, run_cli
from rich.console import Console

from cnncalc.cli import cli
from cnncalc.figures.analysis import analyse
from cnncalc.reading import catalog
from cnncalc.render.compare import bar_length, comparison_table, decades, ratio_text
from cnncalc.reports.compare import compare

# The megapixel example of the weight-sharing articles: a 1000×1000 image, one 10×10
# kernel, the size kept with `padding: same`, no bias.
MEGAPIXEL = """\
name: megapixel
input: [1, 1000, 1000]
layers:
  - {name: hidden, type: conv, filters: 1, kernel: 10, padding: same, bias: false}
"""


def json_of(*args: str) -> Any:
    result = run_cli(["compare", *args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_alexnet_per_layer_matches_show() -> None:
    (document,) = json_of("alexnet", "--no-sharing")
    shown = json.loads(run_cli(["show", "alexnet", "--format", "json"]).stdout)
    assert len(document["layers"]) == len(shown["layers"])
    for compared, reference in zip(document["layers"], shown["layers"], strict=True):
        for key in ("name", "params", "params_unshared", "params_dense"):
            assert compared[key] == reference[key]
    conv1 = document["layers"][0]
    # docs/figures.md: conv1 has 34,944 parameters, 105,705,600 without sharing;
    # 105,705,600 / 34,944 = 3,025 (34,944 × 3,025 = 104,832,000 + 873,600).
    assert conv1["ratio_unshared"] == 105_705_600 / 34_944 == 3025
    assert "ratio_dense" not in conv1
    # the layers sum to the totals
    for key in ("params", "params_unshared", "params_dense"):
        assert sum(layer[key] for layer in document["layers"]) == document["totals"][key]
    totals = document["totals"]
    assert totals["ratio_unshared"] == totals["params_unshared"] / totals["params"]


def test_compare_without_flags_tells_the_sharing_story() -> None:
    result = run_cli(["compare", "alexnet"])
    line = next(line for line in result.stdout.splitlines() if line.strip().startswith("conv1"))
    # contract: conv1 has 34,944 parameters, 105,705,600 without sharing, 3,025 times more
    assert line.split()[2:5] == ["34,944", "105,705,600", "3,025×"]
    assert "Fully" not in result.stdout  # --dense adds it
    assert "No sharing: the parameters if every output position had weights" in result.stdout


def test_locally_connected_layers_are_labelled(write: Any) -> None:
    path = str(
        write(
            "name: t\ninput: [1, 8, 8]\nlayers:\n"
            "  - {name: a, type: conv, filters: 2, kernel: 3, sharing: false}\n"
            "  - {name: b, type: conv, filters: 2, kernel: 3}\n"
        )
    )
    lines = run_cli(["compare", path]).stdout.splitlines()
    a = next(line for line in lines if line.strip().startswith("a "))
    b = next(line for line in lines if line.strip().startswith("b "))
    # a: 6×6 positions × 2 filters × (3·3 + 1) = 720 either way, as the file says no sharing
    assert a.split()[1:5] == ["conv", "(local)", "720", "720"]
    # b reads a's 2×6×6: 2 filters × (3·3·2 + 1) = 38 shared; at each of 4×4 positions
    # without sharing: 16 × 38 = 608
    assert b.split()[1:4] == ["conv", f"{2 * (3 * 3 * 2 + 1)}", f"{4 * 4 * 2 * (3 * 3 * 2 + 1)}"]


def test_alexnet_table_shows_the_ratio() -> None:
    result = run_cli(["compare", "alexnet", "--no-sharing", "--dense"])
    assert result.exit_code == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.strip().startswith("conv1"))
    assert "34,944" in line and "105,705,600" in line and "3,025×" in line
    # fully connected: 3·227·227 = 154,587 inputs × 290,400 outputs + 290,400 biases
    assert f"{154_587 * 290_400 + 290_400:,}" in line
    # parameter-free layers (relu, lrn, pool, dropout) are not listed
    assert "relu1" not in result.stdout and "pool1" not in result.stdout
    assert "Total" in result.stdout and "log scale" in result.stdout


def test_no_arch_lists_every_bundled_architecture() -> None:
    documents = json_of("--no-sharing")
    titles = [catalog.load(name).name for name in catalog.names()]
    assert sorted(d["name"] for d in documents) == sorted(titles)
    result = CliRunner().invoke(
        cli, ["compare", "--format", "csv"], env=CLI_ENV, catch_exceptions=False
    )
    rows = list(csv.reader(io.StringIO(result.stdout)))
    # Without flags: with and without sharing and their ratio; no total row across
    # unrelated networks.
    assert rows[0] == ["architecture", "params", "params_unshared", "ratio_unshared"]
    assert sorted(row[0] for row in rows[1:]) == sorted(titles)
    table = run_cli(["compare"]).stdout
    assert "Total" not in table and "No sharing" in table


def test_megapixel_example(write: Any) -> None:
    path = str(write(MEGAPIXEL))
    (document,) = json_of(path, "--no-sharing", "--dense")
    (layer,) = document["layers"]
    # same padding, stride 1: the output stays 1000×1000 = 10^6 units
    assert layer["output"] == [1, 1000, 1000]
    # shared: one 10×10 kernel = 100; unshared: 10^6 positions × 100 = 10^8;
    # fully connected: 10^6 inputs × 10^6 outputs = 10^12 (no bias)
    assert layer["params"] == 100
    assert layer["params_unshared"] == 10**8
    assert layer["params_dense"] == 10**12
    assert layer["ratio_unshared"] == 10**6
    assert layer["ratio_dense"] == 10**10
    table = run_cli(["compare", path, "--no-sharing", "--dense"]).stdout
    assert "100,000,000" in table and "1,000,000,000,000" in table
    assert "1,000,000×" in table and "10,000,000,000×" in table


def test_several_architectures_markdown(write: Any) -> None:
    path = str(write(MEGAPIXEL))
    result = run_cli(["compare", "lenet5", "alexnet", path, "--no-sharing", "--format", "markdown"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "| Architecture | Params | No sharing | vs shared |"
    # LeNet-5 paper: 60,000 trainable parameters; 335,340 without sharing is the sum of
    # C1 122,304 + S2 2,352 + C3 151,600 + S4 800 + C5 48,120 + F6 10,164 (hand).
    assert "| LeNet-5 | 60,000 | 335,340 |" in result.stdout
    assert 122_304 + 2_352 + 151_600 + 800 + 48_120 + 10_164 == 335_340
    assert any(line.startswith("| megapixel | 100 | 100,000,000 | 1,000,000×") for line in lines)
    assert "Total" not in result.stdout  # no sum of unrelated networks
    assert "█" not in result.stdout and "#" not in result.stdout  # no bars


def test_csv_per_layer_and_no_ratio_without_parameters() -> None:
    result = run_cli(["compare", "lenet5", "--no-sharing", "--dense", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    by_name = {row["layer"]: row for row in rows}
    # LeNet-5 C1: 156 parameters, 122,304 without sharing: 122,304 / 156 = 784
    assert by_name["C1"]["params"] == "156"
    assert float(by_name["C1"]["ratio_unshared"]) == 784
    # OUTPUT's 840 parameters are fixed: 0 trainable, so no ratio
    assert by_name["OUTPUT"]["params"] == "0" and by_name["OUTPUT"]["ratio_unshared"] == ""
    assert rows[-1]["layer"] == "total" and rows[-1]["params"] == "60000"


def test_sort_and_top() -> None:
    result = run_cli(["compare", "alexnet", "--top", "2", "--format", "csv"])
    names = [row["layer"] for row in csv.DictReader(io.StringIO(result.stdout))]
    # fc6: 4,096 × (256·6·6 + 1) = 37,752,832; fc7: 4,096 × 4,097 = 16,781,312
    assert names == ["fc6", "fc7", "total"]
    result = run_cli(["compare", "alexnet", "--sort", "params_unshared", "--top", "1"])
    assert "conv2" in result.stdout and "conv1 " not in result.stdout
    assert "top 1 of 8" in result.stdout
    # by architecture: AlexNet (~61M) is heavier than LeNet-5 (60,000)
    documents = json_of("lenet5", "alexnet", "--top", "1")
    assert [d["name"] for d in documents] == ["AlexNet"]


def test_bar_scale() -> None:
    # 10^12 spans 12 factors of 10; on 36 characters that is 3 per factor of 10
    assert decades(10**12) == 12
    assert decades(12_936_564) == 8  # 10^7 < 12,936,564 < 10^8
    assert bar_length(10**12, 12, 36) == 36
    assert bar_length(100, 12, 36) == 6  # 2 factors of 10 × 3
    assert bar_length(0, 12, 36) == 0
    assert bar_length(1, 12, 36) == 1  # a non-zero count always shows


def test_ratio_text() -> None:
    assert ratio_text(Fraction(105_705_600, 34_944)) == "3,025×"
    assert ratio_text(Fraction(725, 61)) == "11.9×"
    assert ratio_text(None) == "-"


def _render(encoding: str) -> str:
    """The table as printed on a terminal whose encoding is ``encoding``."""
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding)
    console = Console(file=stream, width=120, color_system=None, legacy_windows=False)
    comparison = compare([analyse(catalog.load("lenet5"))])
    ascii_only = not encoding.startswith("utf")
    console.print(comparison_table(comparison, dense=True, ascii_only=ascii_only))
    stream.flush()
    return raw.getvalue().decode(encoding)


def test_bars_degrade_to_ascii() -> None:
    fancy = _render("utf-8")
    assert "█" in fancy and "▓" in fancy and "░" in fancy and "784×" in fancy
    plain = _render("ascii")
    plain.encode("ascii")  # nothing but ASCII
    assert "#" in plain and "=" in plain and "784x" in plain


def test_show_sort_and_top() -> None:
    result = run_cli(["show", "alexnet", "--sort", "macs", "--top", "3", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    # MACs = output neurons × fan-in, by hand:
    macs = {
        "conv1": 55 * 55 * 96 * (11 * 11 * 3),  # 105,415,200
        "conv2": 27 * 27 * 256 * (5 * 5 * 48),  # 223,948,800
        "conv3": 13 * 13 * 384 * (3 * 3 * 256),  # 149,520,384
        "conv4": 13 * 13 * 384 * (3 * 3 * 192),  # 112,140,288
        "conv5": 13 * 13 * 256 * (3 * 3 * 192),  # 74,760,192
        "fc6": 4096 * 256 * 6 * 6,
        "fc7": 4096 * 4096,
        "fc8": 1000 * 4096,
    }
    assert [layer["name"] for layer in document["layers"]] == ["conv2", "conv3", "conv4"]
    assert [layer["macs"] for layer in document["layers"]] == [
        macs["conv2"],
        macs["conv3"],
        macs["conv4"],
    ]
    # the totals still cover the whole network
    assert document["totals"]["macs"] == sum(macs.values())
    table = run_cli(["show", "alexnet", "--top", "2"])
    assert "Showing 2 of 22 layers by params" in table.stdout
    assert "fc6" in table.stdout and "conv1 " not in table.stdout


def test_top_must_be_positive() -> None:
    result = run_cli(["show", "alexnet", "--top", "0"])
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


def test_sort_choices_match_the_core() -> None:
    from cnncalc.cli.presentation import SORT_CHOICES
    from cnncalc.reports.compare import SORT_KEYS

    assert SORT_CHOICES == SORT_KEYS
