"""Analysis writes. Other apps import from here: `from analysis.services import analysis_for_call`."""

from analysis.services.analyze import analysis_for_call, analysis_mode_for
from analysis.services.batch import BatchPoll, BatchSubmission, batch_poll, batch_submit
from analysis.services.estimate import Estimate, analysis_estimate
from analysis.services.ledger import BudgetState, budget_state
from analysis.services.realtime import AnalysisOutcome
from analysis.services.rescore import DraftRubric, Rescore, call_rescore_claude, dimension_rescore_offline
from analysis.services.retest import analysis_rescore
from analysis.services.runs import runs_sweep_stale

__all__ = [
    "AnalysisOutcome",
    "BatchPoll",
    "BatchSubmission",
    "BudgetState",
    "DraftRubric",
    "Estimate",
    "Rescore",
    "analysis_estimate",
    "analysis_for_call",
    "analysis_mode_for",
    "analysis_rescore",
    "batch_poll",
    "batch_submit",
    "budget_state",
    "call_rescore_claude",
    "dimension_rescore_offline",
    "runs_sweep_stale",
]
