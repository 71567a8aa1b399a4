"""The offline analyzer (ANALYZER=offline, the default without a key): a deterministic baseline, never Claude.

It reads the rubric's observable indicators: a positive or negative indicator is observed when one of its
keywords occurs in one of the speaker's sentences (normalized text), or when its stat (computed from
timestamps) falls in its range. Per criterion, p positive and n negative observations give its level
1 + 4·p / (p + n + 0.5) (rounded half up), status met at level 3 or more, missed below; no observation → n_a.
The dimension is then computed by analysis.scoring from those criteria, exactly as for Claude's answer (weights,
caps, N/A). Evidence quotes are the real sentences that matched. A negative product-knowledge observation is a
product error only when a product document states the correction (a line naming the same words as "wrong:"):
the correct fact is always the document's words, never made up. Results say `offline`.

The call type matters where the rubric says so in numbers: on a call where the rep presents by design (a demo or
a technical deep dive) the engagement rubric asks for "about one level more lenient per band" on talk ratio, so
there the talk-ratio bounds that mark "the rep talks too much" are read one 10-point band higher
(see PRESENTING_LENIENCY).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.quotes import normalize
from analysis.results import dimension_result, overall
from analysis.schemas import (
    CallAnalysisResult,
    CriterionResult,
    DimensionResult,
    Evidence,
    Moment,
    ProductError,
    SpeakerResult,
)
from analysis.scoring import SCORING_CONTRACT, round_half_up
from knowledgebase.dimensions import DIMENSIONS

OFFLINE_MODEL = "offline-keyword-v1"
# Call types (gong.services.ingest.call_type_from) where the rep presents by design, and how much further each
# stat's healthy range reaches there: the engagement rubric's "about one level more lenient per band" on a demo,
# workshop or technical deep dive, its talk-ratio bands being 10 points wide (35–45–55–65–75%). Monologue length
# has no such number in the rubric (it asks whether the floor is handed back), so it is read as on any call.
PRESENTING_CALL_TYPES = frozenset({"demo", "technical_deep_dive"})
PRESENTING_LENIENCY = {"talk_ratio": 0.10}
# The offline analyzer's code is its prompt: its version is a hash of this module and the scoring rules.
OFFLINE_MODULES = ("analysis.offline", "analysis.scoring", "analysis.schemas")


def offline_version() -> str:
    from analysis.prompts import module_digest

    return f"offline-2-{module_digest(OFFLINE_MODULES)[:12]}"


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
    keyword: str = ""  # the normalized keyword that matched


def _sentences(turns: list[dict], speaker_id: str) -> list[_Sentence]:
    return [
        _Sentence(index, int(start), text, f" {normalize(text)} ")
        for index, turn in enumerate(turns)
        if str(turn.get("speaker_id")) == speaker_id
        for start, _end, text in turn.get("sentences") or []
    ]


def speaker_sentences(turns: list[dict], speaker_id: str) -> list[_Sentence]:
    """One speaker's sentences as the offline scorer reads them (for re-scoring a dimension with a draft rubric)."""
    return _sentences(turns, speaker_id)


def _stat_range(indicator: dict, call_type: str, positive: bool) -> tuple[float | None, float | None]:
    """The indicator's [stat_min, stat_max]; on a presenting call type the bound that marks "too much" moves up by
    the stat's leniency: a healthy range reaches further (its max), a warning starts later (its min)."""
    low, high = indicator.get("stat_min"), indicator.get("stat_max")
    shift = PRESENTING_LENIENCY.get(indicator.get("stat") or "", 0.0) if call_type in PRESENTING_CALL_TYPES else 0.0
    if positive and high is not None:
        high += shift
    if not positive and low is not None:
        low += shift
    return low, high


def _observed(
    indicator: dict, sentences: list[_Sentence], stats: dict, call_type: str = "", positive: bool = True
) -> list[tuple[_Sentence | None, str]]:
    hits: list[tuple[_Sentence | None, str]] = []
    keywords = [normalize(k) for k in indicator.get("keywords") or [] if normalize(k)]
    for sentence in sentences:
        matched = next((keyword for keyword in keywords if f" {keyword} " in sentence.norm), None)
        if matched is not None:
            hits.append((sentence, matched))
    stat = indicator.get("stat")
    value = stats.get(stat) if stat else None
    if value is not None:
        low, high = _stat_range(indicator, call_type, positive)
        if (low is None or value >= low) and (high is None or value <= high):
            hits.append((None, ""))
    return hits


