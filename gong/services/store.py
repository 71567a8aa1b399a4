"""Writing what a fetch brought back: call details, participants, transcript, and the call's next status.

Each call is stored in its own short transaction (database work only: the Gong requests happened before).
Outcomes per call: transcribed (analysis enqueued on commit), skipped (private / internal-only, with a reason),
waiting (Gong has no transcript yet: pending again with backoff 1m, 2m, 4m … capped at 1h) or failed (still no
transcript after GONG_TRANSCRIPT_WAIT_HOURS).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import structlog
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Lower
from django.utils import timezone

from core.logging_context import log_context
from gong.models import Affiliation, Call, CallParticipant, CallStatus, GongUser
from gong.schemas import CallRecord, CallTranscript, Party
from gong.services.fetch_queue import call_analysis_enqueue, users_sync_enqueue
from gong.services.ingest import call_fields, call_row_metadata
from gong.services.transcripts import transcript_normalize, transcript_store

logger = structlog.get_logger(__name__)

BACKOFF_FIRST_S = 60
BACKOFF_MAX_S = 3600
USERS_RESYNC_AFTER = timedelta(hours=1)


@dataclass
class BatchOutcome:
    transcribed: int = 0
    waiting: int = 0
    skipped: int = 0
    failed: int = 0
    erased: int = 0


def skip_reason(*, call: Call, record: CallRecord | None = None) -> str | None:
    """Why a call is stored but neither transcribed nor analysed, or None when it should be."""
    is_private = record.data.meta_data.is_private if record else call.is_private
    if is_private and not settings.GONG_ANALYZE_PRIVATE_CALLS:
        return "Private call (GONG_ANALYZE_PRIVATE_CALLS is off)"
    scope = (record.data.meta_data.scope if record else call.scope) or ""
    parties = party_list(call, record)
    internal_only = scope == "Internal" or (parties and all(p.affiliation == Affiliation.INTERNAL for p in parties))
    if internal_only and not settings.GONG_ANALYZE_INTERNAL_CALLS:
        return "Internal-only meeting (GONG_ANALYZE_INTERNAL_CALLS is off)"
    return None


def party_list(call: Call, record: CallRecord | None) -> list[Party]:
    """The call's parties: from its extensive record when given, else from its stored metadata."""
    if record is not None:
        return record.data.parties or []
    return [Party.model_validate(p) for p in call.metadata.get("parties") or []]


def calls_release(*, call_ids: list[str], retry_after_s: float) -> int:
    """Give claimed calls back (fetching → pending, due after retry_after_s) after a failed Gong request."""
    now = timezone.now()
    return Call.objects.filter(pk__in=call_ids, status=CallStatus.FETCHING).update(
        status=CallStatus.PENDING,
        next_attempt_at=now + timedelta(seconds=retry_after_s),
        claimed_at=None,
        claimed_by="",
        updated_at=now,
    )


def calls_fail(*, call_ids: list[str], reasons: dict[str, str]) -> int:
    """End claimed calls `failed` with their reasons (e.g. a record Gong returned that we cannot read)."""
    failed = 0
    for call_id in call_ids:
        with log_context(call_id=call_id):
            logger.warning("gong_record_unreadable", reason=reasons[call_id])
        failed += Call.objects.filter(pk=call_id, status=CallStatus.FETCHING).update(
            status=CallStatus.FAILED, status_reason=reasons[call_id][:500], next_attempt_at=None,
            claimed_at=None, claimed_by="", updated_at=timezone.now(),
        )  # fmt: skip
    return failed


def fetch_results_store(
    *, calls: dict[str, Call], extensive: dict[str, CallRecord], transcripts: dict[str, CallTranscript]
) -> BatchOutcome:
    """Store every claimed call's results; enqueue a user sync when a participant's Gong user is unknown."""
    outcome = BatchOutcome()
    known_users = set(GongUser.objects.values_list("id", flat=True))
    unknown_users: set[str] = set()
    for call_id, call in calls.items():
        with log_context(call_id=call_id):
            result, unknown = _store_one(call, extensive.get(call_id), transcripts.get(call_id), known_users)
        setattr(outcome, result, getattr(outcome, result) + 1)
        unknown_users |= unknown
    if unknown_users and _users_stale():
        users_sync_enqueue()
    return outcome


def _users_stale() -> bool:
    last = GongUser.objects.aggregate(last=Max("synced_at"))["last"]
    return last is None or timezone.now() - last > USERS_RESYNC_AFTER


