"""Re-score a stored call with a rubric draft in place of its dimension's active rubric: what a rubric edit would do
to scores before it is published. Offline (reads only, $0) or by Claude (each request in the ledger with purpose
`rubric_preview` and no run). Neither reads or writes the result cache, sessions or scores."""

from __future__ import annotations

from dataclasses import dataclass, replace

from analysis.models import Analyzer, ApiPurpose
from analysis.offline import dimension_offline, speaker_sentences
from analysis.services.claude_run import claude_analyze
from analysis.services.context import AnalysisInput, analysis_input_build
from analysis.services.ledger import budget_hold_reason, budget_state
from core.errors import ApplicationError, NotFound


@dataclass(frozen=True)
class Rescore:
    active: int | None  # the offline score under the active rubric (None: N/A)
    draft: int | None  # ... and under the draft


@dataclass(frozen=True)
class DraftRubric:
    """A rubric version to try in place of the active rubric of its dimension."""

    dimension: str
    content: dict
    version_id: int
    number: int


def input_with_draft(inp: AnalysisInput, draft: DraftRubric) -> AnalysisInput:
    """`inp` with the draft in place of the active rubric of its dimension (unchanged when there is none)."""
    active = inp.snapshot.rubrics.get(draft.dimension)
    if active is None:
        return inp
    rubric = replace(active, content=draft.content, version_id=draft.version_id, number=draft.number)
    snapshot = replace(inp.snapshot, rubrics={**inp.snapshot.rubrics, draft.dimension: rubric})
    return replace(inp, snapshot=snapshot, rubric_versions={**inp.rubric_versions, draft.dimension: draft.version_id})


def dimension_rescore_offline(
    *, call_id: str, speaker_id: str, dimension: str, content: dict, version_id: int
) -> Rescore | None:
    """Both offline scores of `speaker_id` on `dimension` (the active rubric, then `content`); None when the call
    cannot be analysed (no transcript, no such speaker, no active rubric)."""
    inp = analysis_input_build(call_id=call_id, analyzer="offline")
    active = inp.snapshot.rubrics.get(dimension)
    speaker = inp.speakers.get(speaker_id)
    if inp.error or active is None or speaker is None:
        return None
    sentences = speaker_sentences(inp.turns, speaker_id)
    stats = inp.stats.get(speaker_id, {})
    call_type = inp.call.call_type or ""
    now, _ = dimension_offline(active, sentences, stats, speaker, call_type=call_type)
    draft_rubric = replace(active, content=content, version_id=version_id)
    draft, _ = dimension_offline(draft_rubric, sentences, stats, speaker, call_type=call_type)
    return Rescore(active=now.score, draft=draft.score)


def call_rescore_claude(*, call_id: str, draft: DraftRubric) -> dict[str, dict[str, int | None]]:
    """Claude's scores for the call with the draft in place — {speaker id: {dimension: score or None (N/A)}} — by
    the realtime path, bypassing the result cache; every request is in the ledger (purpose rubric_preview, no run).

    Raises ApplicationError, in words a person reads, when the call cannot be analysed, the monthly budget holds
    Claude work, no key is set, or Claude fails."""
    try:
        inp = analysis_input_build(call_id=call_id, analyzer=Analyzer.CLAUDE)
    except NotFound as exc:
        raise ApplicationError(exc.message) from exc
    if inp.error:
        raise ApplicationError(f"this call cannot be analysed: {inp.error}")
    state = budget_state()
    if state.status == "held":
        raise ApplicationError(budget_hold_reason(state))
    outcome = claude_analyze(inp=input_with_draft(inp, draft), run_id=None, purpose=ApiPurpose.RUBRIC_PREVIEW)
    if outcome.result is None:
        raise ApplicationError(outcome.error)
    return {
        speaker.speaker_id: {item.dimension: item.score for item in speaker.dimensions}
        for speaker in outcome.result.speakers
    }
