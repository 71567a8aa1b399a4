"""Read-only pipeline views: where each call is, how long each stage took, what is stuck or failed.

A call's timeline: webhook received → fetched → transcribed → analysed → reviewed (the first manager review
of one of its scores). Times come from gong_call's own timestamps, the first webhook delivery when the call
row has no received_at, and coaching_dimension_score.reviewed_at.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Min, QuerySet
from django.utils import timezone
from django_q.models import Failure

from analysis.selectors import calls_waiting_for_batches
from coaching.access import Viewer, calls_visible_q
from coaching.models import DimensionScore
from gong.models import Call, CallStatus, WebhookEvent
from gong.selectors import call_status_counts

STAGES = ("received", "fetched", "transcribed", "analyzed", "reviewed")
STAGE_LABELS = {
    "received": "Webhook received",
    "fetched": "Fetched",
    "transcribed": "Transcribed",
    "analyzed": "Analysed",
    "reviewed": "Reviewed",
}
# Statuses a call should leave on its own; one that stays in them too long is stuck. `held` waits for budget
# on purpose and is listed apart.
IN_FLIGHT = (CallStatus.PENDING, CallStatus.FETCHING, CallStatus.TRANSCRIBED, CallStatus.ANALYZING)


@dataclass(frozen=True)
class Step:
    stage: str
    label: str
    at: dt.datetime | None
    seconds_from_previous: float | None  # since the previous stage that happened


@dataclass(frozen=True)
class CallTimeline:
    call_id: str
    title: str
    status: str
    status_label: str
    reason: str
    updated_at: dt.datetime
    steps: tuple[Step, ...]

    @property
    def total_seconds(self) -> float | None:
        """From the first recorded stage to the last one."""
        times = [step.at for step in self.steps if step.at]
        return (times[-1] - times[0]).total_seconds() if len(times) > 1 else None


@dataclass(frozen=True)
class StageDuration:
    label: str
    calls: int
    median_s: float | None
    p95_s: float | None


@dataclass(frozen=True)
class FailedTask:
    id: str
    name: str
    func: str
    args: str
    error: str
    stopped: dt.datetime
    attempts: int


def _steps(times: dict[str, dt.datetime | None]) -> tuple[Step, ...]:
    steps, previous = [], None
    for stage in STAGES:
        at = times.get(stage)
        gap = (at - previous).total_seconds() if at and previous else None
        steps.append(Step(stage, STAGE_LABELS[stage], at, gap))
        previous = at or previous
    return tuple(steps)


def _first_webhooks(calls: list[Call]) -> dict[str, dt.datetime]:
    missing = [call for call in calls if call.received_at is None]
    if not missing:
        return {}
    # Bounded by the oldest call row so PostgreSQL skips older webhook partitions.
    since = min(call.created_at for call in missing) - dt.timedelta(days=1)
    rows = (
        WebhookEvent.objects.filter(call_id__in=[call.pk for call in missing], received_at__gte=since)
        .values("call_id")
        .annotate(first=Min("received_at"))
        .order_by()
    )
    return {row["call_id"]: row["first"] for row in rows}


def _first_reviews(calls: list[Call]) -> dict[str, dt.datetime]:
    started = {call.started for call in calls if call.started and call.analyzed_at}
    if not started:
        return {}
    rows = (
        DimensionScore.objects.filter(
            call_started__in=started,  # the partition key: only the calls' partitions are read
            session__call_id__in=[call.pk for call in calls],
            reviewed_at__isnull=False,
        )
        .values("session__call_id")
        .annotate(first=Min("reviewed_at"))
        .order_by()
    )
    return {row["session__call_id"]: row["first"] for row in rows}


def _timelines(calls: list[Call]) -> list[CallTimeline]:
    """Timelines for calls already selected for a viewer (three queries whatever their number)."""
    webhooks, reviews = _first_webhooks(calls), _first_reviews(calls)
    timelines = []
    for call in calls:
        times = {
            "received": call.received_at or webhooks.get(call.pk),
            "fetched": call.fetched_at,
            "transcribed": call.transcribed_at,
            "analyzed": call.analyzed_at,
            "reviewed": reviews.get(call.pk),
        }
        timelines.append(
            CallTimeline(
                call_id=call.pk,
                title=call.title,
                status=call.status,
                status_label=call.get_status_display(),
                reason=call.status_reason,
                updated_at=call.updated_at,
                steps=_steps(times),
            )
        )
    return timelines


def _calls(viewer: Viewer) -> QuerySet[Call]:
    # The ops pages are for all-seeing roles (ops.permissions), so this filters nothing there; it is here so
    # that no selector hands out call data without the visibility rule (coaching.access), whoever calls it.
    return Call.objects.filter(calls_visible_q(viewer))


def call_timeline_get(*, viewer: Viewer, call_id: str) -> CallTimeline | None:
    """One call's timeline, or None when the call is not stored or the viewer may not see it."""
    call = _calls(viewer).filter(pk=call_id).first()
    return _timelines([call])[0] if call else None


