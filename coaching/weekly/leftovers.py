"""Before a review: analyse the week's calls that are still unanalysed, wait (bounded), report what is missing.

With Claude configured the leftovers go through the Message Batches API (half price) and we poll until the
batch ends or the timeout passes; with the offline analyzer `batch_submit` analyses them in-process at once.
Either way the coaching stage (`call_coach`) stores the sessions: a finished batch result is an analysis-cache
hit there, so nothing is paid twice. Whatever is still not analysed is listed with its reason, never hidden.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import structlog
from django.conf import settings

from analysis.services import batch_poll, batch_submit
from coaching.services import call_coach
from coaching.weekly.selectors import period_calls_unanalysed
from coaching.weekly.weeks import Period
from gong.models import CallStatus

logger = structlog.get_logger(__name__)
WORKER = "weekly_review"


@dataclass
class LeftoverOutcome:
    attempted: list[str] = field(default_factory=list)
    analysed: list[str] = field(default_factory=list)
    batch_id: str | None = None
    timed_out: bool = False
    missing: list[dict] = field(default_factory=list)


def _reason(call: dict, *, timed_out: bool, timeout_s: float) -> str:
    status = call["status"]
    if status in (CallStatus.PENDING, CallStatus.FETCHING):
        return "not fetched from Gong yet"
    if status == CallStatus.HELD:
        return f"held: {call['status_reason'] or 'monthly analysis budget reached'}"
    if status == CallStatus.FAILED:
        return f"analysis failed: {call['status_reason'] or 'unknown error'}"
    if timed_out:
        return f"analysis not finished within {int(timeout_s)} s"
    return "analysis still running"


def _analyse(
    call_ids: list[str], *, wait_timeout_s: float, poll_interval_s: float, sleep: Callable[[float], None]
) -> tuple[str | None, bool, list[str]]:
    """(batch id, timed out, analysed call ids). Offline analyses and cache hits finish inside batch_submit."""
    submission = batch_submit(call_ids=call_ids, worker=WORKER)
    waiting: set[str] = set(submission.submitted)
    timed_out = False
    if submission.batch_id:
        deadline = time.monotonic() + wait_timeout_s
        while True:
            if batch_poll(batch_id=submission.batch_id).ended:
                waiting.clear()
                break
            if time.monotonic() >= deadline:
                timed_out = True
                break
            sleep(min(poll_interval_s, max(0.0, deadline - time.monotonic())))
    done = []
    for call_id in call_ids:
        if call_id in waiting:
            continue  # still in the batch: the periodic sweep stores it once the batch ends
        # The run is finished (or failed/held): call_coach stores sessions from it (a cache hit, 0 tokens) or
        # records why the call has none.
        outcome = submission.outcomes.get(call_id)
        fresh = outcome is not None and not outcome.cache_hit  # made by this submission: not a cache hit
        if call_coach(call_id=call_id, worker=WORKER, fresh_result=fresh).status == "analyzed":
            done.append(call_id)
    return submission.batch_id or None, timed_out, done


def week_leftovers_analyse(
    *,
    period: Period,
    rep_ids: list[str] | None = None,
    wait_timeout_s: float,
    poll_interval_s: float = 15.0,
    sleep: Callable[[float], None] = time.sleep,
) -> LeftoverOutcome:
    """Analyse the period's transcribed-but-unanalysed calls, then list every call still missing, with why."""
    outcome = LeftoverOutcome()
    waiting = period_calls_unanalysed(period=period, rep_ids=rep_ids)
    outcome.attempted = [call["id"] for call in waiting if call["status"] == CallStatus.TRANSCRIBED]
    if outcome.attempted:
        log = logger.bind(week=period.label, calls=len(outcome.attempted), analyzer=settings.ANALYZER)
        log.info("weekly_leftovers_analyse")
        outcome.batch_id, outcome.timed_out, outcome.analysed = _analyse(
            outcome.attempted, wait_timeout_s=wait_timeout_s, poll_interval_s=poll_interval_s, sleep=sleep
        )
    still = period_calls_unanalysed(period=period, rep_ids=rep_ids)
    outcome.missing = [
        {
            "call_id": call["id"],
            "title": call["title"],
            "status": call["status"],
            "rep_id": call["primary_user_id"],
            "reason": _reason(call, timed_out=outcome.timed_out, timeout_s=wait_timeout_s),
        }
        for call in still
    ]
    return outcome
