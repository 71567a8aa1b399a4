"""Interaction stats from sentence timestamps and party affiliation: zero tokens, no LLM.

Definitions (the open-source "deterministic conversation features" formulas cited in
reference/coaching-domain.md §3.1, with Gong's stat names):
- talk_ratio: the speaker's talk time ÷ everyone's talk time (per call: all internal speakers together).
- longest_monologue_s: the speaker's longest stretch without another speaker taking the floor, first sentence
  start to last sentence end. A back-channel ("Okay.", "Right." — at most 3 words and under 2 s) does not take
  the floor, so it neither ends a monologue nor starts one.
- longest_customer_story_s: the same for External speakers (one call-level value, shown with every speaker).
- interactivity: speaker switches per minute of call (first sentence start to last end), counted over all
  sentences. Gong computes it over all company participants, so it is a call-level value.
- patience_s: the median pause, in seconds, between a customer's sentence ending and the rep starting to
  speak right after it (per call: any internal speaker). Overlaps count as 0.
- question_count: the speaker's sentences ending in "?" (per call: all internal speakers').
"Customer" means affiliation External; Unknown speakers count in total talk time only (roles are never guessed).
"""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass
from typing import Literal

INTERNAL = "Internal"
EXTERNAL = "External"
BACKCHANNEL_MAX_WORDS = 3
BACKCHANNEL_MAX_MS = 2000

STAT_NAMES = (
    "talk_ratio",
    "longest_monologue_s",
    "longest_customer_story_s",
    "interactivity",
    "patience_s",
    "question_count",
)


@dataclass(frozen=True)
class StatRange:
    """A published range. `low`/`high` are the target band (equal when the source gives one ideal value);
    `flag_above`/`flag_below` are where `stat_assess` flags a value (None: the source gives no threshold)."""

    label: str
    low: float | None
    high: float | None
    unit: str
    flag_above: float | None
    flag_below: float | None
    source: str


STAT_RANGES: dict[str, StatRange] = {
    "talk_ratio": StatRange(
        "Talk ratio",
        0.43,
        0.43,
        "share",
        0.65,
        None,
        "Gong Labs: 43% talking / 57% listening; talking more than 65% led to lower win rates "
        "(gong.io/resources/labs/talk-to-listen-conversion-ratio, 2025-03-20)",
    ),
    "longest_monologue_s": StatRange(
        "Longest monologue",
        None,
        120.0,
        "s",
        120.0,
        None,
        "Gong 257,967-call study: keep the company overview to two minutes or less (lemonly.com infographic)",
    ),
    "longest_customer_story_s": StatRange(
        "Longest customer story",
        240.0,
        None,
        "s",
        None,
        50.0,
        "Gong 257,967-call study: customers speaking 4 minutes straight raises win probability; "
        "at most 50 s uninterrupted lowers the close rate (lemonly.com infographic)",
    ),
    "interactivity": StatRange(
        "Interactivity",
        None,
        None,
        "switches/min",
        None,
        None,
        "Speaker switches per minute (open-source formula); Gong's own range could not be retrieved, so not flagged",
    ),
    "patience_s": StatRange(
        "Patience",
        1.0,
        None,
        "s",
        None,
        None,
        "Median pause before the rep speaks after the customer; '1 second' is a third-party claim about Gong, "
        "unverified, so not flagged",
    ),
    "question_count": StatRange(
        "Questions asked",
        11.0,
        14.0,
        "questions",
        None,
        11.0,
        "Gong deck: aim to ask 11-14 target questions per call, diminishing returns after that (slideshare)",
    ),
}


def stat_assess(name: str, value: float | None) -> Literal["ok", "high", "low"] | None:
    """'high'/'low' when the value crosses a published flag, 'ok' inside them, None when it cannot be judged."""
    spec = STAT_RANGES.get(name)
    if spec is None or value is None or (spec.flag_above is None and spec.flag_below is None):
        return None
    if spec.flag_above is not None and value > spec.flag_above:
        return "high"
    if spec.flag_below is not None and value < spec.flag_below:
        return "low"
    return "ok"


