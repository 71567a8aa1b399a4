"""One call analysed now: the result-cache fast path, the input, the budget hold, the claim, and the offline or
Claude work (analysis_prepare, analysis_execute). analysis.services.analyze puts them together with the Message
Batches path; batch.py uses analysis_realtime for calls that need no Claude request."""

from __future__ import annotations

from dataclasses import dataclass

import structlog
from django.conf import settings

from analysis.models import AnalysisRun, Analyzer, ApiPurpose, RunStatus
from analysis.offline import offline_analyze
from analysis.services.claude_run import claude_analyze
from analysis.services.context import AnalysisInput, analysis_input_build, key_inputs_get
from analysis.services.ledger import budget_hold_reason, budget_state, cache_hit_record
from analysis.services.runs import run_claim, run_finish, run_supersede, run_wait, totals_fields
from core.errors import NotFound
from core.logging_context import log_context

logger = structlog.get_logger(__name__)


@dataclass(frozen=True)
class AnalysisOutcome:
    run_id: int | None
    status: str  # succeeded | failed | held | batch_submitted
    cache_hit: bool = False
    error: str = ""


def _from_run(run: AnalysisRun, *, cache_hit: bool) -> AnalysisOutcome:
    if run.status == RunStatus.SUCCEEDED:
        return AnalysisOutcome(run.pk, "succeeded", cache_hit)
    if run.status == RunStatus.BATCH_SUBMITTED:
        return AnalysisOutcome(run.pk, "batch_submitted", False, f"waiting for Message Batch {run.batch_id}")
    return AnalysisOutcome(run.pk, "failed", False, run.error or f"analysis run {run.pk} is {run.status}")


def _execute(inp, claim, purpose: str) -> AnalysisOutcome:
    """Do the paid (or offline) work for an owned claim and record the outcome on the run."""
    with log_context(call_id=inp.call.pk, run_id=claim.run.pk):
        return _execute_logged(inp, claim, purpose)


def _execute_logged(inp, claim, purpose: str) -> AnalysisOutcome:
    run_id = claim.run.pk
    if inp.analyzer == Analyzer.OFFLINE:
        result = offline_analyze(inp=inp)
        fields = {
            "result": result.model_dump(mode="json"),
            "chunk_count": 1,
            "cost_usd": 0,
            "transcript_tokens": sum(line.tokens for line in inp.lines),
            "quotes_verified": result.quotes_verified,
            "quotes_dropped": 0,
        }
        run_finish(run_id=run_id, token=claim.token, status=RunStatus.SUCCEEDED, fields=fields)
        logger.info("analysis_succeeded", call_id=inp.call.pk, run_id=run_id, analyzer=inp.analyzer, model=inp.model)
        return AnalysisOutcome(run_id, "succeeded")
    outcome = claude_analyze(inp=inp, run_id=run_id, purpose=purpose)
    fields = totals_fields(
        usage=outcome.spend.usage,
        cost=outcome.spend.cost,
        latency_ms=outcome.latency_ms,
        paid_requests=outcome.spend.requests,
    )
    fields.update(chunk_count=outcome.chunk_count, transcript_tokens=outcome.transcript_tokens)
    if outcome.result is None:
        run_finish(run_id=run_id, token=claim.token, status=RunStatus.FAILED, fields={**fields, "error": outcome.error})
        logger.warning("analysis_failed", call_id=inp.call.pk, run_id=run_id, reason=outcome.error)
        return AnalysisOutcome(run_id, "failed", False, outcome.error)
    result = outcome.result
    fields.update(
        result=result.model_dump(mode="json"),
        quotes_verified=result.quotes_verified,
        quotes_dropped=result.quotes_dropped,
    )
    if not run_finish(run_id=run_id, token=claim.token, status=RunStatus.SUCCEEDED, fields=fields):
        # Our claim expired and another worker took the run over: its outcome wins.
        return _from_run(run_wait(run_id=run_id, timeout_s=settings.ANALYSIS_WAIT_S), cache_hit=True)
    usage = outcome.spend.usage
    logger.info(
        "analysis_succeeded",
        call_id=inp.call.pk,
        run_id=run_id,
        analyzer=inp.analyzer,
        model=inp.model,
        chunks=outcome.chunk_count,
        requests=outcome.spend.requests,
        input_tokens=usage.input_tokens,
        cache_read_tokens=usage.cache_read_tokens,
        output_tokens=usage.output_tokens,
        cost_usd=str(outcome.spend.cost),
        quotes_dropped=result.quotes_dropped,
    )
    return AnalysisOutcome(run_id, "succeeded")


def analysis_prepare(
    *, call_id: str, force: bool = False, fresh_result: bool = False
) -> AnalysisInput | AnalysisOutcome:
    """What analysing the call needs, or the outcome when nothing is left to do: a result-cache hit (zero
    tokens; skipped with `force`), a call that cannot be analysed, or a Claude analysis held for budget."""
    try:
        if not force:  # the fast path: a hit needs only the key (no rendering, no stats)
            key = key_inputs_get(call_id=call_id).cache_key
            cached = AnalysisRun.objects.filter(cache_key=key, status=RunStatus.SUCCEEDED).values_list("pk", "model")
            if cached:
                run_id, model = cached[0]
                if fresh_result:
                    return AnalysisOutcome(run_id, "succeeded", False)
                logger.info("analysis_cache_hit", call_id=call_id, run_id=run_id)
                cache_hit_record(run_id=run_id, call_id=call_id, model=model)
                return AnalysisOutcome(run_id, "succeeded", True)
        inp = analysis_input_build(call_id=call_id)
    except NotFound as exc:
        return AnalysisOutcome(None, "failed", False, exc.message)
    if inp.error:
        return AnalysisOutcome(None, "failed", False, inp.error)
    if inp.analyzer == Analyzer.CLAUDE:
        state = budget_state()
        if state.status == "held":
            return AnalysisOutcome(None, "held", False, budget_hold_reason(state))
    return inp


def analysis_execute(
    *,
    inp: AnalysisInput,
    force: bool = False,
    worker: str = "",
    purpose: str = ApiPurpose.CALL_ANALYSIS,
    fresh_result: bool = False,
) -> AnalysisOutcome:
    """Claim the run for the input's cache key and analyse now (offline, or one Claude request per window), or
    wait for the worker already analysing it, or reuse its result. `force` supersedes the previous run."""
    if force:
        run_supersede(cache_key=inp.cache_key)
    claim = run_claim(inp=inp, worker=worker)
    if claim.state == "owned":
        return _execute(inp, claim, purpose)
    if claim.state == "busy":
        run = run_wait(run_id=claim.run.pk, timeout_s=settings.ANALYSIS_WAIT_S)
        return _from_run(run, cache_hit=run.status == RunStatus.SUCCEEDED)
    hit = claim.state == "hit" and not fresh_result
    if hit:
        cache_hit_record(run_id=claim.run.pk, call_id=inp.call.pk, model=claim.run.model)
    return _from_run(claim.run, cache_hit=hit)


def analysis_realtime(*, call_id: str, force: bool = False, worker: str = "") -> AnalysisOutcome:
    """Analyse one call now (never through a Message Batch): analysis_prepare, then analysis_execute."""
    prepared = analysis_prepare(call_id=call_id, force=force)
    if isinstance(prepared, AnalysisOutcome):
        return prepared
    return analysis_execute(inp=prepared, force=force, worker=worker)
