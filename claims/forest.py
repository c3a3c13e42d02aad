"""Forest plot: effects with confidence intervals as inline SVG, drawn on the server.

Plain data in (`ForestRow`s, the null value, the unit), geometry out (`ForestPlot`: one
`RowGeometry` per item, the x of the line of no effect, axis ticks), then `render_svg(plot)`
gives accessible markup: a `<title>` and `<desc>` with every number, a dashed line of no
effect labelled in words, the unit under the axis, and marker shapes that tell the stance
apart without colour (filled square: supports; open square: contradicts; diamond: mixed).
Ratios (no effect at 1) are drawn on a log scale so 0.5 and 2 sit equally far from 1.
"""

import math
import textwrap
from dataclasses import dataclass
from html import escape

WIDTH = 480
LABEL_RIGHT = 150  # labels end here (right-aligned)
PLOT_LEFT, PLOT_RIGHT = 160, 464
TOP = 28  # room for the "No effect" label
ROW_HEIGHT = 28
AXIS_ROOM = 52  # axis line, tick labels and one line of unit
UNIT_LINE = 16  # each further line of a long unit
UNIT_WIDTH = 36  # characters per line of the unit under the axis (bold, up to 15px on phones)
LABEL_CHARS = 20  # longer labels are shortened in the drawing (the desc keeps them whole)
MARKER = 5  # half the side of a marker
NICE_STEPS = (1, 2, 5, 10)
LOG_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)
SHAPES = {"supports": "filled square", "contradicts": "open square", "mixed": "diamond"}


@dataclass(frozen=True)
class ForestRow:
    label: str
    value: float
    low: float
    high: float
    stance: str = "supports"


@dataclass(frozen=True)
class RowGeometry:
    row: ForestRow
    y: float
    x_low: float
    x_value: float
    x_high: float


@dataclass(frozen=True)
class ForestPlot:
    rows: tuple[RowGeometry, ...]
    ticks: tuple[tuple[float, float], ...]  # (value, x)
    x_null: float
    null_value: float
    unit: str
    height: float
    log_scale: bool

    @property
    def axis_y(self) -> float:
        return TOP + ROW_HEIGHT * len(self.rows) + 8

    @property
    def unit_lines(self) -> list[str]:
        return textwrap.wrap(self.unit, UNIT_WIDTH) or [""]


def nice_step(span: float) -> float:
    raw = span / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(step * magnitude for step in NICE_STEPS if step * magnitude >= raw)


def linear_ticks(low: float, high: float) -> list[float]:
    if high <= low:
        return [low - 1, low, low + 1]
    step = nice_step(high - low)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [round(i * step, 10) for i in range(first, last + 1)]


def log_ticks(low: float, high: float) -> list[float]:
    below = [t for t in LOG_TICKS if t <= low] or [LOG_TICKS[0]]
    above = [t for t in LOG_TICKS if t >= high] or [LOG_TICKS[-1]]
    ticks = [t for t in LOG_TICKS if below[-1] <= t <= above[0]]
    return ticks if len(ticks) > 1 else [ticks[0] / 2, ticks[0], ticks[0] * 2]


def forest_plot(
    rows: list[ForestRow], *, null_value: float = 0.0, unit: str = "", log_scale: bool = False
) -> ForestPlot:
    """Lay out rows top to bottom on one axis that holds every interval and the null value."""
    low = min([r.low for r in rows] + [null_value])
    high = max([r.high for r in rows] + [null_value])
    log_scale = log_scale and low > 0  # a ratio interval cannot reach 0; be safe if it does
    ticks = log_ticks(low, high) if log_scale else linear_ticks(low, high)
    scale = math.log if log_scale else float
    start, end = scale(ticks[0]), scale(ticks[-1])

    def x(value: float) -> float:
        return round(
            PLOT_LEFT + (scale(value) - start) / (end - start) * (PLOT_RIGHT - PLOT_LEFT), 1
        )

    geometry = tuple(
        RowGeometry(r, TOP + ROW_HEIGHT * i + ROW_HEIGHT / 2, x(r.low), x(r.value), x(r.high))
        for i, r in enumerate(rows)
    )
    return ForestPlot(
        rows=geometry,
        ticks=tuple((t, x(t)) for t in ticks),
        x_null=x(null_value),
        null_value=null_value,
        unit=unit,
        height=TOP + ROW_HEIGHT * len(rows) + AXIS_ROOM + UNIT_LINE * unit_extra_lines(unit),
        log_scale=log_scale,
    )


