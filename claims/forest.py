"""Forest plot: effects with confidence intervals as inline SVG, drawn on the server.

Plain data in (`ForestRow`s, the null value, the unit), geometry out (`ForestPlot`: one
`RowGeometry` per item, the x of the line of no effect, axis ticks), then `render_svg(plot)`
gives accessible markup: a `<title>` and `<desc>` with every number, a dashed line of no
effect labelled in words, the unit under the axis, and marker shapes that tell the stance
apart without colour (filled square: supports; open square: contradicts; open circle: found
no effect; diamond: mixed). A study whose paper was retracted is a hollow grey square with
the word "retracted" over it: it counts in no grade.
Ratios (no effect at 1) are drawn on a log scale so 0.5 and 2 sit equally far from 1.
"""

import math
import re
import textwrap
from dataclasses import dataclass, replace
from html import escape

# The drawing's own units (its viewBox). On a 390 px phone it is drawn about 0.9 times as
# large, on a desktop at most 1.2 times (see .forest in site.css), so 14-unit text stays at
# 12.5 px or more. Each text carries its font-size attribute (site.css sets none), and the
# geometry reserves room for every text at that size, so nothing is ever cut off.
WIDTH = 400
MARGIN = 4
LABEL_FONT = 14  # study labels
TICK_FONT = 14  # numbers under the axis
NULL_FONT = 13  # "No effect"
MARK_FONT = 11  # "retracted" over a retracted study's marker
UNIT_FONT = 13  # the unit under the axis (bold)
CHAR_EM = 0.6  # width of an average character in em (system sans-serif; digits are ~0.55)
BOLD_CHAR_EM = 0.64
LABEL_CHARS = 16  # longer labels are shortened in the drawing (the desc keeps them whole)
LABEL_RIGHT = MARGIN + math.ceil(LABEL_CHARS * CHAR_EM * LABEL_FONT)  # labels end here
PLOT_LEFT = LABEL_RIGHT + 14
PLOT_RIGHT = WIDTH - 26  # room for half of the last tick's number
TOP = 30  # room for the "No effect" label
ROW_HEIGHT = 30
AXIS_ROOM = 54  # axis line, tick labels and one line of unit
UNIT_LINE = 17  # each further line of a long unit
UNIT_WIDTH = int(2 * (WIDTH - MARGIN - (PLOT_LEFT + PLOT_RIGHT) / 2) / (BOLD_CHAR_EM * UNIT_FONT))
TICK_GAP = 8  # at least this much space between two tick numbers
MARKER = 5  # half the side of a marker
NICE_STEPS = (1, 2, 5, 10)
LINEAR_TICK_COUNTS = (4, 3, 2, 1)  # aim for this many intervals, fewer when numbers are wide
LOG_MANTISSAS = ((1, 2, 5), (1, 5), (1,))  # 0.5 1 2 5 ..., then 0.5 1 5 10, then 0.1 1 10


@dataclass(frozen=True)
class ForestRow:
    label: str
    value: float
    low: float
    high: float
    stance: str = "supports"
    ci_note: str = ""  # "derived from a P value": said wherever the interval is


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
    def axis_title(self) -> str:
        """The unit under the axis; a ratio axis says it is logarithmic."""
        return f"{self.unit} (log scale)".strip() if self.log_scale else self.unit

    @property
    def unit_lines(self) -> list[str]:
        return textwrap.wrap(self.axis_title, UNIT_WIDTH) or [""]

    @property
    def null_label_x(self) -> float:
        """Over the line of no effect, moved inwards when the line is near an edge."""
        half = text_width(NULL_LABEL, NULL_FONT) / 2
        return min(max(self.x_null, MARGIN + half), WIDTH - MARGIN - half)


NULL_LABEL = "No effect"
RETRACTED = "retracted"  # the stance of a row whose paper was retracted


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """A generous estimate of how wide `text` is drawn at font size `size`."""
    return len(text) * size * (BOLD_CHAR_EM if bold else CHAR_EM)


def nice_step(span: float, intervals: int = 4) -> float:
    raw = span / intervals
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(step * magnitude for step in NICE_STEPS if step * magnitude >= raw)


def linear_ticks(low: float, high: float, intervals: int = 4) -> list[float]:
    if high - low < 1e-9 * max(1.0, abs(low), abs(high)):  # one point, or nearly
        return [low - 1, low, low + 1]
    step = nice_step(high - low, intervals)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [round(i * step, 10) for i in range(first, last + 1)]


def log_ticks(low: float, high: float, mantissas: tuple = LOG_MANTISSAS[0]) -> list[float]:
    """Ticks m x 10^k (m in `mantissas`) from the last one <= low to the first one >= high."""
    if high <= low:
        return [low / 2, low, low * 2]
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    values = sorted(
        {float(f"{m * 10.0**k:.12g}") for k in range(first, last + 1) for m in mantissas}
    )
    below = max(v for v in values if v <= low)
    above = min(v for v in values if v >= high)
    return [v for v in values if below <= v <= above]


