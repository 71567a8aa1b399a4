"""Merging per-chunk results of one long call into one result per speaker (deterministic, no extra request).

A behaviour happens somewhere in a call (discovery early, next steps late): averaging chunk scores would drag it
down in every part where it could not happen. So the merge works on criteria, then recomputes the dimension:
- per criterion: a part marks a criterion n_a when it gave no occasion for it (the instructions say so), so
  absence never votes. Met in every part that assessed it → met, at the best level among them; missed in every
  such part → missed, at their (rounded half up) mean level. Met in some and missed in others depends on the kind
  of criterion (the rubric's `once_is_enough`):
  - judged throughout the call (accuracy, listening, talk balance — the default): a rep who did it well early and
    badly later → neither overrides: the mean level of all those parts, met at MET_LEVEL or above, missed below.
    (Letting any met win threw the misses away and scored chunked calls above the same call judged whole, more
    so the more parts: bench/chunk_agreement.py.)
  - once is enough (a next step agreed, the critical event asked about): the parts without it say "missed" (any
    stretch of a call is an occasion to ask, and a part cannot know another part holds it), yet the call shows
    the behaviour → met, at the best met level, as judged whole. Averaging would score such a call lower the
    more parts it is cut into.
  No part assessed it → n_a.
- evidence: the parts' quotes that back the merged status (met parts for met, missed parts for missed),
  de-duplicated by (turn, normalized quote) — the overlap shows the same lines to two parts — at most 2.
- the dimension's score, cap and N/A: computed from the merged criteria by analysis.scoring, as for a whole call.
- rationale: the rationale of the part that assessed the most criteria.
Per speaker: summary = the summary of the part that assessed the most criteria, at most 40 words; strengths and
improvements de-duplicated, at most 3; key moments by importance (each part lists its most important first, so
rank 1 of every part comes before any rank 2), at most 3; product errors de-duplicated by what was said.
"""

from __future__ import annotations

from analysis.quotes import normalize
from analysis.results import dimension_result, overall, words_cap
from analysis.schemas import CriterionResult, DimensionResult, SpeakerResult
from analysis.scoring import round_half_up

MAX_EVIDENCE = 2
# The lowest level that counts as met when parts disagree: the rubrics' "acceptable" anchor, the offline
# analyzer's threshold too.
MET_LEVEL = 3


def _unique(items, key, limit: int | None = None) -> list:
    out, seen = [], set()
    for item in items:
        marker = key(item)
        if marker not in seen:
            seen.add(marker)
            out.append(item)
    return out[:limit] if limit else out


def criterion_merge(parts: list[CriterionResult], *, once_is_enough: bool = False) -> CriterionResult:
    """One criterion judged in several parts → one judgement (see the module docstring)."""
    met = [p for p in parts if p.status == "met" and p.level is not None]
    missed = [p for p in parts if p.status == "missed" and p.level is not None]
    if met and missed and not once_is_enough:
        level = round_half_up(sum(p.level for p in met + missed) / len(met + missed))
        status, backing = ("met", met) if level >= MET_LEVEL else ("missed", missed)
    elif met:
        status, level, backing = "met", max(p.level for p in met), met
    elif missed:
        status, level, backing = "missed", round_half_up(sum(p.level for p in missed) / len(missed)), missed
    else:
        status, level, backing = "n_a", None, []
    evidence = _unique(
        sorted((e for p in backing for e in p.evidence), key=lambda e: (e.start_ms, e.turn_index)),
        key=lambda e: (e.turn_index, normalize(e.quote)),
        limit=MAX_EVIDENCE,
    )
    return parts[0].model_copy(update={"status": status, "level": level, "evidence": evidence})


def _assessed(dimension: DimensionResult) -> int:
    return sum(c.status != "n_a" for c in dimension.criteria)


def dimension_merge(parts: list[DimensionResult], *, rubric, product_errors: int) -> DimensionResult:
    """One dimension's parts → the dimension recomputed from merged criteria."""
    by_key: dict[str, list[CriterionResult]] = {}
    for part in parts:
        for criterion in part.criteria:
            by_key.setdefault(criterion.key, []).append(criterion)
    content = rubric.content if rubric is not None else {}
    once = {c.get("key") for c in content.get("criteria", []) if c.get("once_is_enough")}
    criteria = [criterion_merge(judged, once_is_enough=key in once) for key, judged in by_key.items()]
    fullest = max(parts, key=_assessed)
    return dimension_result(
        name=parts[0].dimension,
        rubric=rubric,
        criteria=criteria,
        rationale=fullest.rationale,
        product_errors=product_errors,
        version_id=parts[0].rubric_version_id,
    )


def _moments_by_importance(parts: list[SpeakerResult]) -> list:
    ranked = [(rank, number, m) for number, p in enumerate(parts) for rank, m in enumerate(p.key_moments)]
    return [m for _, _, m in sorted(ranked, key=lambda item: (item[0], item[1]))]


def speaker_merge(parts: list[SpeakerResult], *, snapshot=None) -> SpeakerResult:
    """One speaker's chunk results (in chunk order) → one result."""
    first = parts[0]
    errors = _unique([e for p in parts for e in p.product_errors], key=lambda e: normalize(e.said))
    dimensions = []
    for name in [d.dimension for d in first.dimensions]:
        rubric = snapshot.rubrics.get(name) if snapshot is not None else None
        dims = [next(d for d in p.dimensions if d.dimension == name) for p in parts]
        dimensions.append(dimension_merge(dims, rubric=rubric, product_errors=len(errors)))
    fullest = max(parts, key=lambda p: sum(_assessed(d) for d in p.dimensions))
    return first.model_copy(
        update={
            "dimensions": dimensions,
            "overall_score": overall(dimensions),
            "summary": words_cap(fullest.summary, 40),
            "strengths": _unique([s for p in parts for s in p.strengths], key=normalize, limit=3),
            "improvements": _unique([s for p in parts for s in p.improvements], key=normalize, limit=3),
            "key_moments": _unique(_moments_by_importance(parts), key=lambda m: m.start_ms, limit=3),
            "product_errors": errors,
        }
    )


def results_merge(chunks: list[list[SpeakerResult]], *, snapshot=None) -> list[SpeakerResult]:
    """Per-chunk speaker lists (same speakers, same order) → merged speakers."""
    if len(chunks) == 1:
        return chunks[0]
    return [speaker_merge([chunk[i] for chunk in chunks], snapshot=snapshot) for i in range(len(chunks[0]))]
