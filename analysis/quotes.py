"""Verified evidence: locate a quote in the transcript; speaker and start time come from the transcript.

Matching is on normalized text (lower case, punctuation removed, whitespace collapsed), within one speaker's run
of consecutive turns (a quote may span its sentences, as the prompt shows them on one line). A quote split by an
ellipsis is located by its longest part. A quote found only in another speaker's words is "wrong speaker"; one
found nowhere is "not found"; both are dropped and counted. Quotes shorter than MIN_WORDS normalized words are
too ambiguous to verify and are dropped too.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

MIN_WORDS = 2
_PUNCT = re.compile(r"[^\w\s]+")
_SPACE = re.compile(r"\s+")
_ELLIPSIS = re.compile(r"\.\.\.|…")


def normalize(text: str) -> str:
    return _SPACE.sub(" ", _PUNCT.sub(" ", text.lower().replace("’", "'").replace("'", ""))).strip()


@dataclass(frozen=True)
class Located:
    turn_index: int
    speaker_id: str
    start_ms: int


@dataclass
class _Turn:
    speaker_id: str
    text: str  # normalized, sentences joined by one space, padded with spaces
    offsets: list[int]  # where each sentence starts in `text`
    starts: list[int]  # each sentence's start_ms
    turn_of: list[int]  # each sentence's turn index in the stored transcript


class TranscriptIndex:
    """Normalized turns of one transcript, built once per analysis. Consecutive turns of one speaker are searched
    as one, as the prompt renders them on one line: a quote may run across their join."""

    def __init__(self, turns: list[dict]) -> None:
        self.turns: list[_Turn] = []
        for index, turn in enumerate(turns):
            speaker_id = str(turn.get("speaker_id", ""))
            if not self.turns or self.turns[-1].speaker_id != speaker_id:
                self.turns.append(_Turn(speaker_id, " ", [], [], []))
            current = self.turns[-1]
            sentences = turn.get("sentences") or [[turn.get("start_ms", 0), 0, turn.get("text", "")]]
            for start, _end, sentence in sentences:
                current.offsets.append(len(current.text))
                current.starts.append(int(start))
                current.turn_of.append(index)
                current.text += normalize(sentence) + " "

    def _find(self, needle: str, *, speaker_id: str | None) -> Located | None:
        for turn in self.turns:
            if speaker_id is not None and turn.speaker_id != speaker_id:
                continue
            position = turn.text.find(f" {needle} ")
            if position >= 0:
                sentence = max(0, bisect.bisect_right(turn.offsets, position + 1) - 1)
                return Located(turn.turn_of[sentence], turn.speaker_id, turn.starts[sentence])
        return None

    def locate(self, quote: str, *, speaker_id: str | None = None) -> tuple[Located | None, str]:
        """(location, reason): reason is "ok", "too_short", "wrong_speaker" or "not_found"."""
        parts = [normalize(part) for part in _ELLIPSIS.split(quote)]
        needle = max(parts, key=len, default="")
        if len(needle.split()) < MIN_WORDS:
            return None, "too_short"
        found = self._find(needle, speaker_id=speaker_id)
        if found is not None:
            return found, "ok"
        if speaker_id is not None and self._find(needle, speaker_id=None) is not None:
            return None, "wrong_speaker"
        return None, "not_found"
