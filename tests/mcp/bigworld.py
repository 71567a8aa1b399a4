"""A large dataset for the output-size tests and the latency bench: one rep with a year of calls (bulk-created:
calls, participants, transcripts, an analysis run, sessions and scores), plus one call with a huge transcript."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, User
from django.utils import timezone

from analysis.models import AnalysisRun, RunStatus
from coaching.models import CoachingSession, DimensionScore
from gong.models import Affiliation, Call, CallParticipant, CallStatus, GongUser, Transcript
from gong.services.transcripts import transcript_plain_text, transcript_sha256
from tests.factories.gong import transcript_turns

DIMENSIONS = ("product_knowledge", "discovery", "objection_handling", "engagement")
REP_SPEAKER, CUSTOMER = "5100000000000000777", "5200000000000000777"
SENTENCES = [
    "How do you handle pricing approvals today?", "Our budget for coaching tools is fixed this year.",
    "Beacon scores every call against your rubric.", "What happens when a deal slips a quarter?",
    "We compared three vendors on pricing and security.", "SSO is available on the Enterprise plan.",
]  # fmt: skip


@dataclass
class BigWorld:
    manager: User  # a manager login whose team is every rep
    rep: GongUser  # the first rep (the huge call is theirs)
    reps: list[GongUser] = field(default_factory=list)
    call_ids: list[str] = field(default_factory=list)  # the first rep's calls, newest first
    all_call_ids: list[str] = field(default_factory=list)
    huge_call: str = ""
    huge_turns: int = 0


def _call_rows(rep: GongUser, count: int, now: dt.datetime, rng: random.Random, base: int) -> list[Call]:
    calls = []
    for number in range(count):
        index = base + number
        started = now - dt.timedelta(hours=number * (24 * 365 // count) + 1 + base % 24)
        calls.append(
            Call(
                id=str(7_100_000_000_000_000_000 + index), title=f"Call {index} with Account {index % 40}",
                started=started, duration_s=1800, primary_user=rep, call_type=rng.choice(["discovery", "demo"]),
                account_name=f"Account {index % 40}", status=CallStatus.ANALYZED, received_at=started,
                url=f"https://app.gong.io/call?id={index}",
            )
        )  # fmt: skip
    return Call.objects.bulk_create(calls)


def _transcripts(calls: list[Call], rng: random.Random, turns_per_call: int) -> None:
    rows, parts = [], []
    for call in calls:
        lines = [
            (REP_SPEAKER if n % 2 == 0 else CUSTOMER, "Internal" if n % 2 == 0 else "External", rng.choice(SENTENCES))
            for n in range(turns_per_call)
        ]
        turns = transcript_turns(lines)
        text = transcript_plain_text(turns=turns)
        rows.append(
            Transcript(
                call=call, turns=turns, text=text, sha256=transcript_sha256(turns=turns), token_count=len(text) // 4
            )
        )
        parts.append(
            CallParticipant(
                call=call,
                party_id=str(8_100_000_000_000_000_000 + len(parts)),
                speaker_id=REP_SPEAKER,
                name=call.primary_user.name,
                user=call.primary_user,
                affiliation=Affiliation.INTERNAL,
            )
        )
    Transcript.objects.bulk_create(rows, batch_size=200)
    CallParticipant.objects.bulk_create(parts, batch_size=500)


def _sessions(rep: GongUser, calls: list[Call], rng: random.Random) -> None:
    run = AnalysisRun.objects.create(
        call=calls[0], cache_key=f"bigworld-{rep.pk}", transcript_sha256="0" * 64, knowledge_hash="0" * 64,
        prompt_version="bench", model="offline-v1", analyzer="offline", status=RunStatus.SUCCEEDED, result={},
    )  # fmt: skip
    sessions = CoachingSession.objects.bulk_create(
        [
            CoachingSession(
                call_started=call.started, call=call, run=run, rep=rep, speaker_id=REP_SPEAKER, speaker_name=rep.name,
                speaker_email=rep.email, role=rep.role, analyzer="offline", overall_score=3,
                summary="A long enough summary of the call " * 3, strengths=["Clear agenda", "Asked about budget"],
                improvements=["Quantify the impact of slow ramp", "Explore the pricing objection"],
                product_errors=[{"said": f"Wrong statement {n} about plans", "correct": "The right fact " * 5,
                                 "doc_key": "pricing-and-packaging", "start_ms": 1000 * n} for n in range(3)],
                interaction_stats={"talk_ratio": 0.6, "longest_monologue_s": 80, "question_count": 9},
            )
            for call in calls
        ],
        batch_size=500,
    )  # fmt: skip
    scores = [
        DimensionScore(
            call_started=session.call_started, session=session, rep=rep, dimension=dimension,
            score=rng.randint(1, 5), rationale="Because of what was observed on the call. " * 4,
            evidence=[{"quote": rng.choice(SENTENCES), "speaker_id": REP_SPEAKER, "speaker_name": rep.name,
                       "start_ms": 4200, "turn_index": 0}] * 2,
            criteria_missed=["explore"],
        )
        for session in sessions
        for dimension in DIMENSIONS
    ]  # fmt: skip
    DimensionScore.objects.bulk_create(scores, batch_size=1000)


def big_world_build(
    *, reps: int = 1, calls_per_rep: int = 400, turns_per_call: int = 40, huge_turns: int = 2500, seed: int = 3
) -> BigWorld:
    rng = random.Random(seed)
    manager = User.objects.create_user("big-manager", "big.manager@lumina-labs.example", "pw")
    manager.groups.add(Group.objects.get_or_create(name="manager")[0])
    boss = GongUser.objects.create(id="310000000000000001", email=manager.email, first_name="Bea", last_name="Boss",
                                   role="MANAGER", django_user=manager)  # fmt: skip
    now, people = timezone.now(), []
    world = BigWorld(manager=manager, rep=boss)
    for number in range(reps):
        first, last = ("Rex", "Rep") if number == 0 else (f"Rep{number:03d}", f"Person{number:03d}")
        email = f"{first}.{last}@lumina-labs.example".lower()
        rep = GongUser.objects.create(id=str(310_000_000_000_000_002 + number), email=email, first_name=first,
                                      last_name=last, role="AE", manager=boss)  # fmt: skip
        rows = _call_rows(rep, calls_per_rep, now, rng, base=number * calls_per_rep)
        _transcripts(rows, rng, turns_per_call)
        _sessions(rep, rows, rng)
        people.append(rep)
        world.all_call_ids += [row.pk for row in rows]
        if number == 0:
            world.rep, world.call_ids = rep, [row.pk for row in rows]
    world.reps = people
    huge = Call.objects.get(pk=world.call_ids[0])
    lines = [(REP_SPEAKER if n % 2 == 0 else CUSTOMER, "Internal" if n % 2 == 0 else "External",
              " ".join(rng.choice(SENTENCES) for _ in range(8))) for n in range(huge_turns)]  # fmt: skip
    turns = transcript_turns(lines)
    text = transcript_plain_text(turns=turns)
    Transcript.objects.filter(call=huge).update(turns=turns, text=text, sha256=transcript_sha256(turns=turns))
    world.huge_call, world.huge_turns = huge.pk, len(turns)
    return world
