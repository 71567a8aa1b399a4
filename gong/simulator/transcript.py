"""Timing for simulated speech: sentences become Gong transcript monologues with millisecond offsets.

A sentence lasts about as long as it takes to say (15.5 characters per second, ±10%, clamped to 2–12 s);
sentences of one turn are separated by short pauses, turns by longer ones. The pause before a rep answers a
customer ("patience") is chosen by the caller, so engagement levels show up in the timing too.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

CHARS_PER_SECOND = 15.5
COMPETITOR_NAMES = ("Mixpoint", "Amplifyr")


@dataclass(frozen=True)
class Speaker:
    speaker_id: str
    internal: bool


@dataclass
class Transcript:
    """Gong monologues `[{speakerId, topic, sentences: [{start, end, text}]}]` plus running totals."""

    rng: random.Random
    clock: int = 0  # ms since the call started
    monologues: list[dict] = field(default_factory=list)
    talk_ms: Counter = field(default_factory=Counter)  # speaker id → ms spoken
    topic_ms: Counter = field(default_factory=Counter)  # topic → ms
    internal_ms: int = 0
    external_ms: int = 0
    chars: int = 0
    mentions: list[tuple[str, int, str]] = field(default_factory=list)  # (competitor, start ms, speaker id)
    _last: tuple[str, str | None] | None = None
    _last_internal: bool | None = None

    def say(self, speaker: Speaker, lines: list[str] | tuple[str, ...], topic: str | None, *, gap_ms: int = 0) -> None:
        """Append `lines` as one turn; `gap_ms` is the pause before it when the speaker changes (0: natural)."""
        if not lines:
            return
        rng = self.rng
        if self._last is not None:
            if self._last[0] != speaker.speaker_id:
                self.clock += gap_ms or rng.randint(350, 1200)
            else:
                self.clock += rng.randint(200, 700)
        if self._last == (speaker.speaker_id, topic):
            sentences = self.monologues[-1]["sentences"]
        else:
            sentences = []
            self.monologues.append({"speakerId": speaker.speaker_id, "topic": topic, "sentences": sentences})
        for index, text in enumerate(lines):
            if index:
                self.clock += rng.randint(120, 600)
            duration = int(len(text) * 1000 / CHARS_PER_SECOND * rng.uniform(0.9, 1.1))
            duration = max(2000, min(12000, duration))
            sentences.append({"start": self.clock, "end": self.clock + duration, "text": text})
            self._count(speaker, text, topic, duration)
            self.clock += duration
        self._last = (speaker.speaker_id, topic)
        self._last_internal = speaker.internal

    def _count(self, speaker: Speaker, text: str, topic: str | None, duration: int) -> None:
        self.talk_ms[speaker.speaker_id] += duration
        if topic:
            self.topic_ms[topic] += duration
        if speaker.internal:
            self.internal_ms += duration
        else:
            self.external_ms += duration
        self.chars += len(text) + 1
        for name in COMPETITOR_NAMES:
            if name in text:
                self.mentions.append((name, self.clock, speaker.speaker_id))

    @property
    def internal_share(self) -> float:
        total = self.internal_ms + self.external_ms
        return self.internal_ms / total if total else 0.0

    @property
    def last_was_external(self) -> bool:
        return self._last_internal is False

    def text(self) -> str:
        return "\n".join(sentence["text"] for mono in self.monologues for sentence in mono["sentences"])


def interaction_summary(transcript: Transcript, speakers: dict[str, Speaker]) -> dict[str, float]:
    """Gong-style call-level interaction stats computed from the timings (company side vs customers)."""
    longest = {True: 0, False: 0}
    switches, patience, questions = 0, [], {True: 0, False: 0}
    previous: dict | None = None
    run_start = run_end = 0
    run_internal: bool | None = None
    for mono in transcript.monologues:
        internal = speakers[mono["speakerId"]].internal
        first, last = mono["sentences"][0], mono["sentences"][-1]
        if previous is not None and previous["speakerId"] != mono["speakerId"]:
            switches += 1
            if internal and not speakers[previous["speakerId"]].internal:
                patience.append(first["start"] - previous["sentences"][-1]["end"])
        if internal == run_internal and previous is not None and previous["speakerId"] == mono["speakerId"]:
            run_end = last["end"]
        else:
            run_start, run_end, run_internal = first["start"], last["end"], internal
        longest[internal] = max(longest[internal], run_end - run_start)
        questions[internal] += sum(sentence["text"].endswith("?") for sentence in mono["sentences"])
        previous = mono
    minutes = max(1.0, transcript.clock / 60000)
    return {
        "talk_ratio": round(transcript.internal_share, 2),
        "longest_monologue_s": round(longest[True] / 1000),
        "longest_customer_story_s": round(longest[False] / 1000),
        "interactivity": round(min(10.0, switches / minutes), 2),
        "patience_s": round(sum(patience) / len(patience) / 1000, 2) if patience else 0.0,
        "company_questions": questions[True],
        "customer_questions": questions[False],
    }
