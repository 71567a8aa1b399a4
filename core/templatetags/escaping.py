"""Template filters for provider text on its way out (see core.escaping):
`{{ url|http_link }}` renders a stored URL only when it is an http(s) link; `{{ text|md }}` makes text inert in
a Markdown document (templates rendered with autoescape off)."""

from __future__ import annotations

from django import template

from core.escaping import http_link as _http_link
from core.escaping import markdown_text

register = template.Library()


@register.filter
def http_link(value) -> str:
    return _http_link(value)


@register.filter
def md(value) -> str:
    return markdown_text(str(value)) if value is not None else ""
