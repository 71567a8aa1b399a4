"""Fetching pending calls from Gong in batches: claim ≤ 100 calls, one transcript request (plus one extensive
request only for calls that arrived without parties), store.

Many webhooks → few Gong requests: every accepted webhook enqueues this task, but only one fetcher runs at a
time (a PostgreSQL advisory lock; the rest exit at once), and it waits for a quiet moment (debounce) before
claiming "whatever is pending now". After releasing the lock it looks again, so a call committed while the
lock was held is never stranded; the per-minute sweep is the safety net for lost tasks.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from core.models import TombstoneKind
from core.tombstones import erased_among, erased_skip_note, erasure_holding, tombstones_extend
from gong.client import GongClient
from gong.errors import GongAuthError, GongError, GongRateLimited
from gong.models import Call, CallStatus
from gong.services.erasure import calls_erase
from gong.services.fetch_queue import FETCH_LOCK_KEY
from gong.services.store import BatchOutcome, calls_fail, calls_release, fetch_results_store, party_list, skip_reason

logger = logging.getLogger(__name__)

MAX_ROUNDS = 50

_CLAIM_SQL = """
UPDATE gong_call
SET status = 'fetching', claimed_at = clock_timestamp(), claimed_by = %(worker)s, updated_at = clock_timestamp()
WHERE id IN (
    SELECT id FROM gong_call
    WHERE (status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= clock_timestamp()))
       OR (status = 'fetching' AND claimed_at < clock_timestamp() - make_interval(secs => %(stale_s)s))
    ORDER BY received_at NULLS FIRST, id
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
)
RETURNING id
"""


@dataclass
class FetchReport:
    claimed: int = 0
    transcribed: int = 0
    waiting: int = 0
    skipped: int = 0
    failed: int = 0
    erased: int = 0  # claimed calls an erasure tombstoned (removed, never fetched)
    busy: bool = False  # another fetcher held the lock
    windowed: bool = False  # pending calls wait for the batching window (GONG_FETCH_WINDOW_S)
    errors: list[str] = field(default_factory=list)

    def add(self, outcome: BatchOutcome) -> None:
        self.transcribed += outcome.transcribed
        self.waiting += outcome.waiting
        self.skipped += outcome.skipped
        self.failed += outcome.failed
        self.erased += outcome.erased

    def summary(self) -> str:
        if self.busy:
            return "another fetcher is running"
        if self.windowed and not self.claimed:
            return "calls wait for the batching window (GONG_FETCH_WINDOW_S)"
        return (
            f"claimed={self.claimed} transcribed={self.transcribed} waiting={self.waiting} "
            f"skipped={self.skipped} failed={self.failed}"
            + (f" erased={self.erased}" if self.erased else "")
            + (f" errors={self.errors[:1]}" if self.errors else "")
        )


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def calls_due_filter() -> Q:
    """Calls a fetch may claim now: pending and due, or a fetch claim that outlived GONG_FETCH_CLAIM_TIMEOUT_S."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.GONG_FETCH_CLAIM_TIMEOUT_S)
    due = Q(status=CallStatus.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    return due | Q(status=CallStatus.FETCHING, claimed_at__lt=stale)


def calls_claim_for_fetch(*, worker: str, limit: int) -> list[str]:
    """Claim up to `limit` due calls for this worker (conditional UPDATE ... RETURNING, SKIP LOCKED)."""
    params = {"worker": worker[:120], "limit": limit, "stale_s": float(settings.GONG_FETCH_CLAIM_TIMEOUT_S)}
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_SQL, params)
        return [row[0] for row in cursor.fetchall()]


@contextmanager
def _fetch_lock():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [FETCH_LOCK_KEY])
        got = cursor.fetchone()[0]
    try:
        yield got
    finally:
        if got:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [FETCH_LOCK_KEY])


