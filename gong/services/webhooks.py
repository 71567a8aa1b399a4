"""Accepting a Gong webhook delivery: parse, record the delivery, insert the call as pending, enqueue a fetch.

The request path is one statement and one commit: insert the call if new, insert the event, and (unless a fetcher
is running or was just asked for) the fetch task in the same transaction (see fetch_queue). While a fetch this
process asked for is pending (the common case under load) a delivery is one round trip to PostgreSQL, the statement
in autocommit mode; otherwise BEGIN + statement (+ the task's insert) + COMMIT (tests/gong/test_webhook_accept_path.py
pins both). No Gong request, no SELECT-then-INSERT race.
A delivery for a call we already know (a resent body, or a call the poller found first) is recorded as
"duplicate" and creates no call and no work. A delivery for an erased call (an erasure tombstone names it, checked
in the same statement) stores nothing at all — no call, no delivery row — and is answered "duplicate": Gong has
nothing to retry, and the sender learns nothing about the erasure.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from pydantic import ValidationError

from core.errors import ApplicationError
from core.models import ErasureTombstone, TombstoneKind
from core.text import json_storable
from core.tombstones import erased_skip_note, subject_digests
from gong.models import Call, CallSource, WebhookAuthMethod, WebhookEvent, WebhookEventStatus
from gong.schemas import WebhookPayload
from gong.services.fetch_queue import (
    FETCH_LOCK_KEY,
    FETCHER_RUNNING_SQL,
    calls_fetch_request,
    fetch_recently_requested,
)
from gong.services.ingest import call_fields, call_new, call_row_metadata, insert_parts

_GONG_ID = re.compile(r"^[0-9]{1,20}$")


class WebhookPayloadError(ApplicationError):
    """The body is not JSON or not a Gong call payload (HTTP 400)."""


@dataclass(frozen=True)
class WebhookReceipt:
    status: WebhookEventStatus
    call_id: str


def webhook_payload_parse(*, body: bytes) -> tuple[WebhookPayload, dict[str, Any]]:
    """The validated payload and the raw callData dict; WebhookPayloadError says what is wrong."""
    try:
        # UTF-8 only (RFC 8259 §8.1): json.loads would also take UTF-16/32 bytes, whose NULs PostgreSQL cannot store.
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WebhookPayloadError("Body is not UTF-8 encoded JSON") from exc
    try:
        data = json_storable(json.loads(text))
    except (ValueError, RecursionError) as exc:
        raise WebhookPayloadError("Body is not valid JSON") from exc
    call_data = data.get("callData") if isinstance(data, dict) else None
    meta = call_data.get("metaData") if isinstance(call_data, dict) else None
    if not isinstance(meta, dict):
        raise WebhookPayloadError("Body is not a Gong call payload: callData.metaData is missing")
    call_id = meta.get("id")
    if not isinstance(call_id, str) or not _GONG_ID.match(call_id):
        raise WebhookPayloadError("callData.metaData.id must be a string of 1-20 digits")
    try:
        payload = WebhookPayload.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise WebhookPayloadError(f"Invalid Gong call payload at {where}: {first['msg']}") from exc
    return payload, call_data


def webhook_receive(
    *, body: bytes, auth_method: WebhookAuthMethod, remote_addr: str | None = None, trace_id: str = ""
) -> WebhookReceipt:
    """Record an authenticated delivery and make sure its call is queued for fetching exactly once."""
    payload, call_data = webhook_payload_parse(body=body)
    meta = payload.call_data.meta_data
    call = call_new(
        call_id=meta.id,
        source=CallSource.WEBHOOK,
        is_test=payload.is_test,
        metadata=call_row_metadata(call_data=call_data),
        crm_context=call_data.get("context") or [],
        **call_fields(meta=meta, context=payload.call_data.context),
    )
    event = WebhookEvent(
        received_at=timezone.now(),
        auth_method=auth_method,
        body_sha256=hashlib.sha256(body).hexdigest(),
        raw_body=body.decode("utf-8", errors="replace"),
        call_id=meta.id,
        is_test=payload.is_test,
        status=WebhookEventStatus.ACCEPTED,  # replaced in SQL by "duplicate" when the call already existed
        trace_id=trace_id[:120],
        remote_addr=remote_addr or None,
    )
    # Usually a fetch this process asked for moments ago will claim the call: then the one statement runs on its
    # own and commits by itself (one round trip, no BEGIN/COMMIT). Otherwise the statement and the fetch task it may
    # need share one transaction (the outbox: a call is never committed without its task).
    recently_requested = fetch_recently_requested()
    with contextlib.nullcontext() if recently_requested else transaction.atomic():
        status, fetcher_busy = _store(call=call, event=event)
        if status == WebhookEventStatus.ACCEPTED and not fetcher_busy:
            calls_fetch_request(recently_requested=recently_requested)
    if status is None:
        erased_skip_note(path="webhook", kind=TombstoneKind.CALL, count=1)
        status = WebhookEventStatus.DUPLICATE
    return WebhookReceipt(status=status, call_id=meta.id)


def _store(*, call: Call, event: WebhookEvent) -> tuple[WebhookEventStatus | None, bool]:
    """One statement: unless the call is erased, insert the call if new and record the delivery as
    accepted/duplicate; report whether a fetcher is running (then no task is needed). Status None: erased,
    nothing stored. One round trip keeps the request path to milliseconds."""
    call_columns, call_values_sql, call_values = insert_parts(call)
    event_columns, event_values_sql, event_values = insert_parts(event, exclude=("id", "status"))
    sql = f"""
        WITH erased AS (
            SELECT EXISTS (SELECT 1 FROM {ErasureTombstone._meta.db_table} WHERE subject_digest = ANY(%s)) AS yes
        ), new_call AS (
            INSERT INTO {Call._meta.db_table} ({call_columns}) SELECT {call_values_sql}
            WHERE NOT (SELECT yes FROM erased)
            ON CONFLICT (id) DO NOTHING RETURNING id
        ), event AS (
            INSERT INTO {WebhookEvent._meta.db_table} ({event_columns}, status)
            SELECT {event_values_sql}, CASE WHEN EXISTS (SELECT 1 FROM new_call) THEN %s ELSE %s END
            WHERE NOT (SELECT yes FROM erased)
            RETURNING status
        )
        SELECT (SELECT status FROM event), ({FETCHER_RUNNING_SQL})
    """
    digests = subject_digests(kind=TombstoneKind.CALL, subject=call.id)
    params = [
        digests,
        *call_values,
        *event_values,
        WebhookEventStatus.ACCEPTED,
        WebhookEventStatus.DUPLICATE,
        FETCH_LOCK_KEY,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        status, fetcher_busy = cursor.fetchone()
    return (WebhookEventStatus(status) if status else None), bool(fetcher_busy)
