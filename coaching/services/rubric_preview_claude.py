"""Before publishing a rubric draft: re-score a few chosen recent calls by Claude with the draft in place, and show
how each call's scores would move on every dimension. It spends money, so the estimate comes first and the monthly
budget is respected; every request is in the cost ledger as purpose `rubric_preview` (reports and the budget count
it). Here: which calls may be chosen, the estimate and whether it may run; the run itself is a queue task
(rubric_preview_jobs.py). Nothing users see is written: the outcome is never stored as scores."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from analysis.services import (
    BudgetState,
    DraftRubric,
    Estimate,
    analysis_estimate,
    budget_state,
)
from coaching.services.rubric_preview import recent_scores
from core.display import money_display
from knowledgebase.selectors import rubric_version_get

CLAUDE_CHOICES = 8  # recent calls offered
CLAUDE_DEFAULT = 3  # ticked by default
CLAUDE_MAX = 5  # one task runs them one after the other (Q_TIMEOUT_S): keep it short
PURPOSE = "rubric_preview"  # analysis.models.ApiPurpose.RUBRIC_PREVIEW


@dataclass(frozen=True)
class PreviewCall:
    score_id: int
    call_id: str
    speaker_id: str
    session_id: int
    title: str
    rep: str
    started: dt.datetime
    analyzer: str  # who made the stored scores


@dataclass(frozen=True)
class ClaudePlan:
    calls: list[PreviewCall]
    estimate: Estimate
    budget: BudgetState
    refusal: str  # why it cannot run now ('' = it can)


def claude_unavailable() -> str:
    """Why the Claude preview is off here, in words ('' when it is available)."""
    if not settings.ANTHROPIC_API_KEY:
        return "Claude is not set up on this server (no ANTHROPIC_API_KEY), so only the offline preview is available."
    return ""


def draft_of(version) -> DraftRubric:
    return DraftRubric(version.rubric.dimension, version.content or {}, version.pk, version.number)


def preview_calls(*, version_id: int, score_ids: list[int] | None = None) -> list[PreviewCall]:
    """The recent calls on the draft's dimension a preview may use (only `score_ids` among them, when given)."""
    version = rubric_version_get(version_id=version_id)
    calls = []
    for score in recent_scores(dimension=version.rubric.dimension, limit=CLAUDE_CHOICES):
        if score_ids is not None and score.pk not in score_ids:
            continue
        session = score.session
        calls.append(
            PreviewCall(
                score.pk, session.call_id, session.speaker_id, session.pk, session.call.display_title,
                session.speaker_name or "Unnamed speaker", score.call_started, session.analyzer,
            )
        )  # fmt: skip
    return calls


def _refusal(calls: list[PreviewCall], estimate: Estimate, budget: BudgetState) -> str:
    if reason := claude_unavailable():
        return reason
    if not calls:
        return "Choose at least one call."
    if len(calls) > CLAUDE_MAX:
        return f"Choose at most {CLAUDE_MAX} calls: each one is a full Claude analysis."
    if budget.status == "held":
        spent, budget_usd = money_display(budget.spent_usd), money_display(budget.budget_usd)
        return f"This month's Claude budget is used up: {spent} of {budget_usd}."
    cost = estimate.cost_realtime_usd
    if budget.budget_usd is not None and cost is not None and budget.spent_usd + cost > budget.budget_usd:
        left = budget.budget_usd - budget.spent_usd
        return (
            f"The estimate ({money_display(cost)}) is more than what is left of this month's Claude budget "
            f"({money_display(left)})."
        )
    return ""


def rubric_preview_claude_plan(*, version_id: int, score_ids: list[int]) -> ClaudePlan:
    """The chosen calls, what re-scoring them by Claude with the draft would cost, and whether it may run."""
    version = rubric_version_get(version_id=version_id)
    calls = preview_calls(version_id=version_id, score_ids=score_ids)
    call_ids = list(dict.fromkeys(call.call_id for call in calls))
    estimate = Estimate()
    if not claude_unavailable() and call_ids:
        estimate = analysis_estimate(call_ids=call_ids, analyzer="claude", fresh=True, draft=draft_of(version))
    budget = budget_state()
    return ClaudePlan(calls, estimate, budget, _refusal(calls, estimate, budget))
