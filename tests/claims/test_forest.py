"""Forest plot geometry and markup: pure, no database."""

import re

from claims.forest import ForestRow, forest_plot, render_svg

ROWS = [
    ForestRow("Writing Group 1996", -1.0, -2.0, 0.0, "supports"),
    ForestRow("Prior 1997", 0.5, 0.0, 1.0, "contradicts"),
]


def test_linear_axis_spans_every_interval_with_nice_ticks():
    plot = forest_plot(ROWS, null_value=0.0, unit="BMD, % per year")
    assert [value for value, _ in plot.ticks] == [-2.0, -1.0, 0.0, 1.0]
    assert [x for _, x in plot.ticks] == [160.0, 261.3, 362.7, 464.0]
    assert plot.x_null == 362.7
    assert plot.height == 136


def test_rows_are_laid_out_top_to_bottom_at_their_values():
    first, second = forest_plot(ROWS).rows
    assert (first.y, first.x_low, first.x_value, first.x_high) == (42.0, 160.0, 261.3, 362.7)
    assert (second.y, second.x_low, second.x_value, second.x_high) == (70.0, 362.7, 413.3, 464.0)


def test_ratios_use_a_log_scale_centred_on_one():
    rows = [ForestRow("A", 0.5, 0.25, 1.0), ForestRow("B", 2.0, 1.0, 4.0)]
    plot = forest_plot(rows, null_value=1.0, unit="hazard ratio", log_scale=True)
    assert [value for value, _ in plot.ticks] == [0.2, 0.5, 1, 2, 5]
    assert plot.x_null == 312.0
    assert (plot.rows[0].x_value, plot.rows[1].x_value) == (246.5, 377.5)


def test_axis_includes_the_null_value_when_every_interval_is_on_one_side():
    plot = forest_plot([ForestRow("A", 3.0, 2.0, 4.0)], null_value=0.0)
    assert plot.ticks[0] == (0.0, 160.0)
    assert plot.x_null == 160.0


def test_single_point_at_the_null_value_still_has_an_axis():
    plot = forest_plot([ForestRow("A", 0.0, 0.0, 0.0)], null_value=0.0)
    assert [value for value, _ in plot.ticks] == [-1.0, 0.0, 1.0]
    assert plot.x_null == 312.0


def test_svg_has_title_desc_null_line_and_unit():
    svg = render_svg(forest_plot(ROWS, unit="BMD, % per year"), ident="fp-1")
    assert 'role="img" aria-labelledby="fp-1-title fp-1-desc"' in svg
    assert '<line class="fp-null" x1="362.7" y1="22" x2="362.7" y2="92"/>' in svg
    assert ">No effect</text>" in svg
    assert ">BMD, % per year</text>" in svg
    assert (
        '<desc id="fp-1-desc">Effects in BMD, % per year, no effect at 0. '
        "Writing Group 1996: \u22121 (95% CI \u22122 to 0); "
        "Prior 1997: 0.5 (95% CI 0 to 1).</desc>"
    ) in svg


def test_markers_differ_by_shape_not_only_colour():
    rows = [*ROWS, ForestRow("Mixed 2001", 0.2, -0.5, 0.9, "mixed")]
    svg = render_svg(forest_plot(rows))
    assert '<rect class="fp-mark fp-for" x="256.3" y="37.0" width="10" height="10"/>' in svg
    assert 'class="fp-mark fp-against"' in svg
    assert re.search(r'<polygon class="fp-mark fp-mixed" points="[^"]+"/>', svg)


def test_labels_and_unit_are_escaped():
    rows = [ForestRow("<script>alert(1)</script>", 1.0, 0.0, 2.0)]
    svg = render_svg(forest_plot(rows, unit="a < b & c"))
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert ">a &lt; b &amp; c</text>" in svg


def test_long_unit_wraps_under_the_axis_and_the_plot_grows():
    unit = "spinal BMD, % change per year (estrogen-progestin minus estrogen)"
    plot = forest_plot([ForestRow("A", 0.68, 0.38, 0.97)], unit=unit)
    assert plot.unit_lines == [
        "spinal BMD, % change per year",
        "(estrogen-progestin minus estrogen)",
    ]
    assert plot.height == 28 + 28 + 52 + 16
    svg = render_svg(plot)
    second_line = '<text class="fp-unit" x="312.0" y="118" text-anchor="middle">'
    assert f"{second_line}(estrogen-progestin minus estrogen)</text>" in svg


def test_long_labels_are_shortened_in_the_drawing_but_whole_in_the_description():
    label = "Writing Group for the PEPI Trial 1996"
    svg = render_svg(forest_plot([ForestRow(label, 1.0, 0.0, 2.0)]))
    assert 'text-anchor="end">Writing Group for t\u2026</text>' in svg
    assert f"{label}: 1 (95% CI 0 to 2)" in svg
