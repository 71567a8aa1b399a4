"""Shared admin building blocks: a read-only ModelAdmin, collapsed JSON rendering for raw payloads, and columns
that show a stored figure the way every page does (core.display)."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.contrib import admin
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


def shown_as(field: str, formatter: Callable[[object], str], description: str) -> Callable[[object], str]:
    """A list/readonly column for a model field, written by a core.display formatter (money, ms, m:ss, %).
    Put it in list_display / readonly_fields and the raw field in `exclude`, so no page shows the raw number."""

    @admin.display(description=description, ordering=field)
    def column(obj) -> str:
        return formatter(getattr(obj, field))

    column.__name__ = f"{field}_shown"
    return column


class ReadOnlyModelAdmin(ModelAdmin):
    """Browse, filter and search; never add, edit or delete from the admin (data comes from pipelines)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
