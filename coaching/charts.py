"""Charts drawn by the server as inline SVG: no JavaScript, no CDN, readable without a browser. One visual
language for the portal and the ops pages: an axis title with the unit, grid lines, labelled ends, a <title>
tooltip per point or column, a legend, text 12 user units in a 320-unit-wide view box (≥ 11 px at the 300 px
minimum width portal.css gives `svg.cc-chart`). Also the small table bars (`bars`) that share its colour."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 320, 176


def _n(value: float) -> str:
    return f"{value:.1f}"


def line_chart(
    *,
    values: Sequence[float | None],
    labels: Sequence[str],
    counts: Sequence[int] | None = None,
    ymin: float = 1.0,
    ymax: float = 5.0,
    threshold: float | None = None,
    title: str = "",
    width: int = WIDTH,
    height: int = HEIGHT,
) -> SafeString:
    """A weekly line chart on the 1–5 scale: gaps where a week has no data, a dashed threshold line, a <title>
    tooltip per point ("2026-W47: 3.40 from 5 scores"), a y-axis unit, first/last week labels and a legend.
    Text is 12 user units, so it stays ≥ 11 px while the chart is drawn at least 300 px wide (phones included).
    Every text is HTML-escaped; numbers are ours."""
    left, right, top, bottom = 30.0, width - 8.0, 26.0, height - 50.0

    def y_of(value: float) -> float:
        return bottom - (value - ymin) / (ymax - ymin) * (bottom - top)

    step = (right - left) / max(len(values) - 1, 1)
    parts = [_open(width, height, title), _axis_title("score (1–5), mean per week")]
    for level in range(int(ymin), int(ymax) + 1):
        y = _n(y_of(level))
        parts.append(f'<line x1="{left}" x2="{right}" y1="{y}" y2="{y}" class="cc-grid"/>')
        parts.append(f'<text x="14" y="{_n(y_of(level) + 4)}" class="cc-axis">{level}</text>')
    if threshold is not None:
        y = _n(y_of(threshold))
        parts.append(f'<line x1="{left}" x2="{right}" y1="{y}" y2="{y}" class="cc-threshold"/>')
    points = [(left + i * step, y_of(v), i, v) for i, v in enumerate(values) if v is not None]
    segment: list[str] = []
    previous = None
    for x, y, index, _value in points:
        if previous is not None and index != previous + 1:
            parts.append(_polyline(segment))
            segment = []
        segment.append(f"{_n(x)},{_n(y)}")
        previous = index
    parts.append(_polyline(segment))
    for x, y, index, value in points:
        detail = f" from {counts[index]} scores" if counts else ""
        tip = escape(f"{labels[index] if index < len(labels) else index}: {value:.2f}{detail}")
        parts.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3" class="cc-dot"><title>{tip}</title></circle>')
    axis_y = bottom + 16
    if labels:
        parts.append(f'<text x="{left}" y="{axis_y}" class="cc-axis">{escape(labels[0])}</text>')
        parts.append(f'<text x="{right}" y="{axis_y}" class="cc-axis" text-anchor="end">{escape(labels[-1])}</text>')
    if not points:
        parts.append(f'<text x="{left + 40}" y="{_n((top + bottom) / 2)}" class="cc-axis">no scores yet</text>')
    parts.append(_legend(left, height - 10.0, threshold))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text escaped above; numbers formatted by us


def _legend(x: float, y: float, threshold: float | None) -> str:
    """What the line and the dashed line mean, drawn under the axis."""
    items = [
        f'<g class="cc-legend"><line x1="{x}" x2="{x + 18}" y1="{y - 4}" y2="{y - 4}" class="cc-line"/>'
        f'<text x="{x + 22}" y="{y}" class="cc-axis">weekly mean</text>'
    ]
    if threshold is not None:
        at = x + 120
        items.append(
            f'<line x1="{at}" x2="{at + 18}" y1="{y - 4}" y2="{y - 4}" class="cc-threshold"/>'
            f'<text x="{at + 22}" y="{y}" class="cc-axis">bar {threshold:g}</text>'
        )
    return "".join(items) + "</g>"


def _polyline(points: list[str]) -> str:
    return f'<polyline points="{" ".join(points)}" class="cc-line"/>' if len(points) > 1 else ""


def _open(width: int, height: int, title: str) -> str:
    return f'<svg class="cc-chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'


def _axis_title(text: str) -> str:
    return f'<text x="4" y="12" class="cc-axis">{escape(text)}</text>'


def _nice_top(value: float) -> float:
    """The smallest 1, 2 or 5 × 10^k at or above `value` (the top grid line)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value * (1 - 1e-9))


