"""From Claude's answer to stored results: every quote located in the transcript, or dropped and counted."""

from __future__ import annotations

from dataclasses import dataclass

from analysis.quotes import PartIndex, TranscriptIndex, normalize
from analysis.schemas import (
    CriterionResult,
    DimensionResult,
    Evidence,
    LlmAnalysis,
    LlmDimension,
    LlmSpeaker,
    Moment,
    ProductError,
    SpeakerResult,
)
from analysis.scoring import Judged, dimension_score, judged_level, overall_score
from knowledgebase.dimensions import DIMENSIONS


@dataclass
class Verification:
    verified: int = 0
    dropped: int = 0


def words_cap(text: str, limit: int) -> str:
    """At most `limit` words (an answer over its word cap is cut, with an ellipsis)."""
    words = (text or "").split()
    return " ".join(words) if len(words) <= limit else " ".join(words[:limit]) + " …"


def overall(dimensions: list[DimensionResult]) -> float | None:
    """Mean of the scored (non-N/A) dimensions, equal weights."""
    return overall_score([d.score for d in dimensions])


def answer_check(answer: LlmAnalysis, *, speaker_ids: list[str]) -> None:
    """Raise ValueError when the answer leaves out a speaker it was asked to score (the schema already makes
    every dimension and criterion key one of the rubric's; a criterion left out counts as n_a)."""
    answered = {speaker.speaker_id for speaker in answer.speakers}
    missing = sorted(set(speaker_ids) - answered)
    if missing:
        raise ValueError(f"speakers missing from the answer: {', '.join(missing)}")
    unknown = sorted(answered - set(speaker_ids))
    if unknown:  # the schema leaves speaker ids open (it must not change per call: prompt cache)
        raise ValueError(f"speakers not asked for in the answer: {', '.join(unknown)}")


def _evidence(quotes, *, speaker, index: TranscriptIndex | PartIndex, tally: Verification) -> list[Evidence]:
    out, seen = [], set()
    for quote in quotes:
        located, _reason = index.locate(quote, speaker_id=speaker.speaker_id)
        if located is None:
            tally.dropped += 1
            continue
        tally.verified += 1
        key = (located.turn_index, normalize(quote))
        if key not in seen:
            seen.add(key)
            out.append(
                Evidence(
                    quote=quote.strip(),
                    speaker_id=speaker.speaker_id,
                    speaker_name=speaker.name,
                    start_ms=located.start_ms,
                    turn_index=located.turn_index,
                    occurrences=located.occurrences,
                    part=getattr(index, "part", None) if located.occurrences > 1 else None,
                )
            )
    return out


MAX_EVIDENCE = 2


def _criteria(dim: LlmDimension | None, rubric, *, speaker, index: TranscriptIndex, tally) -> list[CriterionResult]:
    """The rubric's criteria in rubric order, each as the model judged it (n_a when it left one out)."""
    answered: dict[str, object] = {}
    for item in dim.criteria if dim else []:
        answered.setdefault(item.key, item)  # a repeated key: the first answer counts
    out = []
    for criterion in rubric.content.get("criteria", []) if rubric else []:
        item = answered.get(criterion["key"])
        status = item.status if item else "n_a"
        level = judged_level(status, item.level if item else None)
        out.append(
            CriterionResult(
                key=criterion["key"],
                name=criterion.get("name", ""),
                weight=criterion.get("weight", 0),
                status=status if level is not None else "n_a",
                level=level,
                evidence=_evidence(item.evidence[:MAX_EVIDENCE], speaker=speaker, index=index, tally=tally)
                if item
                else [],
            )
        )
    return out


