"""A call's processing state after transcription: analysis claims it, then marks it analyzed/failed/held.

Claims are conditional UPDATEs (no SELECT ... then UPDATE race): whichever worker's UPDATE matches the row wins;
a claim whose worker died is taken over once it is older than `stale_after_s`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F, Q
from django.utils import timezone

from gong.models import Call, CallStatus


def call_claim_for_analysis(
    *, call_id: str, worker: str, stale_after_s: float, force: bool = False, max_attempts: int = 0
) -> bool:
    """Move a call to `analyzing` for this worker; True when this worker now owns it.

    Claimable: transcribed or held calls, an `analyzing` claim older than stale_after_s, and with force also
    failed and analyzed calls (re-analysis). A stale claim on a call already claimed `max_attempts` times (every
    worker stopped before finishing: killed, or past the task timeout) ends the call `failed` with that reason
    instead of paying for it again (0 = no limit).
    """
    now = timezone.now()
    if max_attempts > 0:
        _fail_if_out_of_attempts(call_id=call_id, stale_after_s=stale_after_s, max_attempts=max_attempts, now=now)
    claimable = [CallStatus.TRANSCRIBED, CallStatus.HELD]
    if force:
        claimable += [CallStatus.FAILED, CallStatus.ANALYZED]
    stale = Q(status=CallStatus.ANALYZING) & (
        Q(claimed_at__lt=now - timedelta(seconds=stale_after_s)) | Q(claimed_at__isnull=True)
    )
    updated = Call.objects.filter(Q(pk=call_id) & (Q(status__in=claimable) | stale)).update(
        status=CallStatus.ANALYZING,
        claimed_at=now,
        claimed_by=worker[:120],
        attempts=F("attempts") + 1,
        status_reason="",
        updated_at=now,
    )
    return updated == 1


def _fail_if_out_of_attempts(*, call_id: str, stale_after_s: float, max_attempts: int, now) -> None:
    reason = (
        f"analysis did not finish in {max_attempts} attempts: each worker stopped before it finished "
        "(killed or past the task timeout); retry from the Ops pipeline page"
    )
    Call.objects.filter(
        Q(claimed_at__lt=now - timedelta(seconds=stale_after_s)) | Q(claimed_at__isnull=True),
        pk=call_id,
        status=CallStatus.ANALYZING,
        attempts__gte=max_attempts,
    ).update(status=CallStatus.FAILED, status_reason=reason, claimed_at=None, claimed_by="", updated_at=now)


def call_mark_analyzed(*, call_id: str) -> None:
    """Record that analysis of the call finished; releases the claim."""
    now = timezone.now()
    Call.objects.filter(pk=call_id).update(
        status=CallStatus.ANALYZED, analyzed_at=now, status_reason="", claimed_at=None, claimed_by="", updated_at=now
    )


def call_mark_failed(*, call_id: str, reason: str) -> None:
    """Record that processing of the call failed for good, with a reason people can read."""
    now = timezone.now()
    Call.objects.filter(pk=call_id).update(
        status=CallStatus.FAILED, status_reason=reason, claimed_at=None, claimed_by="", updated_at=now
    )


def call_mark_held(*, call_id: str, reason: str) -> None:
    """Hold a call back from analysis (e.g. the token budget is spent); `call_release` makes it claimable."""
    now = timezone.now()
    Call.objects.filter(pk=call_id).update(
        status=CallStatus.HELD, status_reason=reason, claimed_at=None, claimed_by="", attempts=0, updated_at=now
    )


def call_release(*, call_id: str) -> None:
    """Return a held call to `transcribed` so analysis picks it up again. No-op for other statuses."""
    now = timezone.now()
    Call.objects.filter(pk=call_id, status=CallStatus.HELD).update(
        status=CallStatus.TRANSCRIBED, status_reason="", updated_at=now
    )


IN_FLIGHT = (CallStatus.PENDING, CallStatus.FETCHING, CallStatus.TRANSCRIBED, CallStatus.ANALYZING)


def call_reset_for_retry(*, call_id: str, from_status: str, has_transcript: bool, stuck_before: datetime) -> bool:
    """Send a failed call, or an in-flight one untouched since `stuck_before`, back to `transcribed` (it has a
    transcript: analysis next) or `pending` (fetch next), with its attempt count started afresh. A conditional
    UPDATE on the status the caller saw: False when the call moved on meanwhile or is not retryable."""
    retryable = Q(status=CallStatus.FAILED) | Q(status__in=IN_FLIGHT, updated_at__lt=stuck_before)
    fields = {
        "status": CallStatus.TRANSCRIBED if has_transcript else CallStatus.PENDING,
        "status_reason": "",
        "claimed_at": None,
        "claimed_by": "",
        "attempts": 0,
        "updated_at": timezone.now(),
    }
    if not has_transcript:
        fields |= {"next_attempt_at": None}
    return Call.objects.filter(retryable, pk=call_id, status=from_status).update(**fields) == 1