def _level(positive: int, negative: int) -> int | None:
    if positive + negative == 0:
        return None
    return round_half_up(1 + 4 * positive / (positive + negative + 0.5))


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


_WRONG = re.compile(r"\bwrong:\s*(.+)$", re.I)


def documented_correction(keyword: str, documents) -> tuple[str, str] | None:
    """(doc_key, correct fact) when a product document names `keyword` as wrong and states the correction on the
    same line (`"…" — wrong: <fact>`); None otherwise: then there is no documented fact to set against it."""
    if not keyword:
        return None
    for document in documents:
        for line in document.body.splitlines():
            match = _WRONG.search(line)
            if match and f" {keyword} " in f" {normalize(line[: match.start()])} ":
                return document.key, match.group(1).strip()
    return None


def dimension_offline(
    rubric, sentences, stats, speaker, *, product_errors: int = 0, call_type: str = ""
) -> tuple[DimensionResult, list[_Hit]]:
    hits: list[_Hit] = []
    criteria = []
    for criterion in rubric.content.get("criteria", []):
        mine = [
            _Hit(criterion, ind, True, s, k)
            for ind in criterion.get("positive_indicators", [])
            for s, k in _observed(ind, sentences, stats, call_type, positive=True)
        ]
        mine += [
            _Hit(criterion, ind, False, s, k)
            for ind in criterion.get("negative_indicators", [])
            for s, k in _observed(ind, sentences, stats, call_type, positive=False)
        ]
        hits += mine
        positive = sum(h.positive for h in mine)
        level = _level(positive, len(mine) - positive)
        ordered = sorted(mine, key=lambda h: h.positive, reverse=level is not None and level >= 3)
        criteria.append(
            CriterionResult(
                key=criterion["key"],
                name=criterion.get("name", ""),
                weight=criterion["weight"],
                status="n_a" if level is None else "met" if level >= 3 else "missed",
                level=level,
                evidence=_evidence(ordered, speaker, limit=2),
            )
        )
    positive, negative = sum(h.positive for h in hits), sum(not h.positive for h in hits)
    rationale = (
        f"Offline keyword baseline: {positive} positive and {negative} negative rubric indicators observed."
        if hits
        else "Offline keyword baseline: no rubric indicator observed (N/A)."
    )
    result = dimension_result(
        name=rubric.dimension,
        rubric=rubric,
        criteria=criteria,
        rationale=rationale,
        product_errors=product_errors,
        version_id=rubric.version_id,
    )
    return result, hits


def _product_errors(rubric, sentences, stats, documents) -> list[ProductError]:
    """Negative product-knowledge observations that a document corrects (see documented_correction)."""
    errors, seen = [], set()
    for criterion in rubric.content.get("criteria", []):
        for indicator in criterion.get("negative_indicators", []):
            for sentence, keyword in _observed(indicator, sentences, stats):
                correction = documented_correction(keyword, documents) if sentence is not None else None
                if correction and sentence.start_ms not in seen:
                    seen.add(sentence.start_ms)
                    errors.append(
                        ProductError(
                            said=sentence.text, correct=correction[1], doc_key=correction[0], start_ms=sentence.start_ms
                        )
                    )
    return sorted(errors, key=lambda e: e.start_ms or 0)


def speaker_offline(*, speaker, turns, stats: dict, snapshot, documents, call_type: str = "") -> SpeakerResult:
    sentences = _sentences(turns, speaker.speaker_id)
    errors = _product_errors(snapshot.rubrics["product_knowledge"], sentences, stats, documents)
    dimensions, all_hits = [], []
    for name in DIMENSIONS:
        result, hits = dimension_offline(
            snapshot.rubrics[name], sentences, stats, speaker, product_errors=len(errors), call_type=call_type
        )
        dimensions.append(result)
        all_hits += [(name, h) for h in hits]
    good = [h for _, h in all_hits if h.positive]
    bad = [h for _, h in all_hits if not h.positive]
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
            call_type=inp.call.call_type or "",
        )
        for s in inp.internal
    ]
    verified = sum(len(d.evidence) for s in speakers for d in s.dimensions)
    return CallAnalysisResult(
        call_id=inp.call.pk,
        contract=SCORING_CONTRACT,
        analyzer="offline",
        model=OFFLINE_MODEL,
        prompt_version=offline_version(),
        speakers=speakers,
        call_stats=inp.stats.get("call", {}),
        chunk_count=1,
        quotes_verified=verified,
        quotes_dropped=0,
    )
