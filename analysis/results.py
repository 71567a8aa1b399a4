"""From Claude's answer to stored results: every quote located in the transcript, or dropped and counted."""

from __future__ import annotations

from dataclasses import dataclass

from analysis.quotes import TranscriptIndex, normalize
from analysis.schemas import DimensionResult, Evidence, LlmAnalysis, LlmSpeaker, Moment, ProductError, SpeakerResult
from knowledgebase.dimensions import DIMENSIONS


@dataclass
class Verification:
    verified: int = 0
    dropped: int = 0


def overall(dimensions: list[DimensionResult]) -> float | None:
    """Mean of the scored (non-N/A) dimensions, equal weights."""
    scores = [d.score for d in dimensions if d.score is not None]
    return round(sum(scores) / len(scores), 2) if scores else None


def answer_check(answer: LlmAnalysis, *, speaker_ids: list[str]) -> None:
    """Raise ValueError when the answer leaves out a speaker it was asked to score, or a dimension of one (a
    dimension without enough evidence must still be there, as null: N/A is an answer, a gap is not)."""
    missing = sorted(set(speaker_ids) - {speaker.speaker_id for speaker in answer.speakers})
    if missing:
        raise ValueError(f"speakers missing from the answer: {', '.join(missing)}")
    for speaker in answer.speakers:
        if speaker.speaker_id not in speaker_ids:
            continue
        absent = [d for d in DIMENSIONS if d not in {dimension.dimension for dimension in speaker.dimensions}]
        if absent:
            raise ValueError(f"speaker {speaker.speaker_id}: dimensions missing from the answer: {', '.join(absent)}")


def _evidence(quotes, *, speaker, index: TranscriptIndex, tally: Verification) -> list[Evidence]:
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
                )
            )
    return out


def _criteria_keys(snapshot, dimension: str) -> set[str] | None:
    rubric = snapshot.rubrics.get(dimension) if snapshot else None
    return {c["key"] for c in rubric.content.get("criteria", [])} if rubric else None


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
    by_dimension = {d.dimension: d for d in (llm.dimensions if llm else [])}
    dimensions = []
    for name in DIMENSIONS:
        dim = by_dimension.get(name)
        known = _criteria_keys(snapshot, name)

        def keep(keys, known=known):
            return [k for k in dict.fromkeys(keys) if known is None or k in known]

        dimensions.append(
            DimensionResult(
                dimension=name,
                score=dim.score if dim else None,
                rationale=dim.rationale if dim else "Not scored in the answer.",
                evidence=_evidence(dim.quotes, speaker=speaker, index=index, tally=tally) if dim else [],
                criteria_met=keep(dim.criteria_met) if dim else [],
                criteria_missed=keep(dim.criteria_missed) if dim else [],
                rubric_version_id=rubric_versions.get(name),
            )
        )
    moments, errors = [], []
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
    for error in llm.product_errors if llm else []:
        found = _evidence([error.said], speaker=speaker, index=index, tally=tally)
        if found:
            errors.append(
                ProductError(said=error.said, correct=error.correct, doc_key=error.doc_key, start_ms=found[0].start_ms)
            )
    return SpeakerResult(
        speaker_id=speaker.speaker_id,
        name=speaker.name,
        email=speaker.email,
        user_id=speaker.user_id,
        role=speaker.role,
        overall_score=overall(dimensions),
        summary=llm.summary if llm else "",
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
