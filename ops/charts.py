"""Charts drawn on the server as plain SVG/HTML (no JavaScript, no CDN): bars scaled to the largest value."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

BAR_COLOR = "#7c3aed"


@dataclass(frozen=True)
class Bar:
    label: str
    display: str
    percent: float  # width relative to the largest bar, 0–100


def bars(items: Iterable[tuple[str, Decimal | float | int, str]]) -> list[Bar]:
    """(label, value, display text) → bars whose widths are relative to the largest value."""
    rows = list(items)
    top = max((float(value) for _, value, _ in rows), default=0.0)
    return [Bar(label, display, round(float(value) * 100 / top, 1) if top else 0.0) for label, value, display in rows]


def columns_svg(points: Sequence[tuple[str, Decimal | float]], *, height: int = 120, unit: str = "$") -> SafeString:
    """A column chart of (label, value) points; each column has a <title> tooltip with its label and value."""
    if not points:
        return SafeString("")
    top = max(float(value) for _, value in points) or 1.0
    width, gap = 12, 3
    columns = []
    for index, (label, value) in enumerate(points):
        size = float(value) / top * height
        size = max(size, 0.5) if value else 0.0  # a non-zero day stays visible next to a tall one
        x = index * (width + gap)
        columns.append((x, height - size, width, size, BAR_COLOR, label, unit, f"{float(value):,.2f}"))
    rects = format_html_join(
        "", '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}{}</title></rect>', columns
    )
    return format_html(
        '<svg role="img" class="ops-columns" viewBox="0 0 {} {}" width="100%" height="{}" '
        'preserveAspectRatio="none">{}</svg>',
        len(points) * (width + gap),
        height,
        height,
        rects,
    )
