"""Shared admin building blocks: a read-only ModelAdmin and collapsed JSON rendering for raw payloads."""

from __future__ import annotations

import json

from django.http import HttpRequest
from django.utils.html import format_html
from unfold.admin import ModelAdmin


def json_details(value, *, summary: str = "Show raw JSON", limit: int = 200_000) -> str:
    """A collapsed <details> block with pretty JSON (or text), truncated past `limit` characters."""
    if value in (None, "", [], {}):
        return "—"
    text = value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)
    if len(text) > limit:
        text = text[:limit] + f"\n… ({len(text) - limit:,} more characters)"
    return format_html(
        '<details><summary style="cursor:pointer">{}</summary>'
        '<pre style="white-space:pre-wrap;max-height:40rem;overflow:auto;font-size:12px">{}</pre></details>',
        summary,
        text,
    )


class ReadOnlyModelAdmin(ModelAdmin):
    """Browse, filter and search; never add, edit or delete from the admin (data comes from pipelines)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
