"""Forest plot geometry and markup: pure, no database."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.forest import (
    PLOT_LEFT,
    PLOT_RIGHT,
    TICK_GAP,
    WIDTH,
    ForestRow,
    forest_plot,
    render_svg,
    short_label,
    text_boxes,
)

ROWS = [
    ForestRow("Writing Group 1996", -1.0, -2.0, 0.0, "supports"),
    ForestRow("Prior 1997", 0.5, 0.0, 1.0, "contradicts"),
]


def test_linear_axis_spans_every_interval_with_nice_ticks():
    plot = forest_plot(ROWS, null_value=0.0, unit="BMD, % per year")
    assert [value for value, _ in plot.ticks] == [-2.0, -1.0, 0.0, 1.0]
    assert [x for _, x in plot.ticks] == [PLOT_LEFT, 226.7, 300.3, PLOT_RIGHT]
    assert plot.x_null == 300.3
    assert plot.height == 144


def test_rows_are_laid_out_top_to_bottom_at_their_values():
    first, second = forest_plot(ROWS).rows
    assert (first.y, first.x_low, first.x_value, first.x_high) == (45.0, 153.0, 226.7, 300.3)
    assert (second.y, second.x_low, second.x_value, second.x_high) == (75.0, 300.3, 337.2, 374.0)


def test_ratios_use_a_log_scale_centred_on_one():
    rows = [ForestRow("A", 0.5, 0.25, 1.0), ForestRow("B", 2.0, 1.0, 4.0)]
    plot = forest_plot(rows, null_value=1.0, unit="hazard ratio", log_scale=True)
    assert plot.log_scale
    assert [value for value, _ in plot.ticks] == [0.2, 0.5, 1, 2, 5]
    assert plot.x_null == (PLOT_LEFT + PLOT_RIGHT) / 2
    # 0.5 and 2 are equally far from 1: halving and doubling are the same size of effect.
    half, double = plot.rows[0].x_value, plot.rows[1].x_value
    assert round(plot.x_null - half, 1) == round(double - plot.x_null, 1) == 47.6
    assert plot.unit_lines == ["hazard ratio (log scale)"]


def test_ratios_far_from_one_get_fewer_ticks_that_still_hold_every_interval():
    rows = [ForestRow("A", 0.005, 0.001, 0.02), ForestRow("B", 50.0, 20.0, 400.0)]
    plot = forest_plot(rows, null_value=1.0, log_scale=True)
    values = [value for value, _ in plot.ticks]
    assert values == [0.0001, 0.01, 1.0, 100.0, 10000.0]
    assert all(PLOT_LEFT <= x <= PLOT_RIGHT for row in plot.rows for x in (row.x_low, row.x_high))


def test_a_ratio_interval_reaching_zero_falls_back_to_a_linear_axis():
    plot = forest_plot([ForestRow("A", 0.5, 0.0, 1.2)], null_value=1.0, log_scale=True)
    assert not plot.log_scale
    assert "(log scale)" not in render_svg(plot)


def test_axis_includes_the_null_value_when_every_interval_is_on_one_side():
    plot = forest_plot([ForestRow("A", 3.0, 2.0, 4.0)], null_value=0.0)
    assert plot.ticks[0] == (0.0, PLOT_LEFT)
    assert plot.x_null == PLOT_LEFT


def test_single_point_at_the_null_value_still_has_an_axis():
    plot = forest_plot([ForestRow("A", 0.0, 0.0, 0.0)], null_value=0.0)
    assert [value for value, _ in plot.ticks] == [-1.0, 0.0, 1.0]
    assert plot.x_null == 263.5


def test_no_effect_label_moves_inwards_at_the_right_edge():
    plot = forest_plot([ForestRow("A", 0.68, 0.38, 0.97)], null_value=1.0, log_scale=True)
    assert plot.x_null == PLOT_RIGHT
    assert plot.null_label_x < plot.x_null
    null_box = next(box for box in text_boxes(plot) if box.kind == "null")
    assert null_box.right <= WIDTH


def test_svg_has_title_desc_null_line_and_unit():
    svg = render_svg(forest_plot(ROWS, unit="BMD, % per year"), ident="fp-1")
    assert 'role="img" aria-labelledby="fp-1-title fp-1-desc"' in svg
    assert '<line class="fp-null" x1="300.3" y1="24" x2="300.3" y2="98"/>' in svg
    assert ">No effect</text>" in svg
    assert ">BMD, % per year</text>" in svg
    assert (
        '<desc id="fp-1-desc">Effects in BMD, % per year, no effect at 0. '
        "Writing Group 1996: \u22121 (95% CI \u22122 to 0); "
        "Prior 1997: 0.5 (95% CI 0 to 1).</desc>"
    ) in svg


def test_every_text_carries_the_font_size_the_layout_reserved_room_for():
    svg = render_svg(forest_plot(ROWS, unit="BMD"))
    texts = re.findall(r"<text [^>]*>", svg)
    assert texts
    assert all(re.search(r'font-size="1[34]"', text) for text in texts)


def test_markers_differ_by_shape_not_only_colour():
    rows = [*ROWS, ForestRow("Mixed 2001", 0.2, -0.5, 0.9, "mixed")]
    svg = render_svg(forest_plot(rows))
    assert '<rect class="fp-mark fp-for" x="221.7" y="40.0" width="10" height="10"/>' in svg
    assert 'class="fp-mark fp-against"' in svg
    assert re.search(r'<polygon class="fp-mark fp-mixed" points="[^"]+"/>', svg)


def test_labels_and_unit_are_escaped():
    rows = [ForestRow("<script>alert(1)</script>", 1.0, 0.0, 2.0)]
    svg = render_svg(forest_plot(rows, unit="a < b & c"))
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg or "&lt;script&gt;alert(1)&lt;" in svg
    assert ">a &lt; b &amp; c</text>" in svg


def test_long_unit_wraps_under_the_axis_and_the_plot_grows():
    unit = "spinal BMD, % change per year (estrogen-progestin minus estrogen)"
    plot = forest_plot([ForestRow("A", 0.68, 0.38, 0.97)], unit=unit)
    assert plot.unit_lines == [
        "spinal BMD, % change per year",
        "(estrogen-progestin minus",
        "estrogen)",
    ]
    assert plot.height == 30 + 30 + 54 + 2 * 17
    svg = render_svg(plot)
    second_line = '<text class="fp-unit" x="263.5" y="125" font-size="13" font-weight="600"'
    assert f'{second_line} text-anchor="middle">(estrogen-progestin minus</text>' in svg


@pytest.mark.parametrize(
    ("label", "short"),
    [
        ("Li 2014", "Li 2014"),
        ("Writing Group for the PEPI Trial 1996", "Writing Gr\u2026 1996"),
        ("Seifert-Klauss 2010", "Seifert-Kl\u2026 2010"),
        ("Anonymous n.d.", "Anonymous n.d."),
        ("A title with no year at all", "A title with no\u2026"),
    ],
)
def test_long_labels_are_shortened_keeping_the_year(label, short):
    assert short_label(label) == short
    assert len(short_label(label)) <= 16


def test_long_labels_are_shortened_in_the_drawing_but_whole_in_the_description():
    label = "Writing Group for the PEPI Trial 1996"
    svg = render_svg(forest_plot([ForestRow(label, 1.0, 0.0, 2.0)]))
    assert 'text-anchor="end">Writing Gr\u2026 1996</text>' in svg
    assert f"{label}: 1 (95% CI 0 to 2)" in svg


def assert_nothing_clips_or_overlaps(plot):
    boxes = text_boxes(plot)
    for box in boxes:
        assert box.left >= 0, box
        assert box.right <= WIDTH, box
    ticks = sorted((box for box in boxes if box.kind == "tick"), key=lambda box: box.left)
    for left, right in zip(ticks, ticks[1:], strict=False):
        assert right.left - left.right >= TICK_GAP, (left, right)
    for row in plot.rows:
        assert PLOT_LEFT <= row.x_low <= row.x_value <= row.x_high <= PLOT_RIGHT


WIDE_ROWS = [
    ForestRow("Writing Group for the PEPI Trial 1996", -12345.5, -23456.25, -0.125),
    ForestRow("WWWWWWWWWWWWWWWWWWWWWWWW", 0.001, -0.75, 0.5),
]


@pytest.mark.parametrize(
    ("rows", "options"),
    [
        (ROWS, {}),
        (WIDE_ROWS, {"unit": "x" * 120}),
        ([ForestRow("A", 0.68, 0.38, 0.97)], {"null_value": 1.0, "log_scale": True}),
        ([ForestRow("A", 1e-6, 1e-7, 1e-5)], {"null_value": 1.0, "log_scale": True}),
        ([ForestRow("A", 1e6, 1e5, 1e7)], {"null_value": 1.0, "log_scale": True}),
    ],
)
def test_no_text_clips_and_tick_numbers_never_touch(rows, options):
    assert_nothing_clips_or_overlaps(forest_plot(rows, **options))


interval = st.tuples(
    st.floats(-1e4, 1e4, allow_nan=False), st.floats(0, 1e4), st.floats(0, 1e4)
).map(lambda t: ForestRow("Study 2020", t[0], t[0] - t[1], t[0] + t[2]))
ratio = st.tuples(st.floats(-6, 6), st.floats(0, 3), st.floats(0, 3)).map(
    lambda t: ForestRow("Study 2020", 10 ** t[0], 10 ** (t[0] - t[1]), 10 ** (t[0] + t[2]))
)


@given(st.lists(interval, min_size=1, max_size=6))
def test_any_difference_plot_keeps_its_text_inside(rows):
    assert_nothing_clips_or_overlaps(forest_plot(rows))


@given(st.lists(ratio, min_size=1, max_size=6))
def test_any_ratio_plot_is_logarithmic_and_keeps_its_text_inside(rows):
    plot = forest_plot(rows, null_value=1.0, log_scale=True)
    assert plot.log_scale
    assert_nothing_clips_or_overlaps(plot)


def test_found_no_effect_is_an_open_circle():
    svg = render_svg(forest_plot([ForestRow("Null 2020", 1.0, 0.9, 1.1, "no_effect")]))
    assert re.search(r'<circle class="fp-mark fp-null-effect" cx="[\d.]+" cy="45.0" r="5"/>', svg)
