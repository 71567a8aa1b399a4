"""A call's transcript read in pieces inside PostgreSQL: a page of turns, and the sentences matching words
(with their timestamps) — so a multi-hour call never ships and decodes megabytes of JSON for one page."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from django.db import connection

from coaching.access import Viewer
from coaching.selectors.calls import call_list
from core.errors import NotFound

MAX_MATCHES_PER_CALL = 3


@dataclass(frozen=True)
class SentenceMatch:
    start_ms: int
    speaker_id: str
    party: str
    text: str


def _prefixes(words: str) -> list[str]:
    """What any matching sentence must contain: each positive query word cut to a stem-safe prefix
    ("pricing" -> "pric"), so the exact full-text check runs only on a few candidate sentences."""
    terms = re.findall(r"(-?)([^\W_]+)", words.lower())
    return [word[: max(4, len(word) - 3)] for minus, word in terms if not minus and word != "or"]


def transcript_matches(
    *, viewer: Viewer, call_ids: list[str], words: str, per_call: int = MAX_MATCHES_PER_CALL
) -> dict:
    """{call_id: [SentenceMatch]}: up to `per_call` sentences of each call matching `words` (websearch syntax,
    the english configuration of the transcript index), in time order, with their timestamps. Calls the
    viewer may not see are left out, as if they had no match.

    Cheap word-prefix LIKE first, to_tsvector only on those candidates, and a LIMIT inside the lateral join so
    a long call stops at its first matches: a page of 20 hour-long calls costs tens of milliseconds.
    """
    if call_ids and words.strip():
        call_ids = list(call_list(viewer=viewer).filter(pk__in=list(call_ids)).values_list("pk", flat=True))
    if not call_ids or not words.strip():
        return {}
    prefixes = _prefixes(words)
    candidate = "lower(s->>2) LIKE ANY(%(patterns)s) AND " if prefixes else ""
    sql = f"""
        SELECT t.call_id, m.start_ms, m.speaker_id, m.party, m.text
        FROM gong_transcript t
        CROSS JOIN LATERAL (
            SELECT (s->>0)::bigint AS start_ms, turn->>'speaker_id' AS speaker_id, turn->>'party' AS party,
                   s->>2 AS text
            FROM jsonb_array_elements(t.turns) AS turn
            CROSS JOIN LATERAL jsonb_array_elements(turn->'sentences') AS s
            WHERE {candidate}to_tsvector('english', s->>2) @@ websearch_to_tsquery('english', %(words)s)
            LIMIT %(per_call)s
        ) m
        WHERE t.call_id = ANY(%(ids)s)
    """
    params = {
        "ids": list(call_ids),
        "patterns": [f"%{p}%" for p in prefixes],
        "words": words.strip(),
        "per_call": per_call,
    }
    out: dict[str, list[SentenceMatch]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for call_id, start_ms, speaker_id, party, text in cursor.fetchall():
            out.setdefault(call_id, []).append(SentenceMatch(int(start_ms), speaker_id or "", party or "", text))
    for matches in out.values():
        matches.sort(key=lambda match: match.start_ms)
    return out


def transcript_turns_slice(*, viewer: Viewer, call_id: str, start: int, stop: int) -> tuple[list[dict], int]:
    """(turns[start:stop], how many turns there are) of a call's transcript — sliced inside PostgreSQL, so a
    page of a multi-hour call does not ship and decode megabytes of JSON. NotFound when the viewer may not see
    the call (as when it or its transcript is missing)."""
    if not call_list(viewer=viewer).filter(pk=call_id).exists():
        raise NotFound(f"Call {call_id} not found")
    if stop <= start:
        return [], 0
    sql = (
        "SELECT jsonb_array_length(turns), jsonb_path_query_array(turns, %s::jsonpath) "
        "FROM gong_transcript WHERE call_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [f"$[{int(start)} to {int(stop) - 1}]", call_id])
        row = cursor.fetchone()
    if row is None:
        raise NotFound(f"Transcript for call {call_id} not found")
    total, turns = row
    return (json.loads(turns) if isinstance(turns, str) else turns) or [], int(total)
