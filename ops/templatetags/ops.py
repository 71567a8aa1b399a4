"""{% ops_budget_banner %}: the budget warning above every admin page (see ops/banner.py). Figures are formatted
by core's `{% load display %}` filters, like every other page."""

from __future__ import annotations

from django import template

from ops.banner import budget_banner_get
from ops.permissions import request_is_ops

register = template.Library()


@register.inclusion_tag("admin/ops/budget_banner.html", takes_context=True)
def ops_budget_banner(context) -> dict:
    request = context.get("request")
    return {"banner": budget_banner_get() if request is not None and request_is_ops(request) else None}
