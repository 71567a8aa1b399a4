"""The last pipeline stage: a transcribed call becomes coaching sessions, exactly once.

gong marks a call `transcribed` and enqueues `coaching.tasks.call_coach` by dotted path; a periodic sweep
enqueues anything that slipped through (a lost task, a stale claim, a budget hold lifted), so no call strands.
The claim is a conditional UPDATE on gong_call, so duplicate deliveries of the task (the queue is
at-least-once) do the work once; the analysis cache makes even a re-run after a crash cost nothing.

Batch path: `calls_coach_batch` claims calls and submits them to one Message Batch; they stay `analyzing`
until `calls_coach_batch_ingest` (run by the sweep, or by `analyze_calls --batch`) finds the batch ended and
takes the calls over (a claim with stale_after_s=0) to store their sessions from the now-cached runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import structlog
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django_q.tasks import async_task

from analysis.models import RunStatus
from analysis.selectors import batches_open, call_batch_waiting, calls_waiting_for_batches, run_get
from analysis.services import (
    AnalysisOutcome,
    analysis_for_call,
    analysis_mode_for,
    batch_poll,
    batch_submit,
    budget_state,
    runs_sweep_stale,
)
from coaching.selectors.batch_runs import batch_runs_unsettled
from coaching.services.sessions import sessions_store_from_run
from core.metrics import ANALYSES
from gong.selectors import calls_awaiting_analysis, calls_held
from gong.services import (
    call_claim_for_analysis,
    call_mark_analyzed,
    call_mark_failed,
    call_mark_held,
    call_release,
)

logger = structlog.get_logger(__name__)
BATCH_PATIENCE = timedelta(hours=25)  # the API ends a batch within 24 hours


@dataclass(frozen=True)
class CoachOutcome:
    call_id: str
    status: str  # analyzed | failed | held | batch_submitted | not_claimed
    detail: str = ""
    cache_hit: bool = False


@dataclass
class BatchIngest:
    batches_checked: int = 0
    batches_ended: int = 0
    outcomes: list[CoachOutcome] = field(default_factory=list)


def _settle(call_id: str, outcome: AnalysisOutcome) -> CoachOutcome:
    """Store sessions / mark the claimed call according to the analysis outcome."""
    result = "cache_hit" if outcome.cache_hit else outcome.status
    ANALYSES.labels(outcome=result, analyzer=settings.ANALYZER).inc()
    if outcome.status == "succeeded":
        with transaction.atomic():
            sessions_store_from_run(run_id=outcome.run_id)
            call_mark_analyzed(call_id=call_id)
        logger.info("call_coached", call_id=call_id, run_id=outcome.run_id, cache_hit=outcome.cache_hit)
        return CoachOutcome(call_id, "analyzed", cache_hit=outcome.cache_hit)
    if outcome.status == "held":
        call_mark_held(call_id=call_id, reason=outcome.error)
        return CoachOutcome(call_id, "held", outcome.error)
    if outcome.status == "batch_submitted":
        return CoachOutcome(call_id, "batch_submitted", outcome.error)
    call_mark_failed(call_id=call_id, reason=outcome.error or "analysis failed")
    return CoachOutcome(call_id, "failed", outcome.error)


def _batch_result(call_id: str, run_id: int) -> AnalysisOutcome | None:
    """The succeeded run an ended Message Batch made for this call (its own result, not a cache hit); None when
    the batch's run failed (the call is then analysed again, realtime)."""
    run = run_get(run_id=run_id)
    if run.status == RunStatus.SUCCEEDED and run.call_id == call_id:
        return AnalysisOutcome(run.pk, "succeeded", False)
    return None


