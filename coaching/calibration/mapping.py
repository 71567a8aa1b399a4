"""Gong scorecard answers → reference scores on our dimensions, through ops' question mapping.

Services: `scorecard_mappings_ensure` (a mapping row, "not mapped yet", for every synced question),
`scorecard_mapping_set` (ops' choice, validated), `reference_scores_refresh` (recompute every reference score
from the stored answers and the current mapping; idempotent). Selector: `scorecard_questions_unmapped`.

Scale rules (explicit, per question):
* range: linear from [min, max] (the question's own range unless the mapping overrides it) onto 1–5, rounded
  half up: a 1–5 question maps to itself, 0–10 maps 0→1, 5→3, 10→5; a score outside the range is clamped.
* yes_no: "Yes" → yes_level, "No" → no_level (answer text or the selected option's text).
* options: the selected option's text → option_levels[text] (several selected: their mean, rounded half up).
* none / unmapped: no reference score. N/A answers give an N/A reference; an unanswered question gives none.
Several mapped questions of one scorecard on the same dimension are averaged (rounded half up); all N/A → N/A.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from coaching.models import MappingScale, ReferenceScore, ReferenceSource, ScorecardMapping
from core.errors import ApplicationError
from gong.models import AnsweredScorecard, ScorecardAnswer, ScorecardQuestion

NA = "n/a"


def _half_up(value: float) -> int:
    return int(value + 0.5)


def answer_level(*, answer: ScorecardAnswer, question: ScorecardQuestion, mapping: ScorecardMapping) -> Any:
    """The 1–5 level an answer means under its mapping; NA for an N/A answer; None when it gives no score."""
    if mapping.scale in (MappingScale.UNMAPPED, MappingScale.NONE) or not mapping.dimension:
        return None
    if answer.not_applicable:
        return NA
    if mapping.scale == MappingScale.RANGE:
        low = mapping.range_min if mapping.range_min is not None else question.min_range
        high = mapping.range_max if mapping.range_max is not None else question.max_range
        low, high = (1 if low is None else low), (5 if high is None else high)
        if answer.score is None or high <= low:
            return None
        return max(1, min(5, _half_up(1 + (answer.score - low) * 4 / (high - low))))
    texts = _answer_texts(answer, question)
    if mapping.scale == MappingScale.YES_NO:
        levels = {"yes": mapping.yes_level, "no": mapping.no_level}
        found = [levels[t] for t in texts if t in levels and levels[t] is not None]
        return found[0] if found else None
    if mapping.scale == MappingScale.OPTIONS:
        table = {str(k).strip().lower(): v for k, v in (mapping.option_levels or {}).items()}
        found = [table[t] for t in texts if t in table]
        return _half_up(sum(found) / len(found)) if found else None
    return None


def _answer_texts(answer: ScorecardAnswer, question: ScorecardQuestion) -> list[str]:
    """Lower-cased texts of the selected options (by id), else the answer text."""
    options = {str(o.get("id")): str(o.get("text", "")) for o in question.answer_options or [] if isinstance(o, dict)}
    texts = [options[str(i)] for i in answer.selected_options or [] if str(i) in options]
    if not texts and answer.answer_text:
        texts = [answer.answer_text]
    return [t.strip().lower() for t in texts]


def scorecard_mappings_ensure() -> int:
    """Give every synced question a mapping row ("not mapped yet") so ops can map it in the admin."""
    missing = ScorecardQuestion.objects.filter(mapping__isnull=True).values_list("id", flat=True)
    created = ScorecardMapping.objects.bulk_create(
        [ScorecardMapping(question_id=question_id) for question_id in missing], ignore_conflicts=True
    )
    return len(created)


def scorecard_mapping_set(
    *, question_id: str, dimension: str, scale: str, user=None, **params: Any
) -> ScorecardMapping:
    """Map one question (ops' choice): dimension + scale (+ range_min/range_max, yes_level/no_level,
    option_levels). Raises ApplicationError with the reason when the mapping is not valid."""
    from django.core.exceptions import ValidationError

    mapping, _ = ScorecardMapping.objects.get_or_create(question_id=question_id)
    mapping.dimension, mapping.scale = dimension, scale
    for name, value in params.items():
        setattr(mapping, name, value)
    mapping.updated_by = user
    try:
        mapping.full_clean(exclude=["question"])
    except ValidationError as exc:
        raise ApplicationError(f"Mapping of question {question_id} is not valid: {exc.messages}") from exc
    mapping.save()
    return mapping


@dataclass(frozen=True)
class ReferenceRefreshReport:
    scorecards: int
    written: int
    removed: int

    def summary(self) -> str:
        return f"reference scores from {self.scorecards} scorecards: {self.written} written, {self.removed} removed"


def reference_scores_refresh() -> ReferenceRefreshReport:
    """Recompute every gong_scorecard reference score from the stored answers and the current mappings."""
    answers = (
        ScorecardAnswer.objects.select_related("answered", "question", "question__mapping")
        .filter(question__mapping__isnull=False)
        .exclude(question__mapping__scale__in=[MappingScale.UNMAPPED, MappingScale.NONE])
        .order_by("answered_id", "question_id")
    )
    grouped: dict[tuple[str, str], list[tuple[Any, str]]] = defaultdict(list)
    cards: dict[str, AnsweredScorecard] = {}
    for answer in answers:
        mapping = answer.question.mapping
        level = answer_level(answer=answer, question=answer.question, mapping=mapping)
        if level is not None:
            grouped[(answer.answered_id, mapping.dimension)].append((level, answer.question_id))
            cards[answer.answered_id] = answer.answered
    return _references_write(grouped, cards)


def _references_write(grouped: dict, cards: dict[str, AnsweredScorecard]) -> ReferenceRefreshReport:
    rows = []
    for (card_id, dimension), found in grouped.items():
        numeric = [level for level, _ in found if level != NA]
        card = cards[card_id]
        rows.append(
            ReferenceScore(
                source=ReferenceSource.GONG_SCORECARD, source_key=card_id, dimension=dimension, call_id=card.call_id,
                rep_id=card.reviewed_user_id, reviewer_id=card.reviewer_user_id,
                level=_half_up(sum(numeric) / len(numeric)) if numeric else None,
                question_ids=sorted(question_id for _, question_id in found), reviewed_at=card.review_time,
            )
        )  # fmt: skip
    keep = set(grouped)
    with transaction.atomic():
        ReferenceScore.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["source", "source_key", "dimension"],
            update_fields=["call", "rep", "reviewer", "level", "question_ids", "reviewed_at", "updated_at"],
            batch_size=1000,
        )
        stale = [
            pk
            for pk, key, dim in ReferenceScore.objects.filter(source=ReferenceSource.GONG_SCORECARD).values_list(
                "pk", "source_key", "dimension"
            )
            if (key, dim) not in keep
        ]
        ReferenceScore.objects.filter(pk__in=stale).delete()
    return ReferenceRefreshReport(scorecards=len(cards), written=len(keep), removed=len(stale))


@dataclass(frozen=True)
class UnmappedQuestion:
    question_id: str
    scorecard: str
    text: str
    question_type: str
    answers: int


def scorecard_questions_unmapped() -> list[UnmappedQuestion]:
    """Questions of scorecards people fill that no one has mapped yet (neither to a dimension nor to none),
    with how many stored answers each has."""
    rows = (
        ScorecardQuestion.objects.filter(Q(mapping__isnull=True) | Q(mapping__scale=MappingScale.UNMAPPED))
        .exclude(scorecard__review_method="AUTOMATIC")
        .select_related("scorecard")
        .annotate(answer_count=Count("answers"))
        .order_by("scorecard__name", "position")
    )
    return [UnmappedQuestion(q.id, q.scorecard.name, q.text, q.question_type, q.answer_count) for q in rows]
