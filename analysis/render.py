"""The compact transcript Claude reads: one line per merged turn, `[mm:ss] Name (Rep|Customer, title): text`.

Roles come from Gong's party affiliation (Internal → Rep, External → Customer), never guessed. A turn longer
than the chunk window is split at sentence boundaries into several lines (the only time a turn is cut).
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.tokens import token_estimate

ROLE_LABEL = {"Internal": "Rep", "External": "Customer"}


@dataclass(frozen=True)
class Speaker:
    speaker_id: str
    name: str
    party: str  # Internal | External | Unknown
    title: str = ""
    email: str = ""
    user_id: str | None = None
    role: str = ""  # AE | SE | CSM ... for internal users known to Gong

    @property
    def is_internal(self) -> bool:
        return self.party == "Internal"

    @property
    def label(self) -> str:
        role = ROLE_LABEL.get(self.party, "Unknown")
        return f"{self.name} ({role}, {self.title})" if self.title else f"{self.name} ({role})"


@dataclass(frozen=True)
class Line:
    turn_index: int
    speaker_id: str
    start_ms: int
    text: str  # the rendered line
    tokens: int


def speakers_build(*, participants: list, turns: list[dict]) -> dict[str, Speaker]:
    """Speakers by speaker id, from Gong participants; a speaker missing from them is named by order."""
    speakers: dict[str, Speaker] = {}
    for participant in participants:
        if not participant.speaker_id:
            continue
        user = participant.user
        speakers[participant.speaker_id] = Speaker(
            speaker_id=participant.speaker_id,
            name=participant.name or participant.email or f"Speaker {participant.speaker_id[-4:]}",
            party=str(participant.affiliation),
            title=participant.title or (user.title if user else ""),
            email=participant.email or (user.email if user else ""),
            user_id=participant.user_id,
            role=(user.role if user else "") or "",
        )
    for turn in turns:
        speaker_id = str(turn.get("speaker_id", ""))
        if speaker_id not in speakers:
            number = len(speakers) + 1
            speakers[speaker_id] = Speaker(speaker_id, f"Speaker {number}", turn.get("party") or "Unknown")
    return speakers


def clock(ms: int) -> str:
    seconds = max(0, int(ms)) // 1000
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def _split_sentences(turn: dict, max_tokens: int) -> list[tuple[int, str]]:
    """(start_ms, text) pieces of a turn, each ≤ max_tokens where sentences allow."""
    sentences = turn.get("sentences") or [[turn.get("start_ms", 0), turn.get("end_ms", 0), turn.get("text", "")]]
    pieces: list[tuple[int, list[str], int]] = []
    for start, _end, text in sentences:
        cost = token_estimate(text) + 1
        if pieces and pieces[-1][2] + cost <= max_tokens:
            pieces[-1][1].append(text)
            pieces[-1] = (pieces[-1][0], pieces[-1][1], pieces[-1][2] + cost)
        else:
            pieces.append((int(start), [text], cost))
    return [(start, " ".join(texts)) for start, texts, _ in pieces]


def transcript_render(*, turns: list[dict], speakers: dict[str, Speaker], max_line_tokens: int) -> list[Line]:
    """Rendered lines in time order; consecutive turns of one speaker merge into one line."""
    lines: list[Line] = []
    merged: list[tuple[int, dict]] = []
    for index, turn in enumerate(turns):
        if merged and merged[-1][1]["speaker_id"] == turn["speaker_id"]:
            previous = merged[-1][1]
            merged[-1] = (merged[-1][0], {**previous, "sentences": previous["sentences"] + turn["sentences"]})
        else:
            merged.append((index, {**turn, "sentences": list(turn.get("sentences") or [])}))
    for index, turn in merged:
        speaker = speakers[str(turn["speaker_id"])]
        text = " ".join(s[2] for s in turn["sentences"]) or turn.get("text", "")
        pieces = [(int(turn.get("start_ms", 0)), text)]
        if token_estimate(text) > max_line_tokens:
            pieces = _split_sentences(turn, max_line_tokens)
        for start_ms, piece in pieces:
            rendered = f"[{clock(start_ms)}] {speaker.label}: {piece}"
            lines.append(Line(index, speaker.speaker_id, start_ms, rendered, token_estimate(rendered) + 1))
    return lines


def lines_text(lines: list[Line]) -> str:
    return "\n".join(line.text for line in lines)