@dataclass(frozen=True)
class _Sentence:
    speaker_id: str
    party: str
    start_ms: int
    end_ms: int
    text: str

    @property
    def duration_ms(self) -> int:
        return max(0, self.end_ms - self.start_ms)

    @property
    def is_backchannel(self) -> bool:
        return len(self.text.split()) <= BACKCHANNEL_MAX_WORDS and self.duration_ms < BACKCHANNEL_MAX_MS


def _sentences(turns: list[dict]) -> list[_Sentence]:
    out = []
    for turn in turns:
        speaker, party = str(turn.get("speaker_id", "")), turn.get("party") or "Unknown"
        sentences = turn.get("sentences") or [[turn.get("start_ms", 0), turn.get("end_ms", 0), turn.get("text", "")]]
        for start, end, text in sentences:
            out.append(_Sentence(speaker, party, int(start), int(end), str(text)))
    out.sort(key=lambda sentence: sentence.start_ms)
    return out


def _stretches(sentences: list[_Sentence]) -> list[tuple[str, str, int, int]]:
    """(speaker_id, party, start_ms, end_ms) floor-holding stretches; back-channels don't take the floor."""
    stretches: list[list] = []
    for sentence in sentences:
        if stretches and stretches[-1][0] == sentence.speaker_id:
            stretches[-1][3] = max(stretches[-1][3], sentence.end_ms)
        elif not sentence.is_backchannel or not stretches:
            stretches.append([sentence.speaker_id, sentence.party, sentence.start_ms, sentence.end_ms])
    return [tuple(stretch) for stretch in stretches]


def _longest_s(stretches, predicate) -> float:
    longest = max((end - start for speaker, party, start, end in stretches if predicate(speaker, party)), default=0)
    return round(longest / 1000, 1)


def _patience_s(sentences: list[_Sentence], is_rep) -> float | None:
    pauses = [
        max(0, current.start_ms - previous.end_ms) / 1000
        for previous, current in itertools.pairwise(sentences)
        if previous.party == EXTERNAL and is_rep(current.speaker_id, current.party)
    ]
    return round(statistics.median(pauses), 2) if pauses else None


def interaction_stats(turns: list[dict], *, speaker_id: str | None = None) -> dict:
    """Stats for one internal speaker (`speaker_id`) or, without it, for the internal side of the whole call.

    `turns` is gong_transcript.turns. Keys: STAT_NAMES plus talk_time_s and duration_s.
    """
    sentences = _sentences(turns)
    if speaker_id is None:

        def is_rep(speaker: str, party: str) -> bool:
            return party == INTERNAL
    else:

        def is_rep(speaker: str, party: str) -> bool:
            return speaker == speaker_id

    total_ms = sum(sentence.duration_ms for sentence in sentences)
    rep_ms = sum(sentence.duration_ms for sentence in sentences if is_rep(sentence.speaker_id, sentence.party))
    duration_ms = (sentences[-1].end_ms - sentences[0].start_ms) if sentences else 0
    switches = sum(1 for a, b in itertools.pairwise(sentences) if a.speaker_id != b.speaker_id)
    stretches = _stretches(sentences)
    return {
        "talk_ratio": round(rep_ms / total_ms, 3) if total_ms else None,
        "longest_monologue_s": _longest_s(stretches, is_rep),
        "longest_customer_story_s": _longest_s(stretches, lambda speaker, party: party == EXTERNAL),
        "interactivity": round(switches / (duration_ms / 60_000), 2) if duration_ms > 0 else None,
        "patience_s": _patience_s(sentences, is_rep),
        "question_count": sum(1 for s in sentences if is_rep(s.speaker_id, s.party) and s.text.rstrip().endswith("?")),
        "talk_time_s": round(rep_ms / 1000, 1),
        "duration_s": round(duration_ms / 1000, 1),
    }
