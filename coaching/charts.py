"""Charts drawn by the server as inline SVG: no JavaScript, no CDN, readable without a browser."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


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
    width: int = 320,
    height: int = 176,
) -> SafeString:
    """A weekly line chart on the 1–5 scale: gaps where a week has no data, a dashed threshold line, a <title>
    tooltip per point ("2026-W47: 3.40 from 5 scores"), a y-axis unit, first/last week labels and a legend.
    Text is 12 user units, so it stays ≥ 11 px while the chart is drawn at least 300 px wide (phones included).
    Every text is HTML-escaped; numbers are ours."""
    left, right, top, bottom = 30.0, width - 8.0, 26.0, height - 50.0

    def y_of(value: float) -> float:
        return bottom - (value - ymin) / (ymax - ymin) * (bottom - top)

    step = (right - left) / max(len(values) - 1, 1)
    parts = [f'<svg class="cc-chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">']
    parts.append('<text x="4" y="12" class="cc-axis">score (1–5), mean per week</text>')
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
