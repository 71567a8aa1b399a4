"""A deterministic week of Gong data for the simulator: users, calls, transcripts, and hidden gold labels.

``corpus_build(seed=7, week_start=None, calls=60, ...)`` returns a :class:`Corpus`; the same arguments always give
byte-identical data (``corpus_json``). Users depend only on the seed; calls depend on seed and week.

Shapes (exactly as Gong's API returns them, reference /work/shared/reference/gong-api.md §3–§4):
* ``corpus.users``: ``UserMetadata`` dicts (id, emailAddress, firstName, lastName, title, managerId, active, ...).
  14 users: a VP, 3 managers, 6 AEs (one inactive), 2 SEs, 2 CSMs, emails at @lumina-labs.example.
* ``corpus.calls``: ``CallData`` dicts sorted by start: ``{"metaData": {id, url, title, scheduled, started,
  duration, primaryUserId, direction, system, scope, media, language, workspaceId, sdrDisposition,
  clientUniqueId, customData, purpose, meetingUrl, isPrivate, calendarEventId}, "context": [Salesforce
  Opportunity + Account with fields], "parties": [{id, emailAddress, name, title, userId?, speakerId?, context,
  affiliation, methods, phoneNumber}], "content": {topics, trackers}, "interaction": {speakers,
  interactionStats, questions}}``. External parties have no ``userId``; silent attendees have no ``speakerId``.
* ``corpus.transcripts[call_id]``: ``{"callId", "transcript": [{"speakerId", "topic", "sentences": [{"start",
  "end", "text"}]}]}`` with start/end in integer milliseconds from the call start.
* ``corpus.transcript_ready_at[call_id]``: for late calls only, a ``timedelta`` measured from the simulator
  server's start; before then the transcript endpoint leaves the call out (Gong processes calls late).

Gold labels (never served by the API): ``corpus.gold[call_id][speaker_id] = {"user_id": str, "levels":
{"product_knowledge"|"discovery"|"objection_handling"|"engagement": int 1–5 | None}, "wrong_statements":
[product fact keys]}`` for every internal speaker of every External call (private ones included). None means
the dimension was not exercised (no objection raised, no product question answered, no discovery on a
negotiation call). ``corpus_gold_write(corpus, path)`` writes the file ``evaluate_scorer --gold FILE`` reads::

    {"format": "callcoach-gold/1", "seed": 7, "week_start": "2025-01-06",
     "dimensions": ["product_knowledge", "discovery", "objection_handling", "engagement"],
     "calls": {"<call id>": {"<speaker id>": {"user_id": "...", "levels": {...}, "wrong_statements": [...]}}}}

Sessions map to gold by (call id, speaker id); ``gold_read(path)`` returns the ``calls`` mapping.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from gong.simulator.people import DIMENSIONS, gong_id, users_build
from gong.simulator.week import WeekBuilder

GOLD_FORMAT = "callcoach-gold/1"
LATE_OFFSETS = (timedelta(minutes=30), timedelta(hours=3), timedelta(hours=8))


@dataclass
class Corpus:
    seed: int
    week_start: date
    workspace: dict[str, str]
    users: list[dict[str, Any]]
    calls: list[dict[str, Any]]
    transcripts: dict[str, dict[str, Any]]
    gold: dict[str, dict[str, dict[str, Any]]]
    transcript_ready_at: dict[str, timedelta] = field(default_factory=dict)
    baselines: dict[str, dict[str, int]] = field(default_factory=dict)  # user id → baseline level per dimension

    def call(self, call_id: str) -> dict[str, Any]:
        return next(record for record in self.calls if record["metaData"]["id"] == call_id)

    def call_ids(self, *, scope: str | None = None, private: bool | None = None) -> list[str]:
        return [
            record["metaData"]["id"]
            for record in self.calls
            if (scope is None or record["metaData"]["scope"] == scope)
            and (private is None or record["metaData"]["isPrivate"] == private)
        ]

    def transcript_ready(self, call_id: str, *, now: datetime, started_at: datetime | None) -> bool:
        """True once a late call's processing delay has passed on the server clock (others: always)."""
        delay = self.transcript_ready_at.get(call_id)
        return delay is None or started_at is None or now >= started_at + delay

    def transcript_text(self, call_id: str, *, speaker_id: str | None = None) -> str:
        """All sentences of a call (or of one speaker), one per line."""
        return "\n".join(
            sentence["text"]
            for mono in self.transcripts[call_id]["transcript"]
            if speaker_id is None or mono["speakerId"] == speaker_id
            for sentence in mono["sentences"]
        )


def week_start_default(today: date | None = None) -> date:
    """Monday of the previous ISO week (UTC)."""
    today = today or datetime.now(UTC).date()
    return today - timedelta(days=today.weekday() + 7)


