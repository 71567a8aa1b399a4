"""Gong scorecards: the definitions and the scorecards people answered, synced into gong_scorecard* tables.

Requests: one GET /v2/settings/scorecards plus one POST /v2/stats/activity/scorecards per 100 answered
scorecards in the review window — a day's sync with a 14-day window costs a handful of requests.

Only answers a person gave are kept. Gong can fill scorecards with its own AI ("automatic review"); Gong's docs
mark such a scorecard with `reviewMethod: AUTOMATIC`, and its answers name no person as reviewer. So an
answered scorecard is kept only when its scorecard is not AUTOMATIC, it names a reviewer who is a known Gong
user, and the reviewer is not the person reviewed (a self-review is no reference). The rest are counted —
among them ("erased") the scorecards of an erased call or of an erased person as the one reviewed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from core.models import TombstoneKind
from core.tombstones import erased_among, erased_skip_note
from gong.client import GongClient
from gong.models import (
    AnsweredScorecard,
    GongUser,
    ReviewMethod,
    Scorecard,
    ScorecardAnswer,
    ScorecardQuestion,
)
from gong.schemas import AnsweredScorecard as AnsweredScorecardData
from gong.schemas import Scorecard as ScorecardData


@dataclass
class ScorecardsSyncReport:
    scorecards: int = 0
    questions: int = 0
    answered: int = 0
    stored: int = 0
    skipped: Counter = field(default_factory=Counter)  # why: ai, self_review, unknown_reviewer, …

    def summary(self) -> str:
        skipped = ", ".join(f"{why}={count}" for why, count in sorted(self.skipped.items())) or "none"
        return (
            f"scorecards={self.scorecards} questions={self.questions} answered={self.answered} "
            f"stored={self.stored} skipped: {skipped}"
        )


def scorecards_sync(*, review_from: date, review_to: date, client: GongClient | None = None) -> ScorecardsSyncReport:
    """Sync scorecard definitions and the scorecards people answered in [review_from, review_to). Idempotent:
    rows are keyed by Gong's ids and an answered scorecard's answers are replaced by what Gong says now."""
    client = client or GongClient.from_settings()
    definitions = client.scorecards()  # network first, no transaction open
    answered = client.answered_scorecards(review_from=review_from, review_to=review_to)
    report = ScorecardsSyncReport(answered=len(answered))
    now = timezone.now()
    with transaction.atomic():
        report.scorecards, report.questions = _definitions_store(definitions, now=now)
        methods = dict(Scorecard.objects.values_list("id", "review_method"))
        known_users = set(GongUser.objects.values_list("id", flat=True))
        questions = set(ScorecardQuestion.objects.values_list("id", flat=True))
        erased_calls = erased_among(kind=TombstoneKind.CALL, subjects=[item.call_id for item in answered])
        erased_users = erased_among(kind=TombstoneKind.GONG_USER, subjects=[i.reviewed_user_id or "" for i in answered])
        kept = []
        for item in answered:
            erased = item.call_id in erased_calls or item.reviewed_user_id in erased_users
            why = "erased" if erased else _skip_reason(item, methods=methods, known_users=known_users)
            if why:
                report.skipped[why] += 1
            else:
                kept.append(item)
        _answered_store(kept, questions=questions, now=now)
        report.stored = len(kept)
    erased_skip_note(path="scorecards_sync", kind="scorecard", count=report.skipped["erased"])
    return report


def _definitions_store(definitions: list[ScorecardData], *, now) -> tuple[int, int]:
    question_count = 0
    for card in definitions:
        Scorecard.objects.update_or_create(
            id=card.scorecard_id,
            defaults={
                "name": card.scorecard_name[:255],
                "workspace_id": card.workspace_id or "",
                "enabled": card.enabled,
                "review_method": (card.review_method or "")[:10],
                "raw": card.model_dump(mode="json", by_alias=True),
                "synced_at": now,
            },
        )
        seen = []
        for position, question in enumerate(card.questions):
            ScorecardQuestion.objects.update_or_create(
                id=question.question_id,
                defaults={
                    "scorecard_id": card.scorecard_id,
                    "revision_id": question.question_revision_id or "",
                    "text": question.question_text,
                    "is_overall": question.is_overall,
                    "question_type": (question.question_type or "")[:30],
                    "min_range": question.min_range,
                    "max_range": question.max_range,
                    "answer_options": [o.model_dump() for o in question.answer_options or []],
                    "position": position,
                    "in_definition": True,
                },
            )
            seen.append(question.question_id)
        ScorecardQuestion.objects.filter(scorecard_id=card.scorecard_id).exclude(id__in=seen).update(
            in_definition=False
        )
        question_count += len(seen)
    return len(definitions), question_count


def _skip_reason(item: AnsweredScorecardData, *, methods: dict[str, str], known_users: set[str]) -> str | None:
    """Why an answered scorecard is not a person's reference, or None when it is."""
    if item.scorecard_id not in methods:
        return "unknown_scorecard"
    if methods[item.scorecard_id] == ReviewMethod.AUTOMATIC or item.reviewer_user_id is None:
        return "ai"
    if item.reviewed_user_id is None or item.reviewed_user_id not in known_users:
        return "unknown_reviewed_user"
    if item.reviewer_user_id not in known_users:
        return "unknown_reviewer"
    if item.reviewer_user_id == item.reviewed_user_id:
        return "self_review"
    return None


_ANSWERED_FIELDS = ["scorecard", "call_id", "call_started", "reviewed_user", "reviewer_user", "review_time",
                    "visibility_type", "synced_at"]  # fmt: skip


def _answered_store(items: list[AnsweredScorecardData], *, questions: set[str], now) -> None:
    """Upsert the answered scorecards and replace their answers (three statements per batch, not per row)."""
    items = list({item.answered_scorecard_id: item for item in items}.values())
    AnsweredScorecard.objects.bulk_create(
        [
            AnsweredScorecard(
                id=item.answered_scorecard_id,
                scorecard_id=item.scorecard_id,
                call_id=item.call_id,
                call_started=item.call_start_time,
                reviewed_user_id=item.reviewed_user_id,
                reviewer_user_id=item.reviewer_user_id,
                review_time=item.review_time,
                visibility_type=(item.visibility_type or "")[:30],
                synced_at=now,
            )
            for item in items
        ],
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=_ANSWERED_FIELDS,
        batch_size=500,
    )
    ScorecardAnswer.objects.filter(answered_id__in=[item.answered_scorecard_id for item in items]).delete()
    ScorecardAnswer.objects.bulk_create(
        [
            ScorecardAnswer(
                answered_id=item.answered_scorecard_id,
                question_id=answer.question_id,
                revision_id=answer.question_revision_id or "",
                is_overall=answer.is_overall,
                score=answer.score,
                answer_text=answer.answer_text or "",
                not_applicable=answer.not_applicable,
                selected_options=answer.selected_options or [],
            )
            for item in items
            # One answer per question; an answer to a question Gong no longer defines cannot be mapped.
            for answer in {a.question_id: a for a in item.answers if a.question_id in questions}.values()
        ],
        batch_size=1000,
    )