def column_chart(
    *,
    values: Sequence[Decimal | float | int],
    labels: Sequence[str],
    tips: Sequence[str],
    axis: str,
    legend: str,
    tick: Callable[[float], str],
    title: str = "",
    width: int = WIDTH,
    height: int = HEIGHT,
) -> SafeString:
    """Columns over time (cost per day, week, month): `axis` names the unit ("US$ per day"), `tick` writes a grid
    value in it, `tips[i]` is column i's tooltip ("3 Dec 2026: $1.23 from 12 requests"), `labels` are read at
    both ends of the x axis and `legend` says what a column is. Every text is HTML-escaped."""
    left, right, top, bottom = 58.0, width - 8.0, 26.0, height - 50.0
    numbers = [float(value) for value in values]
    ceiling = _nice_top(max(numbers, default=0.0))

    def y_of(value: float) -> float:
        return bottom - value / ceiling * (bottom - top)

    parts = [_open(width, height, title), _axis_title(axis)]
    for level in (0.0, ceiling / 2, ceiling):
        y = _n(y_of(level))
        parts.append(f'<line x1="{left}" x2="{right}" y1="{y}" y2="{y}" class="cc-grid"/>')
        label = escape(tick(level))
        parts.append(f'<text x="{left - 4}" y="{_n(y_of(level) + 4)}" class="cc-axis" text-anchor="end">{label}</text>')
    slot = (right - left) / max(len(numbers), 1)
    for index, value in enumerate(numbers):
        size = bottom - y_of(value)
        size = max(size, 1.0) if value else 0.0  # a non-zero day stays visible next to a tall one
        tip = escape(tips[index] if index < len(tips) else "")
        parts.append(
            f'<rect x="{_n(left + index * slot + slot * 0.15)}" y="{_n(bottom - size)}" width="{_n(slot * 0.7)}" '
            f'height="{_n(size)}" class="cc-column"><title>{tip}</title></rect>'
        )
    axis_y = bottom + 16
    if labels:
        parts.append(f'<text x="{left}" y="{axis_y}" class="cc-axis">{escape(labels[0])}</text>')
        parts.append(f'<text x="{right}" y="{axis_y}" class="cc-axis" text-anchor="end">{escape(labels[-1])}</text>')
    if not any(numbers):
        parts.append(f'<text x="{left + 20}" y="{_n((top + bottom) / 2)}" class="cc-axis">nothing spent yet</text>')
    y = height - 10.0
    parts.append(
        f'<g class="cc-legend"><rect x="{left}" y="{y - 9}" width="12" height="9" class="cc-column"/>'
        f'<text x="{left + 16}" y="{y}" class="cc-axis">{escape(legend)}</text></g>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text escaped above; numbers formatted by us


@dataclass(frozen=True)
class Bar:
    label: str
    display: str
    percent: float  # width relative to the largest bar, 0–100


def bars(items: Iterable[tuple[str, Decimal | float | int, str]]) -> list[Bar]:
    """(label, value, display text) → table bars (`.cc-bar`) whose widths are relative to the largest value."""
    rows = list(items)
    top = max((float(value) for _, value, _ in rows), default=0.0)
    return [Bar(label, display, round(float(value) * 100 / top, 1) if top else 0.0) for label, value, display in rows]
