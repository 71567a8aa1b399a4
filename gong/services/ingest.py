"""Gong call records → `gong_call` columns, and inserting a call only when it is new (ON CONFLICT DO NOTHING).

A call row keeps what Gong told us about it in `metadata` (callData minus `context`, which goes to
`crm_context`, and minus `media`/`collaboration`: expiring URLs and comments we do not use). The fetch step reads
`metadata["parties"]` from there, so `/v2/calls/extensive` is requested only for calls that arrived without them.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from core.escaping import http_link
from gong.models import Call, CallSource, CallStatus
from gong.schemas import CallContext, CallMetaData

_CALL_TYPES: list[tuple[str, re.Pattern[str]]] = [
    ("qbr", re.compile(r"\bqbr\b|business review", re.I)),
    ("renewal", re.compile(r"renewal", re.I)),
    ("negotiation", re.compile(r"negotiat|pricing|commercials|contract", re.I)),
    ("technical_deep_dive", re.compile(r"technical|deep[- ]dive|architecture|security review", re.I)),
    ("demo", re.compile(r"\bdemo", re.I)),
    ("discovery", re.compile(r"discovery|intro|first call", re.I)),
]


def call_type_from(*, meta: CallMetaData) -> str:
    """The call type named by Gong's `purpose` or the title (discovery, demo, ...), "" when none is named."""
    for text in (meta.purpose or "", meta.title or ""):
        for call_type, pattern in _CALL_TYPES:
            if pattern.search(text):
                return call_type
    return ""


def crm_fields(*, context: list[CallContext]) -> dict[str, Any]:
    """Account and opportunity name / stage / amount from the CRM context Gong attaches to a call."""
    found: dict[str, Any] = {}
    for system in context:
        for obj in system.objects:
            values = {f.name: f.value for f in obj.fields}
            if obj.object_type == "Account" and values.get("Name"):
                found.setdefault("account_name", str(values["Name"])[:255])
            if obj.object_type == "Opportunity":
                if values.get("Name"):
                    found.setdefault("opportunity_name", str(values["Name"])[:255])
                if values.get("StageName"):
                    found.setdefault("opportunity_stage", str(values["StageName"])[:120])
                amount = _decimal(values.get("Amount"))
                if amount is not None:
                    found.setdefault("opportunity_amount", amount)
    return found


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and abs(amount) < Decimal("1e12") else None


def gong_link(value: str | None) -> str:
    """A Gong-provided link as we store it: https only (http too while GONG_BASE_URL is a local http simulator);
    anything else (`javascript:`, `data:`, relative) is dropped, so it can never be rendered as a link."""
    link = http_link(value, allow_http=settings.GONG_BASE_URL.startswith("http://"))
    return link if len(link) <= 500 else ""


def call_fields(*, meta: CallMetaData, context: list[CallContext] | None = None) -> dict[str, Any]:
    """Column values for a call from its metaData (and CRM context when given)."""
    fields: dict[str, Any] = {
        "url": gong_link(meta.url),
        "title": (meta.title or "")[:500],
        "scheduled": meta.scheduled,
        "started": meta.started,
        "duration_s": max(meta.duration, 0) if meta.duration is not None else None,
        "direction": (meta.direction or "")[:20],
        "system": (meta.system or "")[:60],
        "scope": (meta.scope or "")[:20],
        "media": (meta.media or "")[:20],
        "language": (meta.language or "")[:10],
        "workspace_id": (meta.workspace_id or "")[:20],
        "purpose": (meta.purpose or "")[:200],
        "meeting_url": gong_link(meta.meeting_url),
        "is_private": meta.is_private,
        "call_type": call_type_from(meta=meta),
    }
    if context:
        fields.update(crm_fields(context=context))
    return fields


def call_row_metadata(*, call_data: dict[str, Any]) -> dict[str, Any]:
    """What we keep of a Gong callData dict on the call row (see module docstring)."""
    return {k: v for k, v in call_data.items() if k not in {"context", "media", "collaboration"}}


def insert_parts(obj: models.Model, *, exclude: tuple[str, ...] = ()) -> tuple[str, str, list[Any]]:
    """(quoted column list, placeholders, values) to INSERT this unsaved instance with raw SQL, with the same
    value preparation (auto_now, JSON adaptation) as Model.save()."""
    fields = [f for f in obj._meta.concrete_fields if not f.generated and f.attname not in exclude]
    values = [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    return columns, ", ".join(["%s"] * len(fields)), values


def call_new(*, call_id: str, source: CallSource, **fields: Any) -> Call:
    """An unsaved pending call, received now."""
    return Call(id=call_id, source=source, status=CallStatus.PENDING, received_at=timezone.now(), **fields)
