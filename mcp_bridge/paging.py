"""Opaque cursors for lists and transcripts.

A cursor is a signed (not encrypted) token holding the offset of the next page and a fingerprint of the query
it belongs to, so a cursor cannot be forged, nor reused with different filters (which would skip or repeat
items). Ordering is the selector's and must be total (e.g. started desc, id desc) so every item is reached once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core import signing

from core.errors import ApplicationError
from mcp_bridge.budget import dumps

SALT = "callcoach.mcp.cursor"
MAX_AGE_S = 24 * 3600
BAD_CURSOR = "Invalid or expired cursor: call again without `cursor` (and with the same filters) to start over."


@dataclass(frozen=True)
class Page:
    items: list
    next_cursor: str | None
    offset: int


def query_fingerprint(**query: Any) -> str:
    text = json.dumps(query, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cursor_encode(*, offset: int, fingerprint: str) -> str:
    return signing.dumps({"o": offset, "f": fingerprint}, salt=SALT, compress=True)


def cursor_decode(cursor: str | None, *, fingerprint: str) -> int:
    """The offset a cursor points at (0 without a cursor); ApplicationError when forged, stale or foreign."""
    if not cursor:
        return 0
    try:
        data = signing.loads(cursor, salt=SALT, max_age=MAX_AGE_S)
    except signing.BadSignature as exc:
        raise ApplicationError(BAD_CURSOR) from exc
    if not isinstance(data, dict) or data.get("f") != fingerprint or not isinstance(data.get("o"), int):
        raise ApplicationError(BAD_CURSOR)
    return max(0, data["o"])


def page_slice(
    rows: Sequence,
    *,
    cursor: str | None,
    limit: int,
    query: dict,
    render: Callable[[Any], dict] = lambda row: row,
    max_chars: int | None = None,
) -> Page:
    """One page of `rows` (a list, or a queryset from a selector, sliced lazily) after the cursor's offset.

    Rows are rendered with `render`; with `max_chars` the page also stops before its JSON would exceed that
    many characters (at least one row is always returned), so long transcript turns cannot blow the budget.
    Fetches limit + 1 rows to know whether there is a next page without a COUNT query.
    """
    fingerprint = query_fingerprint(**query)
    offset = cursor_decode(cursor, fingerprint=fingerprint)
    window = list(rows[offset : offset + limit + 1])
    items: list[dict] = []
    used = 0
    for row in window[:limit]:
        item = render(row)
        size = len(dumps(item)) + 1
        if max_chars is not None and items and used + size > max_chars:
            break
        items.append(item)
        used += size
    more = len(items) < len(window)
    next_cursor = cursor_encode(offset=offset + len(items), fingerprint=fingerprint) if more else None
    return Page(items=items, next_cursor=next_cursor, offset=offset)
