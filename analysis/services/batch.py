"""The Message Batches path (half price): submit many calls in one batch, poll, ingest finished results.

A run submitted to a batch is `batch_submitted` with its batch id; each of its chunk requests is one batch entry
(custom_id `r<run>-<chunk>-<chunks>`). Ingesting writes one ledger row per entry at batch prices, validates
(one realtime repair request for an invalid answer), verifies quotes, merges and finishes the run. The coaching
layer then stores sessions: a later `call_coach` finds the run as a cache hit.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import structlog
from django.utils import timezone

from analysis.claude import ClaudeError, batch_create, batch_get, batch_results
from analysis.models import AnalysisRun, Analyzer, ApiPurpose, RunMode, RunStatus
from analysis.selectors import batches_open
from analysis.services.cache_ttl import BATCH_TTL
from analysis.services.claude_run import (
    AnswerInvalid,
    Spend,
    answer_with_repair,
    requests_for,
    result_build,
    windows_for,
)
from analysis.services.context import analysis_input_build
from analysis.services.ledger import api_call_record, budget_hold_reason, budget_state
from analysis.services.realtime import AnalysisOutcome, analysis_realtime
from analysis.services.runs import claim_token, run_claim, run_finish, run_supersede, totals_fields
from core.durable import durable_atomic
from core.errors import NotFound

logger = structlog.get_logger(__name__)
_CUSTOM_ID = re.compile(r"^r(\d+)-(\d+)-(\d+)$")


@dataclass
class BatchSubmission:
    batch_id: str = ""
    outcomes: dict[str, AnalysisOutcome] = field(default_factory=dict)

    @property
    def submitted(self) -> list[str]:
        return [c for c, o in self.outcomes.items() if o.status == "batch_submitted"]


@dataclass
class BatchPoll:
    checked: int = 0
    ended: int = 0
    succeeded: int = 0
    failed: int = 0
    call_ids: list[str] = field(default_factory=list)  # calls whose runs finished in this poll
    runs: dict[str, int] = field(default_factory=dict)  # call id → the run this poll finished for it
    errors: list[str] = field(default_factory=list)  # batches that could not be read this time


def _prepare(call_id: str, *, force: bool, worker: str, submission: BatchSubmission, entries: list, owned: dict):
    try:
        inp = analysis_input_build(call_id=call_id)
    except NotFound as exc:
        submission.outcomes[call_id] = AnalysisOutcome(None, "failed", False, exc.message)
        return
    if inp.error or inp.analyzer == Analyzer.OFFLINE:  # offline work is free and immediate
        submission.outcomes[call_id] = analysis_realtime(call_id=call_id, force=force, worker=worker)
        return
    if force:
        run_supersede(cache_key=inp.cache_key)
    claim = run_claim(inp=inp, worker=worker, mode=RunMode.BATCH)
    if claim.state != "owned":
        status = {"hit": "succeeded", "batch": "batch_submitted"}.get(claim.state, "failed")
        detail = "" if claim.state == "hit" else f"run {claim.run.pk} is {claim.run.status}"
        submission.outcomes[call_id] = AnalysisOutcome(claim.run.pk, status, claim.state == "hit", detail)
        return
    windows, tokens = windows_for(inp, count_with_api=False)
    for number, body in enumerate(requests_for(inp, windows, ttl=BATCH_TTL), start=1):
        entries.append({"custom_id": f"r{claim.run.pk}-{number}-{len(windows)}", "params": body})
    owned[call_id] = (claim, len(windows), tokens, inp.redaction)


def batch_submit(*, call_ids: list[str], force: bool = False, worker: str = "") -> BatchSubmission:
    """Submit every call that needs Claude to one Message Batch; cache hits and offline analyses return at once."""
    submission, entries, owned = BatchSubmission(), [], {}
    state = budget_state()
    for call_id in dict.fromkeys(call_ids):
        if state.status == "held":
            submission.outcomes[call_id] = AnalysisOutcome(None, "held", False, budget_hold_reason(state))
            continue
        _prepare(call_id, force=force, worker=worker, submission=submission, entries=entries, owned=owned)
    if not entries:
        return submission
    try:
        info = batch_create(requests=entries)
    except ClaudeError as exc:
        reason = f"Message Batch submission failed: {exc}"[:1000]
        for call_id, (claim, _, _, redaction) in owned.items():
            api_call_record(
                run_id=claim.run.pk, call_id=call_id, purpose=ApiPurpose.CALL_ANALYSIS, mode=RunMode.BATCH, error=exc,
                redaction=redaction, cache_ttl=BATCH_TTL,
            )  # fmt: skip
            run_finish(run_id=claim.run.pk, token=claim.token, status=RunStatus.FAILED, fields={"error": reason})
            submission.outcomes[call_id] = AnalysisOutcome(claim.run.pk, "failed", False, reason)
        return submission
    submission.batch_id = info.batch_id
    # Before the runs record it: should this process die now, the log names the (billed) batch and its runs, so it
    # can be cancelled or matched by hand — the runs themselves go stale and are analysed again.
    logger.info("batch_created", batch_id=info.batch_id, run_ids=[claim.run.pk for claim, *_ in owned.values()])
    with durable_atomic():  # the billed batch is recorded on disk, even on the worker's asynchronous connections
        for call_id, (claim, chunks, tokens, _) in owned.items():
            AnalysisRun.objects.filter(pk=claim.run.pk, claimed_by=claim.token).update(
                status=RunStatus.BATCH_SUBMITTED,
                batch_id=info.batch_id,
                mode=RunMode.BATCH,
                chunk_count=chunks,
                transcript_tokens=tokens,
                claimed_at=timezone.now(),
            )
            submission.outcomes[call_id] = AnalysisOutcome(
                claim.run.pk, "batch_submitted", False, f"waiting for Message Batch {info.batch_id}"
            )
    return submission


def _ledger_entries(
    run: AnalysisRun, items: dict[int, object], *, chunks: int, purpose: str, batch_id: str, spend, redaction=None
):
    """One ledger row for every entry of the run, first: billed answers are accounted for even when another entry
    of the same run errored or expired (those are not billed: an error row at no cost)."""
    for number in range(1, chunks + 1):
        item = items.get(number)
        if item is not None and item.reply is not None:
            usage, cost = api_call_record(
                run_id=run.pk, call_id=run.call_id, purpose=purpose, mode=RunMode.BATCH, reply=item.reply,
                batch_id=batch_id, redaction=redaction, cache_ttl=BATCH_TTL,
            )  # fmt: skip
            spend.add(usage, cost)
            continue
        detail = (item.error or item.status) if item is not None else "missing from the batch results"
        error = ClaudeError(
            f"batch entry {number}/{chunks}: {detail}", http_status=None,
            error_type=(item.status if item is not None else "missing"), request_id="", latency_ms=0, attempts=1,
        )  # fmt: skip
        api_call_record(run_id=run.pk, call_id=run.call_id, purpose=purpose, mode=RunMode.BATCH, error=error,
                        batch_id=batch_id, redaction=redaction, cache_ttl=BATCH_TTL)  # fmt: skip


def _ingest_claim(run: AnalysisRun) -> str | None:
    """Take the run from `batch_submitted` to `running` under a fresh token; None when another poll has it."""
    token = claim_token("batch-ingest")
    taken = AnalysisRun.objects.filter(pk=run.pk, status=RunStatus.BATCH_SUBMITTED).update(
        status=RunStatus.RUNNING, claimed_by=token, claimed_at=timezone.now()
    )
    return token if taken else None


def _ingest_run(run: AnalysisRun, items: dict[int, object], batch_id: str) -> bool | None:
    """Finish one run from its batch entries; True when it succeeded, None when another poll is ingesting it."""
    token = _ingest_claim(run)
    if token is None:
        return None
    spend, answers, error, result = Spend(), [], "", None
    try:
        inp = analysis_input_build(
            call_id=run.call_id, analyzer=run.analyzer, knowledge_versions=run.knowledge_versions
        )
        windows = windows_for(inp, count_with_api=False)[0]
        requests = requests_for(inp, windows, ttl=BATCH_TTL)
        purpose = ApiPurpose.CALL_ANALYSIS if len(requests) == 1 else ApiPurpose.CHUNK_ANALYSIS
        _ledger_entries(
            run, items, chunks=len(requests), purpose=purpose, batch_id=batch_id, spend=spend, redaction=inp.redaction
        )
        for number, request in enumerate(requests, start=1):
            item = items.get(number)
            if item is None or item.reply is None:
                raise AnswerInvalid(f"batch entry {number}/{len(requests)}: {item.error if item else 'missing'}")
            answers.append(
                answer_with_repair(request, inp=inp, run_id=run.pk, purpose=purpose, spend=spend, first=item.reply)
            )
        rubric_versions = (run.knowledge_versions or {}).get("rubrics", {})
        result = result_build(inp, answers, rubric_versions=rubric_versions, windows=windows)
    except (AnswerInvalid, ClaudeError, NotFound) as exc:
        error = str(exc)[:1000]
    fields = totals_fields(usage=spend.usage, cost=spend.cost, latency_ms=0, paid_requests=spend.requests)
    if result is None:
        run_finish(run_id=run.pk, token=token, status=RunStatus.FAILED, fields={**fields, "error": error})
        return False
    fields.update(
        result=result.model_dump(mode="json"),
        quotes_verified=result.quotes_verified,
        quotes_dropped=result.quotes_dropped,
    )
    return run_finish(run_id=run.pk, token=token, status=RunStatus.SUCCEEDED, fields=fields)


def _poll_error(poll: BatchPoll, event: str, batch_id: str, exc: ClaudeError) -> None:
    logger.warning(event, batch_id=batch_id, error=str(exc)[:300])
    poll.errors.append(f"{batch_id}: {exc}"[:300])


def _batch_state(batch_id: str, poll: BatchPoll) -> str:
    """ "ended", "open", or "gone" (the API no longer knows it: its runs fail and are retried in realtime). A lookup
    that fails otherwise is counted and retried on the next poll, never raised: one unreachable batch must not stop
    the sweep for every other call."""
    try:
        return "ended" if batch_get(batch_id=batch_id).status == "ended" else "open"
    except ClaudeError as exc:
        if exc.http_status == 404:
            logger.warning("batch_gone", batch_id=batch_id)
            return "gone"
        _poll_error(poll, "batch_lookup_failed", batch_id, exc)
        return "open"


def _batch_items(batch_id: str, state: str, poll: BatchPoll) -> dict[int, dict[int, object]] | None:
    grouped: dict[int, dict[int, object]] = defaultdict(dict)
    if state == "gone":
        return grouped
    try:
        for item in batch_results(batch_id=batch_id):
            match = _CUSTOM_ID.match(item.custom_id)
            if match:
                grouped[int(match.group(1))][int(match.group(2))] = item
    except ClaudeError as exc:
        _poll_error(poll, "batch_results_failed", batch_id, exc)
        return None
    return grouped


def batch_poll(*, batch_id: str | None = None) -> BatchPoll:
    """Check open batches (or one); ingest the ended ones into their runs (each run by one poll only)."""
    poll = BatchPoll()
    open_ids = [batch_id] if batch_id else batches_open()
    for current in open_ids:
        poll.checked += 1
        state = _batch_state(current, poll)
        grouped = None if state == "open" else _batch_items(current, state, poll)
        if grouped is None:
            continue
        poll.ended += 1
        for run in AnalysisRun.objects.filter(batch_id=current, status=RunStatus.BATCH_SUBMITTED):
            ok = _ingest_run(run, grouped.get(run.pk, {}), current)
            if ok is None:
                continue
            poll.succeeded += ok
            poll.failed += not ok
            poll.call_ids.append(run.call_id)
            poll.runs[run.call_id] = run.pk
    return poll