def decade_ticks(low: float, high: float, every: int) -> list[float]:
    """Powers of ten `every` decades apart (always through 1), holding [low, high]."""
    first = math.floor(math.log10(low) / every) if low > 0 else 0
    last = math.ceil(math.log10(high) / every) if high > 0 else 0
    return [float(f"{10.0 ** (every * k):.12g}") for k in range(first, max(last, first + 1) + 1)]


def tick_text(value: float) -> str:
    """A tick's number: 0.05 -> '0.05', 0.001 -> '0.001', -2 -> '−2'."""
    return (
        number(value) if abs(value) >= 0.01 or value == 0 else f"{value:g}".replace("-", "\u2212")
    )


def tick_labels(ticks) -> list[tuple[str, float, float]]:
    """(text, centre, half width) of each tick number, moved inwards when it would cross an edge.

    `ticks` are (value, x) pairs."""
    labels = []
    for value, x in ticks:
        text = tick_text(value)
        half = text_width(text, TICK_FONT) / 2
        labels.append((text, min(max(x, MARGIN + half), WIDTH - MARGIN - half), half))
    return labels


def ticks_fit(ticks: list[float], x) -> bool:
    """True when no two neighbouring tick numbers would touch."""
    labels = tick_labels([(value, x(value)) for value in ticks])
    return all(
        (right[1] - right[2]) - (left[1] + left[2]) >= TICK_GAP
        for left, right in zip(labels, labels[1:], strict=False)
    )


def axis(low: float, high: float, log_scale: bool):
    """The densest readable ticks holding [low, high], and the value -> x function."""
    candidates = (
        [log_ticks(low, high, mantissas) for mantissas in LOG_MANTISSAS]
        + [decade_ticks(low, high, every) for every in (2, 3, 4)]
        if log_scale
        else [linear_ticks(low, high, count) for count in LINEAR_TICK_COUNTS]
    )
    scale = math.log if log_scale else float
    for ticks in candidates:
        x = scaler(ticks, scale)
        if ticks_fit(ticks, x):
            return ticks, x
    ticks = [candidates[-1][0], candidates[-1][-1]]  # the two ends always fit
    return ticks, scaler(ticks, scale)


def scaler(ticks: list[float], scale):
    start, end = scale(ticks[0]), scale(ticks[-1])

    def x(value: float) -> float:
        return round(
            PLOT_LEFT + (scale(value) - start) / (end - start) * (PLOT_RIGHT - PLOT_LEFT), 1
        )

    return x


def forest_plot(
    rows: list[ForestRow], *, null_value: float = 0.0, unit: str = "", log_scale: bool = False
) -> ForestPlot:
    """Lay out rows top to bottom on one axis that holds every interval and the null value."""
    low = min([r.low for r in rows] + [null_value])
    high = max([r.high for r in rows] + [null_value])
    log_scale = log_scale and low > 0  # a ratio interval cannot reach 0; be safe if it does
    ticks, x = axis(low, high, log_scale)
    geometry = tuple(
        RowGeometry(r, TOP + ROW_HEIGHT * i + ROW_HEIGHT / 2, x(r.low), x(r.value), x(r.high))
        for i, r in enumerate(rows)
    )
    plot = ForestPlot(
        rows=geometry,
        ticks=tuple((t, x(t)) for t in ticks),
        x_null=x(null_value),
        null_value=null_value,
        unit=unit,
        height=TOP + ROW_HEIGHT * len(rows) + AXIS_ROOM + UNIT_LINE * unit_extra_lines(unit),
        log_scale=log_scale,
    )
    if log_scale:  # "(log scale)" may need one more line under the axis
        extra = unit_extra_lines(plot.axis_title) - unit_extra_lines(unit)
        plot = replace(plot, height=plot.height + UNIT_LINE * extra)
    return plot


@dataclass(frozen=True)
class TextBox:
    """Where a text of the drawing sits, estimated: for tests that nothing is cut off."""

    kind: str
    text: str
    left: float
    right: float


def text_boxes(plot: ForestPlot) -> list[TextBox]:
    boxes = []
    for geometry in plot.rows:
        label = short_label(geometry.row.label)
        boxes.append(
            TextBox("label", label, LABEL_RIGHT - text_width(label, LABEL_FONT), LABEL_RIGHT)
        )
    for text, centre, half in tick_labels(plot.ticks):
        boxes.append(TextBox("tick", text, centre - half, centre + half))
    for geometry in plot.rows:
        if geometry.row.stance == RETRACTED:
            centre, half = retracted_label_x(geometry)
            boxes.append(TextBox("mark", RETRACTED, centre - half, centre + half))
    half = text_width(NULL_LABEL, NULL_FONT) / 2
    boxes.append(TextBox("null", NULL_LABEL, plot.null_label_x - half, plot.null_label_x + half))
    middle = (PLOT_LEFT + PLOT_RIGHT) / 2
    for line in plot.unit_lines:
        half = text_width(line, UNIT_FONT, bold=True) / 2
        boxes.append(TextBox("unit", line, middle - half, middle + half))
    return boxes


