"""The offline analyzer (ANALYZER=offline, the default without a key): a deterministic baseline, never Claude.

It reads the rubric's observable indicators: a positive or negative indicator is observed when one of its
keywords occurs in one of the speaker's sentences (normalized text), or when its stat (computed from
timestamps) falls in its range. Per criterion, p positive and n negative observations give
score = 1 + 4·p / (p + n + 0.5) (rounded half up; no observation → not scored); a dimension is the
criterion-weighted mean, N/A when no criterion was observed. Evidence quotes are the real sentences that
matched. A negative product-knowledge observation is reported as a product error. Results say `offline`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from analysis.quotes import normalize
from analysis.results import overall
from analysis.schemas import CallAnalysisResult, DimensionResult, Evidence, Moment, ProductError, SpeakerResult
from knowledgebase.dimensions import DIMENSIONS

OFFLINE_MODEL = "offline-keyword-v1"
OFFLINE_VERSION = "offline-1"
_WORD = re.compile(r"[a-z0-9]{4,}")


@dataclass(frozen=True)
class _Sentence:
    turn_index: int
    start_ms: int
    text: str
    norm: str


@dataclass
class _Hit:
    criterion: dict
    indicator: dict
    positive: bool
    sentence: _Sentence | None  # None for a stat observation


def _sentences(turns: list[dict], speaker_id: str) -> list[_Sentence]:
    return [
        _Sentence(index, int(start), text, f" {normalize(text)} ")
        for index, turn in enumerate(turns)
        if str(turn.get("speaker_id")) == speaker_id
        for start, _end, text in turn.get("sentences") or []
    ]


def _observed(indicator: dict, sentences: list[_Sentence], stats: dict) -> list[_Sentence | None]:
    hits: list[_Sentence | None] = []
    keywords = [f" {normalize(k)} " for k in indicator.get("keywords") or [] if normalize(k)]
    for sentence in sentences:
        if any(keyword in sentence.norm for keyword in keywords):
            hits.append(sentence)
    stat = indicator.get("stat")
    value = stats.get(stat) if stat else None
    if value is not None:
        low, high = indicator.get("stat_min"), indicator.get("stat_max")
        if (low is None or value >= low) and (high is None or value <= high):
            hits.append(None)
    return hits


def _score(positive: int, negative: int) -> int | None:
    if positive + negative == 0:
        return None
    return math.floor(1 + 4 * positive / (positive + negative + 0.5) + 0.5)


def _evidence(hits: list[_Hit], speaker, limit: int = 3) -> list[Evidence]:
    seen, out = set(), []
    for hit in hits:
        if hit.sentence is not None and hit.sentence.start_ms not in seen:
            seen.add(hit.sentence.start_ms)
            out.append(
                Evidence(
                    quote=hit.sentence.text,
                    speaker_id=speaker.speaker_id,
                    speaker_name=speaker.name,
                    start_ms=hit.sentence.start_ms,
                    turn_index=hit.sentence.turn_index,
                )
            )
    return out[:limit]


def _doc_for(text: str, documents) -> str:
    words = set(_WORD.findall(text.lower()))
    best = max(documents, key=lambda d: len(words & set(_WORD.findall(d.body.lower()))), default=None)
    return best.key if best else ""


def dimension_offline(rubric, sentences, stats, speaker) -> tuple[DimensionResult, list[_Hit]]:
    hits: list[_Hit] = []
    weighted, weights, met, missed = 0.0, 0, [], []
    for criterion in rubric.content.get("criteria", []):
        mine = [
            _Hit(criterion, ind, True, s)
            for ind in criterion.get("positive_indicators", [])
            for s in _observed(ind, sentences, stats)
        ]
        mine += [
            _Hit(criterion, ind, False, s)
            for ind in criterion.get("negative_indicators", [])
            for s in _observed(ind, sentences, stats)
        ]
        hits += mine
        score = _score(sum(h.positive for h in mine), sum(not h.positive for h in mine))
        if score is None:
            continue
        weighted += score * criterion["weight"]
        weights += criterion["weight"]
        (met if score >= 4 else missed if score <= 2 else []).append(criterion["key"])
    score = math.floor(weighted / weights + 0.5) if weights else None
    positive, negative = sum(h.positive for h in hits), sum(not h.positive for h in hits)
    ordered = sorted(hits, key=lambda h: h.positive, reverse=score is not None and score >= 3)
    rationale = (
        f"Offline keyword baseline: {positive} positive and {negative} negative rubric indicators observed."
        if hits
        else "Offline keyword baseline: no rubric indicator observed (N/A)."
    )
    result = DimensionResult(
        dimension=rubric.dimension,
        score=score,
        rationale=rationale,
        evidence=_evidence(ordered, speaker),
        criteria_met=met,
        criteria_missed=missed,
        rubric_version_id=rubric.version_id,
    )
    return result, hits


def speaker_offline(*, speaker, turns, stats: dict, snapshot, documents) -> SpeakerResult:
    sentences = _sentences(turns, speaker.speaker_id)
    dimensions, all_hits = [], []
    for name in DIMENSIONS:
        result, hits = dimension_offline(snapshot.rubrics[name], sentences, stats, speaker)
        dimensions.append(result)
        all_hits += [(name, h) for h in hits]
    good = [h for _, h in all_hits if h.positive]
    bad = [h for _, h in all_hits if not h.positive]
    errors = [
        ProductError(
            said=h.sentence.text,
            correct=h.indicator["text"],
            doc_key=_doc_for(h.indicator["text"] + " " + h.sentence.text, documents),
            start_ms=h.sentence.start_ms,
        )
        for name, h in all_hits
        if name == "product_knowledge" and not h.positive and h.sentence
    ]
    moments = [
        Moment(
            start_ms=h.sentence.start_ms,
            speaker_id=speaker.speaker_id,
            title=h.criterion["name"][:60],
            why=h.indicator["text"][:200],
            kind="strength" if h.positive else "miss",
        )
        for h in (good[:2] + bad[:1])
        if h.sentence
    ]
    strengths = list(dict.fromkeys(f"{h.criterion['name']}: {h.indicator['text']}" for h in good))[:3]
    improvements = list(
        dict.fromkeys(f"{h.criterion['name']}: {h.criterion['positive_indicators'][0]['text']}" for h in bad)
    )[:3]
    summary = (
        f"Offline baseline (not Claude): {len(good)} positive and {len(bad)} negative indicators; "
        f"talk ratio {stats.get('talk_ratio')}, {stats.get('question_count')} questions, "
        f"longest monologue {stats.get('longest_monologue_s')} s."
    )
    return SpeakerResult(
        speaker_id=speaker.speaker_id,
        name=speaker.name,
        email=speaker.email,
        user_id=speaker.user_id,
        role=speaker.role,
        overall_score=overall(dimensions),
        summary=summary,
        strengths=strengths,
        improvements=improvements,
        key_moments=sorted(moments, key=lambda m: m.start_ms),
        product_errors=errors,
        interaction_stats=stats,
        dimensions=dimensions,
    )


def offline_analyze(*, inp) -> CallAnalysisResult:
    """The deterministic analysis of a prepared AnalysisInput (see analysis.services.context)."""
    speakers = [
        speaker_offline(
            speaker=s,
            turns=inp.turns,
            stats=inp.stats.get(s.speaker_id, {}),
            snapshot=inp.snapshot,
            documents=inp.documents,
        )
        for s in inp.internal
    ]
    verified = sum(len(d.evidence) for s in speakers for d in s.dimensions)
    return CallAnalysisResult(
        call_id=inp.call.pk,
        analyzer="offline",
        model=OFFLINE_MODEL,
        prompt_version=OFFLINE_VERSION,
        speakers=speakers,
        call_stats=inp.stats.get("call", {}),
        chunk_count=1,
        quotes_verified=verified,
        quotes_dropped=0,
    )