def unit_extra_lines(unit: str) -> int:
    return max(0, len(textwrap.wrap(unit, UNIT_WIDTH)) - 1)


def number(value: float) -> str:
    """1.0 -> '1', -0.25 -> '−0.25' (a true minus sign reads better than a hyphen)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace("-", "\u2212") if value < 0 else text


def describe_row(row: ForestRow) -> str:
    return f"{row.label}: {number(row.value)} (95% CI {number(row.low)} to {number(row.high)})"


def description(plot: ForestPlot) -> str:
    unit = f" in {plot.unit}" if plot.unit else ""
    items = "; ".join(describe_row(g.row) for g in plot.rows)
    return f"Effects{unit}, no effect at {number(plot.null_value)}. {items}."


def marker(geometry: RowGeometry) -> str:
    x, y, m = geometry.x_value, geometry.y, MARKER
    if geometry.row.stance == "mixed":
        points = f"{x},{y - m - 1} {x + m + 1},{y} {x},{y + m + 1} {x - m - 1},{y}"
        return f'<polygon class="fp-mark fp-mixed" points="{points}"/>'
    kind = "fp-against" if geometry.row.stance == "contradicts" else "fp-for"
    return (
        f'<rect class="fp-mark {kind}" x="{round(x - m, 1)}" y="{y - m}" '
        f'width="{2 * m}" height="{2 * m}"/>'
    )


def short_label(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "\u2026"


def row_markup(geometry: RowGeometry) -> str:
    y = geometry.y
    return (
        f'<g class="fp-row"><text class="fp-label" x="{LABEL_RIGHT}" y="{y + 4}" '
        f'text-anchor="end">{escape(short_label(geometry.row.label))}</text>'
        f'<line class="fp-ci" x1="{geometry.x_low}" y1="{y}" x2="{geometry.x_high}" y2="{y}"/>'
        f"{marker(geometry)}</g>"
    )


def axis_markup(plot: ForestPlot) -> str:
    axis_y = plot.axis_y
    parts = [
        f'<line class="fp-axis" x1="{PLOT_LEFT}" y1="{axis_y}" x2="{PLOT_RIGHT}" y2="{axis_y}"/>'
    ]
    for value, x in plot.ticks:
        parts.append(
            f'<line class="fp-tick" x1="{x}" y1="{axis_y}" x2="{x}" y2="{axis_y + 5}"/>'
            f'<text class="fp-tick-label" x="{x}" y="{axis_y + 18}" '
            f'text-anchor="middle">{number(value)}</text>'
        )
    middle = (PLOT_LEFT + PLOT_RIGHT) / 2
    for index, line in enumerate(plot.unit_lines):
        parts.append(
            f'<text class="fp-unit" x="{middle}" y="{axis_y + 38 + UNIT_LINE * index}" '
            f'text-anchor="middle">{escape(line)}</text>'
        )
    return "".join(parts)


def render_svg(plot: ForestPlot, *, ident: str = "forest") -> str:
    """The plot as an inline `<svg>`; `ident` makes the title and desc ids unique on a page."""
    ident = escape(ident)
    bottom = plot.axis_y
    scale = "log scale, " if plot.log_scale else ""
    return (
        f'<svg class="forest-plot" viewBox="0 0 {WIDTH} {plot.height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-title">Forest plot: effect and 95% confidence interval '
        f"of each study ({scale}{escape(plot.unit) or 'no unit'})</title>"
        f'<desc id="{ident}-desc">{escape(description(plot))}</desc>'
        f'<line class="fp-null" x1="{plot.x_null}" y1="{TOP - 6}" x2="{plot.x_null}" '
        f'y2="{bottom}"/>'
        f'<text class="fp-null-label" x="{plot.x_null}" y="{TOP - 12}" '
        f'text-anchor="middle">No effect</text>'
        + "".join(row_markup(g) for g in plot.rows)
        + axis_markup(plot)
        + "</svg>"
    )