def _window_open(*, batch_size: int) -> bool:
    """Whether to wait for more deliveries before asking Gong: the oldest due webhook-delivered call has waited
    less than GONG_FETCH_WINDOW_S and the batch is not full. Calls due for a retry (next_attempt_at set) and
    calls from the poller never wait. The minute sweep comes back, so nothing waits much past the window."""
    window_s = float(settings.GONG_FETCH_WINDOW_S)
    if window_s <= 0:
        return False
    due = Call.objects.filter(calls_due_filter())
    if due.filter(Q(next_attempt_at__isnull=False) | Q(status=CallStatus.FETCHING)).exists():
        return False  # retries and claims taken over from a dead worker go now
    stats = due.aggregate(n=Count("id"), oldest=Min("received_at"))
    if not stats["n"] or stats["n"] >= batch_size or stats["oldest"] is None:
        return False
    return (timezone.now() - stats["oldest"]).total_seconds() < window_s


def _debounce(*, batch_size: int, sleep: Callable[[float], None], clock: Callable[[], datetime]) -> None:
    """Wait while webhooks are still arriving, the batch is not full and nobody has waited too long."""
    debounce_s = float(settings.GONG_FETCH_DEBOUNCE_S)
    max_delay_s = float(settings.GONG_FETCH_MAX_DELAY_S)
    if debounce_s <= 0:
        return
    while True:
        due = Call.objects.filter(calls_due_filter(), status=CallStatus.PENDING)
        stats = due.aggregate(n=Count("id"), newest=Max("received_at"), oldest=Min("received_at"))
        if not stats["n"] or stats["n"] >= batch_size or stats["newest"] is None:
            return
        now = clock()
        quiet_for = (now - stats["newest"]).total_seconds()
        waited = (now - stats["oldest"]).total_seconds()
        if quiet_for >= debounce_s or waited >= max_delay_s:
            return
        sleep(min(debounce_s - quiet_for, max_delay_s - waited, 0.5) + 0.01)


def calls_fetch_pending(
    *,
    client: GongClient | None = None,
    worker: str | None = None,
    debounce: bool = True,
    max_batches: int = MAX_ROUNDS,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], datetime] = timezone.now,
) -> FetchReport:
    """Fetch due pending calls from Gong in batches of GONG_FETCH_BATCH_SIZE until none is left (idempotent).

    Returns at once (report.busy) when another fetcher is running: it will see our calls too. The debounce
    naps with `sleep` and reads the time from `clock` (injected together in tests, so they run on one time).
    """
    report = FetchReport()
    batch_size = int(settings.GONG_FETCH_BATCH_SIZE)
    worker = worker or worker_name()
    for _pass in range(3):
        with _fetch_lock() as got:
            if not got:
                report.busy = report.claimed == 0
                return report
            _fetch_rounds(
                report,
                client=client,
                worker=worker,
                batch_size=batch_size,
                max_batches=max_batches,
                sleep=sleep if debounce else None,
                clock=clock,
            )
        if report.errors or max_batches < MAX_ROUNDS or not Call.objects.filter(calls_due_filter()).exists():
            break  # nothing slipped in while we held the lock
    return report


def _fetch_rounds(report: FetchReport, *, client, worker: str, batch_size: int, max_batches: int, sleep, clock) -> None:
    for _round in range(max_batches):
        if sleep is not None:
            if _window_open(batch_size=batch_size):
                report.windowed = True
                return
            _debounce(batch_size=batch_size, sleep=sleep, clock=clock)
        call_ids = calls_claim_for_fetch(worker=worker, limit=batch_size)
        if not call_ids:
            return
        report.claimed += len(call_ids)
        try:
            client = client or GongClient.from_settings()
            report.add(fetch_batch(call_ids=call_ids, client=client))
        except GongRateLimited as exc:
            calls_release(call_ids=call_ids, retry_after_s=exc.retry_after)
            report.errors.append(str(exc))
            return
        except GongAuthError:
            calls_release(call_ids=call_ids, retry_after_s=300)
            raise
        except GongError as exc:
            calls_release(call_ids=call_ids, retry_after_s=60)
            report.errors.append(str(exc))
            return
        except Exception:  # misconfiguration or a bug: give the calls back now, not after the claim timeout
            calls_release(call_ids=call_ids, retry_after_s=300)
            raise


