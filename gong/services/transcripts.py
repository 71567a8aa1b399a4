"""Gong transcripts → our normalized turns, plain text, digest and token estimate, and storing them.

A turn is one speaker talking without interruption:
    {"speaker_id", "party": "Internal"|"External"|"Unknown", "start_ms", "end_ms", "text",
     "sentences": [[start_ms, end_ms, text], ...]}
Gong splits a speaker's talk into monologues per topic; consecutive monologues of one speaker become one turn.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping

from gong.models import Affiliation, Transcript
from gong.schemas import Monologue

TOKEN_COUNT_METHOD = "chars/4"  # noqa: S105 - a method label, not a secret


def transcript_normalize(*, monologues: Iterable[Monologue], party_by_speaker: Mapping[str, str]) -> list[dict]:
    """Merge Gong monologues into speaker turns, tagging each with the speaker's affiliation (party)."""
    ordered = sorted(
        (m for m in monologues if m.sentences), key=lambda m: min(s.start for s in m.sentences)
    )  # stable: Gong's order wins on ties
    turns: list[dict] = []
    for monologue in ordered:
        speaker_id = monologue.speaker_id or ""
        sentences = [[s.start, s.end, s.text.strip()] for s in sorted(monologue.sentences, key=lambda s: s.start)]
        sentences = [s for s in sentences if s[2]]
        if not sentences:
            continue
        if turns and turns[-1]["speaker_id"] == speaker_id:
            turns[-1]["sentences"].extend(sentences)
            continue
        party = party_by_speaker.get(speaker_id, Affiliation.UNKNOWN)
        turns.append({"speaker_id": speaker_id, "party": str(party), "sentences": sentences})
    for turn in turns:
        turn["start_ms"] = turn["sentences"][0][0]
        turn["end_ms"] = max(s[1] for s in turn["sentences"])
        turn["text"] = " ".join(s[2] for s in turn["sentences"])
    return [{key: turn[key] for key in _TURN_KEYS} for turn in turns]


_TURN_KEYS = ("speaker_id", "party", "start_ms", "end_ms", "text", "sentences")


def transcript_plain_text(*, turns: list[dict]) -> str:
    """The transcript as plain text: one line per turn."""
    return "\n".join(turn["text"] for turn in turns)


def transcript_sha256(*, turns: list[dict]) -> str:
    """Hex SHA-256 over speaker, party and text only, so timing or call metadata changes keep the digest."""
    canonical = "\n".join(f"{turn['speaker_id']}|{turn['party']}|{turn['text']}" for turn in turns)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def transcript_token_estimate(*, text: str) -> int:
    """Offline token estimate (≈ 4 characters per token); analysis may refine it with a real count."""
    return math.ceil(len(text) / 4)


def transcript_store(*, call_id: str, turns: list[dict]) -> Transcript:
    """Create or replace the call's transcript. Call inside the caller's transaction (database work only)."""
    text = transcript_plain_text(turns=turns)
    transcript, _ = Transcript.objects.update_or_create(
        call_id=call_id,
        defaults={
            "turns": turns,
            "text": text,
            "sha256": transcript_sha256(turns=turns),
            "token_count": transcript_token_estimate(text=text),
            "token_count_method": TOKEN_COUNT_METHOD,
        },
    )
    return transcript
