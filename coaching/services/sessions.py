"""Turn a finished analysis run into coaching sessions (one per internal speaker) and dimension scores."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from analysis.schemas import CallAnalysisResult
from analysis.selectors import run_get
from coaching.models import CoachingSession, DimensionScore
from gong.selectors import call_get


def _call_started(call) -> object:
    # The partition key: a call without a start time (rare; e.g. still being processed) files under receipt.
    return call.started or call.received_at or call.created_at


@transaction.atomic
def sessions_store_from_run(*, run_id: int) -> list[int]:
    """Create the sessions and scores of a succeeded run; the run's sessions become the call's current ones.

    Idempotent: a second call for the same run creates nothing and returns the existing session ids.
    """
    run = run_get(run_id=run_id)
    result = CallAnalysisResult.model_validate(run.result)
    call = call_get(call_id=run.call_id)
    started = _call_started(call)
    existing = dict(CoachingSession.objects.filter(run_id=run.pk, call_started=started).values_list("speaker_id", "pk"))
    if len(existing) == len(result.speakers):
        return list(existing.values())
    speaker_ids = [speaker.speaker_id for speaker in result.speakers]
    overrides = _current_overrides(call_id=call.pk, call_started=started, speaker_ids=speaker_ids, run_id=run.pk)
    CoachingSession.objects.filter(call_id=call.pk, speaker_id__in=speaker_ids, is_current=True).exclude(
        run_id=run.pk
    ).update(is_current=False)
    session_ids = []
    for speaker in result.speakers:
        if speaker.speaker_id in existing:
            session_ids.append(existing[speaker.speaker_id])
            continue
        session = CoachingSession.objects.create(
            call_started=started,
            call_id=call.pk,
            run_id=run.pk,
            rep_id=speaker.user_id,
            speaker_id=speaker.speaker_id,
            speaker_name=speaker.name,
            speaker_email=speaker.email,
            role=speaker.role,
            analyzer=result.analyzer,
            contract=result.contract,
            is_current=True,
            overall_score=None if speaker.overall_score is None else Decimal(str(round(speaker.overall_score, 2))),
            summary=speaker.summary,
            strengths=speaker.strengths,
            improvements=speaker.improvements,
            key_moments=[moment.model_dump(mode="json") for moment in speaker.key_moments],
            product_errors=[error.model_dump(mode="json") for error in speaker.product_errors],
            interaction_stats=speaker.interaction_stats,
        )
        DimensionScore.objects.bulk_create(
            _carried(
                DimensionScore(
                    call_started=started,
                    session_id=session.pk,
                    rep_id=speaker.user_id,
                    dimension=dimension.dimension,
                    score=dimension.score,
                    rationale=dimension.rationale,
                    evidence=[evidence.model_dump(mode="json") for evidence in dimension.evidence],
                    criteria_met=dimension.criteria_met,
                    criteria_missed=dimension.criteria_missed,
                    criteria=[criterion.model_dump(mode="json") for criterion in dimension.criteria],
                    cap_reason=dimension.cap_reason[:300],
                    rubric_version_id=dimension.rubric_version_id,
                ),
                previous=overrides.get((speaker.speaker_id, dimension.dimension)),
            )
            for dimension in speaker.dimensions
        )
        session_ids.append(session.pk)
    return session_ids


def _current_overrides(
    *, call_id: str, call_started, speaker_ids: list[str], run_id: int
) -> dict[tuple[str, str], DimensionScore]:
    """The manager overrides on the call's current scores (from other runs), by (speaker, dimension)."""
    scores = DimensionScore.objects.filter(
        call_started=call_started,
        session__call_id=call_id,
        session__call_started=call_started,
        session__is_current=True,
        session__speaker_id__in=speaker_ids,
        manager_score__isnull=False,
    ).exclude(session__run_id=run_id)
    return {(score.session.speaker_id, score.dimension): score for score in scores.select_related("session")}


def _carried(score: DimensionScore, *, previous: DimensionScore | None) -> DimensionScore:
    """A manager's judgement is data: it moves to the new current score with its note, reviewer and time; under a
    different rubric version it is kept but flagged for the manager to confirm (so is one still unconfirmed)."""
    if previous is None:
        return score
    score.manager_score = previous.manager_score
    score.manager_note = previous.manager_note
    score.reviewed_by_id = previous.reviewed_by_id
    score.reviewed_at = previous.reviewed_at
    score.override_carried_from = previous.pk
    score.override_needs_confirmation = (
        previous.override_needs_confirmation or previous.rubric_version_id != score.rubric_version_id
    )
    return score