def dimension_result(
    *, name: str, rubric, criteria: list[CriterionResult], rationale: str, product_errors: int, version_id
) -> DimensionResult:
    """A dimension computed from its criteria (analysis.scoring); also used by the chunk merge."""
    # Without the rubric (a test, a run whose rubric is gone) the criteria's own stored weights still count.
    fallback = {"criteria": [{"key": c.key, "name": c.name, "weight": c.weight} for c in criteria]}
    computed = dimension_score(
        rubric=rubric.content if rubric else fallback,
        judged=[Judged(c.key, c.status, c.level) for c in criteria],
        product_errors=product_errors,
    )
    evidence, seen = [], set()
    for item in (e for c in criteria for e in c.evidence):
        if (item.turn_index, normalize(item.quote)) not in seen:
            seen.add((item.turn_index, normalize(item.quote)))
            evidence.append(item)
    return DimensionResult(
        dimension=name,
        score=computed.score,
        rationale=rationale,
        evidence=sorted(evidence, key=lambda e: (e.start_ms, e.turn_index)),
        criteria_met=[c.key for c in criteria if c.status == "met"],
        criteria_missed=[c.key for c in criteria if c.status == "missed"],
        criteria=criteria,
        cap_reason=computed.cap_reason,
        rubric_version_id=version_id,
    )


def _product_errors(llm, *, speaker, index: TranscriptIndex, tally: Verification, snapshot) -> list[ProductError]:
    """Verified product errors: the wrong words located in the speaker's turns, and the correct fact from a
    product document the prompt contained (an error citing no known document is not a product error)."""
    known = {doc.key for doc in snapshot.documents} if snapshot is not None else None
    errors = []
    for error in llm.product_errors if llm else []:
        if known is not None and error.doc_key not in known:
            continue
        found = _evidence([error.said], speaker=speaker, index=index, tally=tally)
        if found:
            errors.append(
                ProductError(said=error.said, correct=error.correct, doc_key=error.doc_key, start_ms=found[0].start_ms)
            )
    return errors


def speaker_result(
    llm: LlmSpeaker | None,
    *,
    speaker,
    index: TranscriptIndex,
    tally: Verification,
    stats: dict,
    rubric_versions: dict,
    snapshot=None,
) -> SpeakerResult:
    """One speaker's verified result (a speaker the model left out gets N/A everywhere)."""
    errors = _product_errors(llm, speaker=speaker, index=index, tally=tally, snapshot=snapshot)
    dimensions = []
    for name in DIMENSIONS:
        dim = getattr(llm.dimensions, name) if llm else None
        rubric = snapshot.rubrics.get(name) if snapshot else None
        criteria = _criteria(dim, rubric, speaker=speaker, index=index, tally=tally)
        dimensions.append(
            dimension_result(
                name=name,
                rubric=rubric,
                criteria=criteria,
                rationale=words_cap(dim.rationale, 40) if dim else "Not scored in the answer.",
                product_errors=len(errors),
                version_id=rubric_versions.get(name),
            )
        )
    moments = []
    for moment in llm.key_moments if llm else []:
        found = _evidence([moment.quote], speaker=speaker, index=index, tally=tally)
        if found:
            moments.append(
                Moment(
                    start_ms=found[0].start_ms,
                    speaker_id=speaker.speaker_id,
                    title=moment.title,
                    why=moment.why,
                    kind=moment.kind,
                )
            )
    return SpeakerResult(
        speaker_id=speaker.speaker_id,
        name=speaker.name,
        email=speaker.email,
        user_id=speaker.user_id,
        role=speaker.role,
        overall_score=overall(dimensions),
        summary=words_cap(llm.summary, 40) if llm else "",
        strengths=(llm.strengths if llm else [])[:3],
        improvements=(llm.improvements if llm else [])[:3],
        key_moments=moments[:3],
        product_errors=errors,
        interaction_stats=stats,
        dimensions=dimensions,
    )


def speakers_from_answer(
    answer: LlmAnalysis, *, inp, index: TranscriptIndex, tally: Verification, rubric_versions: dict
) -> list[SpeakerResult]:
    by_id = {speaker.speaker_id: speaker for speaker in answer.speakers}
    return [
        speaker_result(
            by_id.get(s.speaker_id),
            speaker=s,
            index=index,
            tally=tally,
            stats=inp.stats.get(s.speaker_id, {}),
            rubric_versions=rubric_versions,
            snapshot=inp.snapshot,
        )
        for s in inp.internal
    ]