def unit_extra_lines(unit: str) -> int:
    return max(0, len(textwrap.wrap(unit, UNIT_WIDTH)) - 1)


def number(value: float) -> str:
    """1.0 -> '1', -0.25 -> '−0.25' (a true minus sign reads better than a hyphen)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace("-", "\u2212") if value < 0 else text


def describe_row(row: ForestRow) -> str:
    note = f", {row.ci_note}" if row.ci_note else ""
    text = (
        f"{row.label}: {number(row.value)} (95% CI {number(row.low)} to {number(row.high)}{note})"
    )
    return f"{text}, {RETRACTED}" if row.stance == RETRACTED else text


def description(plot: ForestPlot) -> str:
    unit = f" in {plot.unit}" if plot.unit else ""
    items = "; ".join(describe_row(g.row) for g in plot.rows)
    return f"Effects{unit}, no effect at {number(plot.null_value)}. {items}."


def marker(geometry: RowGeometry) -> str:
    x, y, m = geometry.x_value, geometry.y, MARKER
    if geometry.row.stance == "mixed":
        points = f"{x},{y - m - 1} {x + m + 1},{y} {x},{y + m + 1} {x - m - 1},{y}"
        return f'<polygon class="fp-mark fp-mixed" points="{points}"/>'
    if geometry.row.stance == "no_effect":
        return f'<circle class="fp-mark fp-null-effect" cx="{x}" cy="{y}" r="{m}"/>'
    kinds = {"contradicts": "fp-against", RETRACTED: "fp-retracted"}
    kind = kinds.get(geometry.row.stance, "fp-for")
    return (
        f'<rect class="fp-mark {kind}" x="{round(x - m, 1)}" y="{y - m}" '
        f'width="{2 * m}" height="{2 * m}"/>'
    )


YEAR_TAIL = re.compile(r"\s(\d{4}[a-z]?|n\.d\.)$")


def short_label(label: str) -> str:
    """At most LABEL_CHARS characters, keeping a trailing year: 'Writing Gro… 1996'."""
    if len(label) <= LABEL_CHARS:
        return label
    year = YEAR_TAIL.search(label)
    tail = year.group(0) if year else ""
    head = label[: len(label) - len(tail)]
    return head[: LABEL_CHARS - len(tail) - 1].rstrip() + "\u2026" + tail


def retracted_label_x(geometry: RowGeometry) -> tuple[float, float]:
    """(centre, half width) of "retracted" over the marker, kept inside the drawing."""
    half = text_width(RETRACTED, MARK_FONT) / 2
    return min(max(geometry.x_value, MARGIN + half), WIDTH - MARGIN - half), half


def mark_label(geometry: RowGeometry) -> str:
    if geometry.row.stance != RETRACTED:
        return ""
    centre, _ = retracted_label_x(geometry)
    return (
        f'<text class="fp-mark-label" x="{round(centre, 1)}" y="{geometry.y - MARKER - 3}" '
        f'font-size="{MARK_FONT}" text-anchor="middle">{RETRACTED}</text>'
    )


def row_markup(geometry: RowGeometry) -> str:
    y = geometry.y
    retracted = " fp-row-retracted" if geometry.row.stance == RETRACTED else ""
    return (
        f'<g class="fp-row{retracted}"><text class="fp-label" x="{LABEL_RIGHT}" y="{y + 5}" '
        f'font-size="{LABEL_FONT}" '
        f'text-anchor="end">{escape(short_label(geometry.row.label))}</text>'
        f'<line class="fp-ci" x1="{geometry.x_low}" y1="{y}" x2="{geometry.x_high}" y2="{y}"/>'
        f"{marker(geometry)}{mark_label(geometry)}</g>"
    )


def axis_markup(plot: ForestPlot) -> str:
    axis_y = plot.axis_y
    parts = [
        f'<line class="fp-axis" x1="{PLOT_LEFT}" y1="{axis_y}" x2="{PLOT_RIGHT}" y2="{axis_y}"/>'
    ]
    for (_, x), (text, centre, _) in zip(plot.ticks, tick_labels(plot.ticks), strict=True):
        parts.append(
            f'<line class="fp-tick" x1="{x}" y1="{axis_y}" x2="{x}" y2="{axis_y + 5}"/>'
            f'<text class="fp-tick-label" x="{round(centre, 1)}" y="{axis_y + 19}" '
            f'font-size="{TICK_FONT}" text-anchor="middle">{text}</text>'
        )
    middle = (PLOT_LEFT + PLOT_RIGHT) / 2
    for index, line in enumerate(plot.unit_lines):
        parts.append(
            f'<text class="fp-unit" x="{middle}" y="{axis_y + 40 + UNIT_LINE * index}" '
            f'font-size="{UNIT_FONT}" font-weight="600" '
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
        f'<text class="fp-null-label" x="{plot.null_label_x}" y="{TOP - 12}" '
        f'font-size="{NULL_FONT}" '
        f'text-anchor="middle">{NULL_LABEL}</text>'
        + "".join(row_markup(g) for g in plot.rows)
        + axis_markup(plot)
        + "</svg>"
    )