def fetch_batch(*, call_ids: list[str], client: GongClient) -> BatchOutcome:
    """Fetch and store one claimed batch: Gong requests first (no transaction open), then the writes. A claimed
    call that was erased meanwhile (a webhook racing the erasure) is removed, never requested from Gong."""
    erased = _erased_remove(call_ids=call_ids)
    calls = {c.id: c for c in Call.objects.filter(pk__in=call_ids) if c.id not in erased}
    need_extensive = [cid for cid, call in calls.items() if not isinstance(call.metadata.get("parties"), list)]
    records = client.calls_extensive(call_ids=need_extensive) if need_extensive else []
    extensive = {record.data.meta_data.id: record for record in records}
    erased |= _erased_people_remove(calls=calls, extensive=extensive)
    calls = {cid: call for cid, call in calls.items() if cid not in erased}
    wanted = [cid for cid, call in calls.items() if _wants_transcript(call, extensive.get(cid))]
    transcripts = {t.call_id: t for t in client.transcripts(call_ids=wanted)} if wanted else {}
    unreadable = {cid: reason for cid, reason in getattr(client, "unreadable", {}).items() if cid in calls}
    outcome = fetch_results_store(
        calls={cid: call for cid, call in calls.items() if cid not in unreadable},
        extensive=extensive,
        transcripts=transcripts,
    )
    outcome.failed += calls_fail(call_ids=list(unreadable), reasons=unreadable)
    outcome.erased = len(erased)
    return outcome


def _erased_remove(*, call_ids: list[str]) -> set[str]:
    erased = erased_among(kind=TombstoneKind.CALL, subjects=call_ids)
    if erased:
        calls_erase(call_ids=erased)  # the row and its deliveries: what slipped in must not stay
        erased_skip_note(path="fetch", kind=TombstoneKind.CALL, count=len(erased))
    return erased


def _people(call: Call, record) -> tuple[set[str], set[str]]:
    """(emails, Gong user ids) of the call's parties and primary user."""
    parties = party_list(call, record)
    primary = record.data.meta_data.primary_user_id if record is not None else None
    primary = primary or (call.metadata.get("metaData") or {}).get("primaryUserId")
    emails = {(p.email_address or "").lower() for p in parties} - {""}
    return emails, ({p.user_id or "" for p in parties} | {primary or ""}) - {""}


def _erased_people_remove(*, calls: dict[str, Call], extensive: dict) -> set[str]:
    """Calls from before a person's erasure that name them (by email or Gong user id): that erasure covered every
    call they were on, so such a call — one Gong sends only now, or one another erasure's lift let back — is
    removed, never fetched, and tombstoned under the person's erasure (lifting the person lets it back). A call
    that started after the erasure is a new call and is stored as usual."""
    people = {cid: _people(call, extensive.get(cid)) for cid, call in calls.items()}
    emails = erasure_holding(kind=TombstoneKind.PERSON, subjects=[e for es, _ in people.values() for e in es])
    users = erasure_holding(kind=TombstoneKind.GONG_USER, subjects=[u for _, us in people.values() for u in us])
    covered: dict[str, int | None] = {}
    for cid, (call_emails, call_users) in people.items():
        holders = [emails[e] for e in call_emails if e in emails] + [users[u] for u in call_users if u in users]
        started = calls[cid].started
        before = [record for record, erased_at in holders if started is None or started < erased_at]
        if before:
            covered[cid] = before[0]
    if covered:
        calls_erase(call_ids=set(covered))
        for cid, record_id in covered.items():
            tombstones_extend(record_id=record_id, kind=TombstoneKind.CALL, subjects=[cid])
        erased_skip_note(path="fetch", kind=TombstoneKind.PERSON, count=len(covered))
    return set(covered)


def _wants_transcript(call: Call, record) -> bool:
    if record is None and not isinstance(call.metadata.get("parties"), list):
        return False  # extensive does not know the call yet: it waits (store marks it)
    return skip_reason(call=call, record=record) is None