def recent_timelines_report(*, viewer: Viewer, limit: int = 50, status: str = "") -> list[CallTimeline]:
    """The most recently updated calls (optionally of one status) with their timelines."""
    calls = _calls(viewer).order_by("-updated_at", "id")
    if status:
        calls = calls.filter(status=status)
    return _timelines(list(calls[:limit]))


BATCH_PATIENCE = dt.timedelta(hours=25)  # the Batches API ends (or expires) every batch within 24 hours


def stuck_calls_report(*, viewer: Viewer, older_than: dt.timedelta, limit: int = 100) -> list[CallTimeline]:
    """Calls in a non-final status (pending, fetching, transcribed, analyzing) untouched for `older_than`.

    A pending call with a future next_attempt_at is waiting for Gong to finish a late transcript (backoff), and
    an analysing call whose Message Batch is younger than a day is waiting for the batch: neither is stuck."""
    now = timezone.now()
    in_batches = calls_waiting_for_batches(submitted_after=now - BATCH_PATIENCE)
    calls = (
        _calls(viewer)
        .filter(status__in=IN_FLIGHT, updated_at__lt=now - older_than)
        .exclude(status=CallStatus.PENDING, next_attempt_at__gt=now)
        .exclude(status=CallStatus.ANALYZING, pk__in=in_batches)
        .order_by("updated_at", "id")
    )
    return _timelines(list(calls[:limit]))


def failed_calls_report(*, viewer: Viewer, limit: int = 100) -> list[CallTimeline]:
    """Failed calls with their reasons, most recent first."""
    calls = _calls(viewer).filter(status=CallStatus.FAILED).order_by("-updated_at", "id")
    return _timelines(list(calls[:limit]))


def held_calls_report(*, viewer: Viewer, limit: int = 100) -> list[CallTimeline]:
    """Calls waiting for the Claude budget, oldest first."""
    calls = _calls(viewer).filter(status=CallStatus.HELD).order_by("updated_at", "id")
    return _timelines(list(calls[:limit]))


def status_counts_report() -> list[tuple[str, str, int]]:
    """(status, label, count) for every call status, in pipeline order."""
    counts = call_status_counts()
    return [(value, str(label), counts.get(value, 0)) for value, label in CallStatus.choices]


def failed_tasks_report(*, limit: int = 50) -> list[FailedTask]:
    """django-q2 tasks that raised or timed out (after their retries), most recent first."""
    failures = Failure.objects.order_by("-stopped")[:limit]
    return [
        FailedTask(
            id=task.id,
            name=task.name,
            func=task.func,
            args=repr(task.args)[:200],
            error=str(task.result or "")[:1000],
            stopped=task.stopped,
            attempts=task.attempt_count,
        )
        for task in failures
    ]


_STAGE_PAIRS = (
    ("Webhook → fetched", "received_at", "fetched_at"),
    ("Fetched → transcribed", "fetched_at", "transcribed_at"),
    ("Transcribed → analysed", "transcribed_at", "analyzed_at"),
    ("Webhook → analysed", "received_at", "analyzed_at"),
)


def stage_durations_report(*, since: dt.datetime) -> list[StageDuration]:
    """Median and 95th percentile of each stage's duration over calls received since `since` (one query)."""
    columns = ", ".join(
        f"count({end} - {start}), "
        f"percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM {end} - {start})), "
        f"percentile_cont(0.95) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM {end} - {start}))"
        for _label, start, end in _STAGE_PAIRS
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM gong_call WHERE received_at >= %s", [since])
        row = cursor.fetchone()
    labels = [label for label, _start, _end in _STAGE_PAIRS]
    return [StageDuration(label, *row[i * 3 : i * 3 + 3]) for i, label in enumerate(labels)]
