"""The compact transcript Claude reads: a speaker legend once, then one line per merged turn, `A: text`.

    Speakers (tag = name, role, title):
    A = Ana Ruiz (Rep, AE, Account Executive)
    B = Pat Buyer (Customer, VP Sales)
    [00:00] A: Thanks for joining. What made you look at call analytics?
    B: Our managers cannot listen to every call.

Each speaker gets a short tag (A, B, …, in order of first speaking; AA, AB, … past Z): name, role and title are
said once in the legend, not on every line (they were 30 % of a workshop's text when repeated per line). A line
starts with `[mm:ss]` when it is the first or at least `clock_every_s` after the last time shown, so the model can
place a moment without paying for a clock on every turn; quotes never need it (they are located in the original
turns by their words — analysis/quotes.py — and take speaker and time from there). Roles come from Gong's party
affiliation (Internal → Rep, External → Customer), never guessed. A turn longer than `max_line_tokens` is split
at sentence boundaries into several lines (the only time a turn is cut). Sentence text is copied verbatim.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from analysis.tokens import token_estimate

ROLE_LABEL = {"Internal": "Rep", "External": "Customer"}
LEGEND_HEADER = "Speakers (tag = name, role, title):"
CLOCK_EVERY_S = 300


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


@dataclass(frozen=True)
class Line:
    turn_index: int
    speaker_id: str
    start_ms: int
    text: str  # the rendered line: `[mm:ss] A: words` or `A: words`
    tokens: int


@dataclass(frozen=True)
class Rendering:
    """A rendered transcript, and the mapping back to it: each line knows its turn, speaker and start time."""

    legend: str
    lines: list[Line]
    tags: dict[str, str]  # speaker id → tag
    legend_tokens: int

    @property
    def tokens(self) -> int:
        return self.legend_tokens + sum(line.tokens for line in self.lines)


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


def speaker_tags(*, turns: list[dict]) -> dict[str, str]:
    """Speaker id → short tag, in order of first speaking: A … Z, then AA, AB, …"""
    tags: dict[str, str] = {}
    for turn in turns:
        speaker_id = str(turn.get("speaker_id", ""))
        if speaker_id not in tags:
            number, tag = len(tags), ""
            while True:
                tag = string.ascii_uppercase[number % 26] + tag
                number = number // 26 - 1
                if number < 0:
                    break
            tags[speaker_id] = tag
    return tags


def legend_render(*, tags: dict[str, str], speakers: dict[str, Speaker]) -> str:
    """`Speakers (tag = name, role, title):` and one line per speaker who spoke."""
    rows = [LEGEND_HEADER]
    for speaker_id, tag in tags.items():
        speaker = speakers[speaker_id]
        about = ", ".join(x for x in (ROLE_LABEL.get(speaker.party, "Unknown"), speaker.role, speaker.title) if x)
        rows.append(f"{tag} = {speaker.name} ({about})")
    return "\n".join(rows)


def _merged(turns: list[dict]) -> list[tuple[int, dict]]:
    """(index of the first turn, turn) with consecutive turns of one speaker merged."""
    merged: list[tuple[int, dict]] = []
    for index, turn in enumerate(turns):
        if merged and merged[-1][1]["speaker_id"] == turn["speaker_id"]:
            previous = merged[-1][1]
            merged[-1] = (merged[-1][0], {**previous, "sentences": previous["sentences"] + turn["sentences"]})
        else:
            merged.append((index, {**turn, "sentences": list(turn.get("sentences") or [])}))
    return merged


def transcript_render(
    *, turns: list[dict], speakers: dict[str, Speaker], max_line_tokens: int, clock_every_s: int = CLOCK_EVERY_S
) -> Rendering:
    """The legend and the lines in time order; consecutive turns of one speaker merge into one line."""
    tags = speaker_tags(turns=turns)
    lines: list[Line] = []
    shown_ms: int | None = None
    for index, turn in _merged(turns):
        text = " ".join(s[2] for s in turn["sentences"]) or turn.get("text", "")
        pieces = [(int(turn.get("start_ms", 0)), text)]
        if token_estimate(text) > max_line_tokens:
            pieces = _split_sentences(turn, max_line_tokens)
        tag = tags[str(turn["speaker_id"])]
        for start_ms, piece in pieces:
            stamp = shown_ms is None or start_ms - shown_ms >= clock_every_s * 1000
            shown_ms = start_ms if stamp else shown_ms
            rendered = f"[{clock(start_ms)}] {tag}: {piece}" if stamp else f"{tag}: {piece}"
            lines.append(Line(index, str(turn["speaker_id"]), start_ms, rendered, token_estimate(rendered) + 1))
    legend = legend_render(tags=tags, speakers=speakers)
    return Rendering(legend, lines, tags, token_estimate(legend) + 1)


def lines_text(lines: list[Line], *, legend: str = "") -> str:
    """The text sent for `lines` (a whole call or one window): the legend, then the lines; a window that starts
    without a time gets one, so every part says where it is in the call."""
    rows = [line.text for line in lines]
    if lines and not rows[0].startswith("["):
        rows[0] = f"[{clock(lines[0].start_ms)}] {rows[0]}"
    return "\n".join([legend, *rows] if legend else rows)