def call_coach(
    *,
    call_id: str,
    force: bool = False,
    worker: str = "",
    takeover: bool = False,
    fresh_result: bool = False,
    purpose: str = "",
    realtime: bool = False,
    batch_run: int | None = None,
) -> CoachOutcome:
    """Claim the call, analyse it (or reuse a cached analysis), store its sessions and mark it analysed.

    Expected failures end the call `failed` with a reason, or `held` while the monthly budget is spent.
    A database error propagates so the queue retries and the stale-claim sweep picks the call up again.
    `takeover` claims a call another worker left `analyzing` (used once its Message Batch has ended; its result
    is then this call's own, not a cache hit). `purpose` labels the Claude request in the ledger (e.g. "mcp").
    Short-call policy (ANALYSIS_BATCH_BELOW_TOKENS): an automatic analysis of a short call goes in a Message
    Batch and the call stays `analyzing` until the sweep ingests it; forced, takeover (a batch that failed comes
    back realtime, so nothing is lost), purposed (someone waiting, e.g. MCP) and `realtime` requests (an operator's
    `analyze_calls`) stay realtime.
    `batch_run` (with takeover): the run the ended batch finished for this call; when it succeeded its result is
    the call's analysis as it is, not looked up again by the current cache key (a knowledge, prompt or model change
    while the batch ran would miss it and pay for the call a second time).
    """
    waiting = "" if takeover else call_batch_waiting(call_id=call_id, submitted_after=timezone.now() - BATCH_PATIENCE)
    if waiting:  # busy, not stuck: a redelivered task or an operator's run must not claim it (nor count an attempt)
        return CoachOutcome(call_id, "batch_submitted", f"waiting for Message Batch {waiting}")
    stale_after_s = 0 if takeover else settings.ANALYSIS_CLAIM_TIMEOUT_S
    # A takeover is a finished batch collecting its result, not another stale worker: no attempt limit.
    max_attempts = 0 if takeover else settings.ANALYSIS_MAX_ATTEMPTS
    claimed = call_claim_for_analysis(
        call_id=call_id, worker=worker, stale_after_s=stale_after_s, force=force, max_attempts=max_attempts
    )
    if not claimed:
        return CoachOutcome(call_id, "not_claimed", "already analysed, or another worker holds the claim")
    try:
        outcome = _batch_result(call_id, batch_run) if takeover and batch_run is not None else None
        if outcome is None:
            extra = {"purpose": purpose} if purpose else {}
            if not (force or takeover or purpose or realtime):
                extra["mode"] = analysis_mode_for(call_id=call_id)
            outcome = analysis_for_call(
                call_id=call_id, force=force, worker=worker, fresh_result=fresh_result or takeover, **extra
            )
    except DatabaseError:
        raise
    except Exception as exc:
        logger.exception("analysis_crashed", call_id=call_id)
        reason = f"analysis crashed: {exc.__class__.__name__}: {exc}"[:500]
        call_mark_failed(call_id=call_id, reason=reason)
        return CoachOutcome(call_id, "failed", reason)
    return _settle(call_id, outcome)


def calls_coach_batch(*, call_ids: list[str], force: bool = False, worker: str = "") -> list[CoachOutcome]:
    """Claim the calls and submit those needing Claude to one Message Batch (half price); cache hits, offline
    analyses and failures are settled at once, submitted calls stay `analyzing` until the batch is ingested."""
    stale = settings.ANALYSIS_CLAIM_TIMEOUT_S
    waiting = set(calls_waiting_for_batches(submitted_after=timezone.now() - BATCH_PATIENCE))
    claimed = [
        c
        for c in call_ids
        if c not in waiting
        and call_claim_for_analysis(
            call_id=c, worker=worker, stale_after_s=stale, force=force, max_attempts=settings.ANALYSIS_MAX_ATTEMPTS
        )
    ]
    outcomes = [CoachOutcome(c, "batch_submitted", "waiting for its Message Batch") for c in call_ids if c in waiting]
    outcomes += [
        CoachOutcome(c, "not_claimed", "already analysed, or claimed")
        for c in call_ids
        if c not in claimed and c not in waiting
    ]
    if not claimed:
        return outcomes
    submission = batch_submit(call_ids=claimed, force=force, worker=worker)
    for call_id in claimed:
        outcome = submission.outcomes.get(call_id) or AnalysisOutcome(None, "failed", False, "not submitted")
        outcomes.append(_settle(call_id, outcome))
    return outcomes


def calls_coach_batch_ingest(*, worker: str = "") -> BatchIngest:
    """Poll open Message Batches; store sessions for every call whose run finished."""
    poll = batch_poll()
    report = BatchIngest(batches_checked=poll.checked, batches_ended=poll.ended)
    for call_id in poll.call_ids:
        outcome = call_coach(call_id=call_id, worker=worker, takeover=True, batch_run=poll.runs.get(call_id))
        report.outcomes.append(outcome)
    return report


def calls_coach_sweep(*, limit: int = 500) -> int:
    """Enqueue the coaching stage for every call that is waiting for it; returns how many were enqueued.

    Abandoned analysis runs (worker gone past the claim timeout) are failed so they can be retried, ended
    Message Batches are ingested (and batch runs an earlier ingest finished without reaching their call are
    handed over), and held calls are released when the budget allows again.
    """
    runs_sweep_stale()
    if batches_open():
        calls_coach_batch_ingest(worker="sweep")
    now = timezone.now()
    claimed_before = now - timedelta(seconds=settings.ANALYSIS_CLAIM_TIMEOUT_S)
    # A batch run finished but its call never got it (the ingest stopped in between): hand it over now — looked up
    # again by its current cache key it could be analysed (and paid for) a second time.
    for call_id, run_id in batch_runs_unsettled(
        finished_after=now - BATCH_PATIENCE, claimed_before=claimed_before, limit=limit
    ):
        call_coach(call_id=call_id, worker="sweep", takeover=True, batch_run=run_id)
    if budget_state().status != "held":
        for call_id in calls_held(limit=limit):
            call_release(call_id=call_id)
    call_ids = calls_awaiting_analysis(stale_after_s=settings.ANALYSIS_CLAIM_TIMEOUT_S, limit=limit)
    # A call waiting in a Message Batch is busy, not stuck: re-claiming it would only count attempts against it.
    in_batches = set(calls_waiting_for_batches(submitted_after=timezone.now() - BATCH_PATIENCE))
    call_ids = [call_id for call_id in call_ids if call_id not in in_batches]
    for call_id in call_ids:
        async_task("coaching.tasks.call_coach", call_id, task_name=f"call_coach:{call_id}")
    return len(call_ids)
