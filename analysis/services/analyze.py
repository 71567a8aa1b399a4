"""analysis_for_call: the cached, claimed, budget-aware analysis of one call, now or through a Message Batch."""

from __future__ import annotations

from analysis.models import Analyzer, ApiPurpose, RunMode
from analysis.services.batch import batch_submit
from analysis.services.realtime import AnalysisOutcome, analysis_execute, analysis_prepare


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
