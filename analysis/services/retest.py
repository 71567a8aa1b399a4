"""Re-scoring a call outside the result cache, for test-retest (`evaluate_scorer --repeat N`)."""

from __future__ import annotations

from analysis.models import Analyzer, ApiPurpose
from analysis.offline import offline_analyze
from analysis.schemas import CallAnalysisResult
from analysis.services.claude_run import claude_analyze
from analysis.services.context import analysis_input_build
from analysis.services.ledger import budget_hold_reason, budget_state
from core.errors import ApplicationError


def analysis_rescore(*, call_id: str) -> CallAnalysisResult:
    """Score `call_id` again with the current analyzer, bypassing the result cache: no run is read or written, so
    stored results and the cache are untouched; each Claude request is in the ledger (purpose `retest`, no run).

    Raises ApplicationError when the call cannot be analysed, the monthly budget holds Claude work, or Claude
    fails (the reason, as a person reads it)."""
    inp = analysis_input_build(call_id=call_id)
    if inp.error:
        raise ApplicationError(f"call {call_id}: {inp.error}")
    if inp.analyzer == Analyzer.OFFLINE:
        return offline_analyze(inp=inp)
    state = budget_state()
    if state.status == "held":
        raise ApplicationError(budget_hold_reason(state))
    outcome = claude_analyze(inp=inp, run_id=None, purpose=ApiPurpose.RETEST)
    if outcome.result is None:
        raise ApplicationError(f"call {call_id}: {outcome.error}")
    return outcome.result