def corpus_build(
    *,
    seed: int = 7,
    week_start: date | None = None,
    calls: int = 60,
    long_calls: int = 1,
    private_calls: int = 2,
    internal_calls: int = 2,
    late_calls: int = 3,
    weeks_before: int = 0,
) -> Corpus:
    """Generate the week deterministically from `seed` (no global random state, no clock but the default week).
    `weeks_before` > 0 makes it an earlier week of a history: reps' levels follow people.DRIFT."""
    week_start = week_start or week_start_default()
    if week_start.weekday() != 0:
        raise ValueError(f"week_start must be a Monday, got {week_start.isoformat()} ({week_start:%A})")
    external = calls - internal_calls
    if min(calls, long_calls, private_calls, internal_calls, late_calls) < 0:
        raise ValueError("call counts must not be negative")
    if external < long_calls + private_calls + late_calls:
        raise ValueError("calls must cover internal, long, private and late calls")
    user_rng = random.Random(f"{seed}:users")
    users, ids, seats = users_build(user_rng, created_before="2023-01-09")
    workspace = {"id": gong_id(user_rng, 18), "name": "Lumina Labs Sales", "description": "Sales and success"}
    rng = random.Random(f"{seed}:{week_start.isoformat()}")
    builder = WeekBuilder(
        rng,
        seed=seed,
        week_start=week_start,
        users=users,
        ids=ids,
        seats=seats,
        workspace_id=workspace["id"],
        weeks_before=weeks_before,
    )
    built = [builder.external_call(long=index < long_calls) for index in range(external)]
    built += [builder.internal_call() for _ in range(internal_calls)]
    candidates = built[long_calls:external]
    flagged = rng.sample(candidates, private_calls + late_calls)
    for item in flagged[:private_calls]:
        item.record["metaData"]["isPrivate"] = True
    ready_at = {
        item.record["metaData"]["id"]: LATE_OFFSETS[index % len(LATE_OFFSETS)]
        for index, item in enumerate(flagged[private_calls:])
    }
    built.sort(key=lambda item: (item.record["metaData"]["started"], item.record["metaData"]["id"]))
    baselines = {ids[seat.key]: dict(seat.profile) for seat in seats.values() if seat.profile}
    return Corpus(
        seed=seed,
        week_start=week_start,
        workspace=workspace,
        users=users,
        calls=[item.record for item in built],
        transcripts={item.record["metaData"]["id"]: item.transcript for item in built},
        gold={item.record["metaData"]["id"]: item.gold for item in built if item.gold is not None},
        transcript_ready_at=ready_at,
        baselines=baselines,
    )


def corpus_with_history(current: Corpus, *, weeks: int, calls_per_week: int) -> Corpus:
    """`current` plus the `weeks - 1` weeks before it as one corpus (users and workspace are the seed's, so they
    match). Earlier weeks are lighter: `calls_per_week` external calls, none long, private, internal or late;
    their reps' levels follow people.DRIFT, so trends have a story. Deterministic like corpus_build."""
    merged = Corpus(
        seed=current.seed,
        week_start=current.week_start,
        workspace=current.workspace,
        users=current.users,
        calls=list(current.calls),
        transcripts=dict(current.transcripts),
        gold=dict(current.gold),
        transcript_ready_at=dict(current.transcript_ready_at),
        baselines=current.baselines,
    )
    for weeks_before in range(1, weeks):
        week = corpus_build(
            seed=current.seed,
            week_start=current.week_start - timedelta(weeks=weeks_before),
            calls=calls_per_week,
            long_calls=0,
            private_calls=0,
            internal_calls=0,
            late_calls=0,
            weeks_before=weeks_before,
        )
        merged.calls.extend(week.calls)
        merged.transcripts.update(week.transcripts)
        merged.gold.update(week.gold)
    merged.calls.sort(key=lambda record: (record["metaData"]["started"], record["metaData"]["id"]))
    return merged


def corpus_json(corpus: Corpus) -> bytes:
    """Everything the corpus holds, canonically serialized (the determinism check compares these bytes)."""
    data = {
        "seed": corpus.seed,
        "week_start": corpus.week_start.isoformat(),
        "workspace": corpus.workspace,
        "users": corpus.users,
        "calls": corpus.calls,
        "transcripts": corpus.transcripts,
        "gold": corpus.gold,
        "transcript_ready_at": {key: value.total_seconds() for key, value in corpus.transcript_ready_at.items()},
        "baselines": corpus.baselines,
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":")).encode("utf-8")


def corpus_gold_write(corpus: Corpus, path: Path | str) -> Path:
    """Write the gold labels (format in the module docstring); returns the path written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "format": GOLD_FORMAT,
        "seed": corpus.seed,
        "week_start": corpus.week_start.isoformat(),
        "dimensions": list(DIMENSIONS),
        "calls": corpus.gold,
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return path


def gold_read(path: Path | str) -> dict[str, dict[str, dict[str, Any]]]:
    """The ``calls`` mapping of a gold file: call id → speaker id → {user_id, levels, wrong_statements}."""
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    if document.get("format") != GOLD_FORMAT:
        raise ValueError(f"{path}: not a {GOLD_FORMAT} gold file")
    return document["calls"]
