"""{% ops_budget_banner %}: the budget warning above every admin page (see ops/banner.py)."""

from __future__ import annotations

from django import template

from ops.banner import budget_banner_get
from ops.permissions import request_is_ops

register = template.Library()


@register.inclusion_tag("admin/ops/budget_banner.html", takes_context=True)
def ops_budget_banner(context) -> dict:
    request = context.get("request")
    return {"banner": budget_banner_get() if request is not None and request_is_ops(request) else None}


@register.filter
def pct(value: float | None, digits: int = 1) -> str:
    """0.853 → "85.3%"; None → "—" (no data to divide by)."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def duration(seconds: float | None) -> str:
    """Seconds as a short human duration: 850 ms, 42 s, 12 min, 3.5 h, 2.1 d; None → "—"."""
    if seconds is None:
        return "—"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172_800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86_400:.1f} d"
