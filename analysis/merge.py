"""Merging per-chunk results of one long call into one result per speaker (deterministic, no extra request).

The rule, per speaker and dimension:
- score: the evidence-weighted mean of the chunks' scores, weight = 1 + verified evidence quotes in that chunk,
  rounded half up; chunks that said N/A do not vote; N/A only when every chunk says N/A.
- evidence: the union, de-duplicated by (turn, normalized quote) — the 20 % overlap shows the same lines to two
  chunks — in transcript order.
- rationale: the heaviest chunk's; criteria_met: the union; criteria_missed: the union minus anything met.
Per speaker: strengths / improvements in chunk order, de-duplicated, at most 3; key moments de-duplicated by
start time, at most 3; product errors de-duplicated by what was said; summaries joined in order.
"""

from __future__ import annotations

import math

from analysis.quotes import normalize
from analysis.results import overall
from analysis.schemas import DimensionResult, SpeakerResult


def _round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def dimension_merge(parts: list[DimensionResult]) -> DimensionResult:
    scored = [(part, 1 + len(part.evidence)) for part in parts if part.score is not None]
    score = None
    if scored:
        score = _round_half_up(sum(p.score * w for p, w in scored) / sum(w for _, w in scored))
    heaviest = max(scored, key=lambda pw: pw[1])[0] if scored else parts[0]
    evidence, seen = [], set()
    for item in sorted((e for p in parts for e in p.evidence), key=lambda e: (e.start_ms, e.turn_index)):
        key = (item.turn_index, normalize(item.quote))
        if key not in seen:
            seen.add(key)
            evidence.append(item)
    met = list(dict.fromkeys(k for p in parts for k in p.criteria_met))
    missed = [k for k in dict.fromkeys(k for p in parts for k in p.criteria_missed) if k not in met]
    return DimensionResult(
        dimension=parts[0].dimension,
        score=score,
        rationale=heaviest.rationale,
        evidence=evidence,
        criteria_met=met,
        criteria_missed=missed,
        rubric_version_id=parts[0].rubric_version_id,
    )


def _unique(items, key, limit: int | None = None) -> list:
    out, seen = [], set()
    for item in items:
        marker = key(item)
        if marker not in seen:
            seen.add(marker)
            out.append(item)
    return out[:limit] if limit else out


def speaker_merge(parts: list[SpeakerResult]) -> SpeakerResult:
    """One speaker's chunk results (in chunk order) → one result."""
    first = parts[0]
    names = [d.dimension for d in first.dimensions]
    dimensions = [dimension_merge([next(d for d in p.dimensions if d.dimension == n) for p in parts]) for n in names]
    return first.model_copy(
        update={
            "dimensions": dimensions,
            "overall_score": overall(dimensions),
            "summary": " ".join(_unique([p.summary for p in parts if p.summary], key=str)),
            "strengths": _unique([s for p in parts for s in p.strengths], key=normalize, limit=3),
            "improvements": _unique([s for p in parts for s in p.improvements], key=normalize, limit=3),
            "key_moments": _unique(
                sorted((m for p in parts for m in p.key_moments), key=lambda m: m.start_ms),
                key=lambda m: m.start_ms,
                limit=3,
            ),
            "product_errors": _unique([e for p in parts for e in p.product_errors], key=lambda e: normalize(e.said)),
        }
    )


def results_merge(chunks: list[list[SpeakerResult]]) -> list[SpeakerResult]:
    """Per-chunk speaker lists (same speakers, same order) → merged speakers."""
    if len(chunks) == 1:
        return chunks[0]
    return [speaker_merge([chunk[i] for chunk in chunks]) for i in range(len(chunks[0]))]
