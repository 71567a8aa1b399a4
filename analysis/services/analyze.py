"""analysis_for_call: the cached, claimed, budget-aware analysis of one call, now or through a Message Batch."""

from __future__ import annotations

from django.conf import settings

from analysis.models import Analyzer, ApiPurpose, RunMode
from analysis.services.batch import batch_submit
from analysis.services.context import analyzer_current
from analysis.services.realtime import AnalysisOutcome, analysis_execute, analysis_prepare
from gong.selectors import transcript_token_count


def analysis_mode_for(*, call_id: str) -> str:
    """The short-call policy: batch when ANALYSIS_BATCH_BELOW_TOKENS is on, Claude analyses, and the call's raw
    transcript is below it (the fixed prompt prefix is most of such a call's input cost); realtime otherwise."""
    threshold = settings.ANALYSIS_BATCH_BELOW_TOKENS
    if threshold <= 0 or analyzer_current() != Analyzer.CLAUDE:
        return RunMode.REALTIME
    tokens = transcript_token_count(call_id=call_id)
    return RunMode.BATCH if tokens is not None and tokens < threshold else RunMode.REALTIME


def analysis_for_call(
    *,
    call_id: str,
    force: bool = False,
    worker: str = "",
    mode: str = RunMode.REALTIME,
    purpose: str = ApiPurpose.CALL_ANALYSIS,
    fresh_result: bool = False,
) -> AnalysisOutcome:
    """Analyse one call, or reuse the cached analysis of the same transcript, knowledge, prompt and model.

    A cache hit costs zero tokens. `force` re-analyses (the previous run stays as history). With the monthly
    budget spent, Claude analyses are held (status "held"); `mode="batch"` submits to the Message Batches API.
    `fresh_result`: the caller knows the finished run was just made for this call (a Message Batch it submitted,
    an analysis it ran), so reading it back is not a result-cache hit and is not recorded as one.
    """
    prepared = analysis_prepare(call_id=call_id, force=force, fresh_result=fresh_result)
    if isinstance(prepared, AnalysisOutcome):
        return prepared
    if mode == RunMode.BATCH and prepared.analyzer == Analyzer.CLAUDE:
        submission = batch_submit(call_ids=[call_id], force=force, worker=worker)
        return submission.outcomes.get(call_id) or AnalysisOutcome(None, "failed", False, "not submitted")
    return analysis_execute(inp=prepared, force=force, worker=worker, purpose=purpose, fresh_result=fresh_result)