def _store_one(
    call: Call, record: CallRecord | None, transcript: CallTranscript | None, known_users: set[str]
) -> tuple[str, set[str]]:
    now = timezone.now()
    with transaction.atomic():
        if record is not None:
            _call_update_from_record(call, record)
        has_parties = isinstance(call.metadata.get("parties"), list)
        parties = party_list(call, None) if has_parties else []
        unknown = participants_store(call=call, parties=parties, known_users=known_users)
        primary = (call.metadata.get("metaData") or {}).get("primaryUserId")
        call.primary_user_id = primary if primary in known_users else None
        call.fetched_at = now
        reason = skip_reason(call=call)
        if reason:
            _finish(call, CallStatus.SKIPPED, reason, now)
            return "skipped", unknown
        if not has_parties or transcript is None:
            return _wait_or_fail(call, now), unknown
        party_by_speaker = {p.speaker_id: p.affiliation or Affiliation.UNKNOWN for p in parties if p.speaker_id}
        turns = transcript_normalize(monologues=transcript.transcript, party_by_speaker=party_by_speaker)
        if not turns:
            _finish(call, CallStatus.SKIPPED, "Gong returned an empty transcript", now)
            return "skipped", unknown
        transcript_store(call_id=call.id, turns=turns)
        call.transcribed_at = now
        _finish(call, CallStatus.TRANSCRIBED, "", now)
        transaction.on_commit(lambda: call_analysis_enqueue(call_id=call.id))
    return "transcribed", unknown


def _call_update_from_record(call: Call, record: CallRecord) -> None:
    fields = call_fields(meta=record.data.meta_data, context=record.data.context or [])
    for name, value in fields.items():
        setattr(call, name, value)
    call.metadata = call_row_metadata(call_data=record.raw)
    if record.raw.get("context") is not None:
        call.crm_context = record.raw["context"]


def _finish(call: Call, status: CallStatus, reason: str, now) -> None:
    call.status = status
    call.status_reason = reason
    call.attempts = 0
    call.next_attempt_at = None
    call.claimed_at = None
    call.claimed_by = ""
    call.save()


def _wait_or_fail(call: Call, now) -> str:
    """No transcript yet: pending again with exponential backoff, or failed once we have waited long enough."""
    since = call.received_at or call.created_at or now
    waited_h = (now - since).total_seconds() / 3600
    if waited_h >= float(settings.GONG_TRANSCRIPT_WAIT_HOURS):
        hours = float(settings.GONG_TRANSCRIPT_WAIT_HOURS)
        _finish(call, CallStatus.FAILED, f"Gong had no transcript for this call after {hours:g} hours", now)
        return "failed"
    delay = min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2 ** min(call.attempts, 12))
    call.status = CallStatus.PENDING
    call.status_reason = f"Waiting for Gong to finish processing (attempt {call.attempts + 1})"
    call.attempts += 1
    call.next_attempt_at = now + timedelta(seconds=delay)
    call.claimed_at = None
    call.claimed_by = ""
    call.save()
    return "waiting"


def participants_store(*, call: Call, parties: list[Party], known_users: set[str]) -> set[str]:
    """Replace the call's participants with Gong's parties; returns Gong user ids we do not know yet.

    Affiliation comes from Gong, never guessed. The user link: the party's userId when we know that user,
    else the Gong user with the party's email (internal parties only).
    """
    emails = {p.email_address.lower() for p in parties if p.email_address and p.affiliation == Affiliation.INTERNAL}
    matches = GongUser.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails) if emails else []
    by_email = {user.email_lower: user.id for user in matches}
    rows, unknown = [], set()
    for party in parties:
        if not party.id or not party.id.isdigit():
            continue  # Gong always sends a numeric party id; anything else cannot be stored
        user_id = party.user_id if party.user_id in known_users else None
        if party.user_id and user_id is None:
            unknown.add(party.user_id)
        if user_id is None and party.email_address and party.affiliation == Affiliation.INTERNAL:
            user_id = by_email.get(party.email_address.lower())
        rows.append(
            CallParticipant(
                call_id=call.id,
                party_id=party.id,
                speaker_id=party.speaker_id or "",
                name=(party.name or "")[:255],
                email=(party.email_address or "")[:254],
                title=(party.title or "")[:255],
                affiliation=party.affiliation if party.affiliation in Affiliation.values else Affiliation.UNKNOWN,
                user_id=user_id,
                methods=party.methods,
            )
        )
    CallParticipant.objects.filter(call_id=call.id).exclude(party_id__in=[r.party_id for r in rows]).delete()
    CallParticipant.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["call", "party_id"],
        update_fields=["speaker_id", "name", "email", "title", "affiliation", "user", "methods"],
    )
    return unknown
