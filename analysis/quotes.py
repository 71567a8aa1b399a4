"""Verified evidence: locate a quote in the transcript; speaker and start time come from the transcript.

Matching is on normalized text (lower case, punctuation removed, whitespace collapsed), within one speaker's run
of consecutive turns (a quote may span its sentences, as the prompt shows them on one line). A quote split by an
ellipsis is located by its longest part. A quote found only in another speaker's words is "wrong speaker"; one
found nowhere is "not found"; both are dropped and counted. Quotes shorter than MIN_WORDS normalized words are
too ambiguous to verify and are dropped too.

A quote is evidence only when it pins one moment. One that occurs once in the speaker's turns is kept however
short (a real "What's your budget?" stays). One that occurs several times ("makes sense") is kept only when
exactly one occurrence lies in the part of the call the model was given (`within`: that part's first and last
turn index), or when it is long enough (LONG_WORDS) to be the same statement repeated — then its first
occurrence in the part; otherwise it is "ambiguous", dropped and counted. The location records how many
occurrences there were.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

MIN_WORDS = 2
LONG_WORDS = 8
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
    occurrences: int = 1  # how many times the quote occurs in the speaker's turns (the whole call)


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

    def _find_all(self, needle: str, *, speaker_id: str | None) -> list[Located]:
        found = []
        for turn in self.turns:
            if speaker_id is not None and turn.speaker_id != speaker_id:
                continue
            position = turn.text.find(f" {needle} ")
            while position >= 0:
                sentence = max(0, bisect.bisect_right(turn.offsets, position + 1) - 1)
                found.append(Located(turn.turn_of[sentence], turn.speaker_id, turn.starts[sentence]))
                position = turn.text.find(f" {needle} ", position + 1)
        return found

    def count(self, quote: str, *, speaker_id: str | None = None) -> int:
        """How many times the quote's words occur in the speaker's turns."""
        return len(self._find_all(normalize(quote), speaker_id=speaker_id))

    def locate(
        self, quote: str, *, speaker_id: str | None = None, within: tuple[int, int] | None = None
    ) -> tuple[Located | None, str]:
        """(location, reason): reason is "ok", "too_short", "ambiguous", "wrong_speaker" or "not_found"."""
        parts = [normalize(part) for part in _ELLIPSIS.split(quote)]
        needle = max(parts, key=len, default="")
        if len(needle.split()) < MIN_WORDS:
            return None, "too_short"
        found = self._find_all(needle, speaker_id=speaker_id)
        if not found:
            if speaker_id is not None and self._find_all(needle, speaker_id=None):
                return None, "wrong_speaker"
            return None, "not_found"
        in_part = [f for f in found if within is None or within[0] <= f.turn_index <= within[1]]
        if len(found) == 1 or len(in_part) == 1 or (len(needle.split()) >= LONG_WORDS and (in_part or found)):
            chosen = (in_part or found)[0]
            return Located(chosen.turn_index, chosen.speaker_id, chosen.start_ms, len(found)), "ok"
        return None, "ambiguous"


@dataclass(frozen=True)
class PartIndex:
    """The index as seen from one part of a chunked call: quotes prefer occurrences inside the part."""

    index: TranscriptIndex
    part: int | None = None  # 1-based part number; None for a call analysed whole
    within: tuple[int, int] | None = None  # the part's first and last turn index

    def locate(self, quote: str, *, speaker_id: str | None = None) -> tuple[Located | None, str]:
        return self.index.locate(quote, speaker_id=speaker_id, within=self.within)
