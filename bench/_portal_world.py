"""The portal bench's generated year: a VP, 10 managers, 100 reps, one call per rep per week for 52 weeks, each with
participants, a transcript, an analysis run, a ledger row, a session and four scores with evidence (bulk_create).
Used by bench/portal_latency.py; the leading underscore keeps `make bench` from running it on its own."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

MANAGERS, REPS_PER_MANAGER, WEEKS = 10, 10, 52
DIMENSIONS = ["product_knowledge", "discovery", "objection_handling", "engagement"]
PHRASES = {
    "strengths": [
        "Asked open discovery questions",
        "Quantified the business impact",
        "Handled the pricing objection calmly",
        "Summarised next steps clearly",
        "Tied features to the buyer's pain",
    ],
    "improvements": [
        "Explore the objection before answering",
        "Ask about the decision process",
        "Let the customer finish their story",
        "Confirm budget and timeline",
        "Talk less in the demo",
    ],
}
WORDS = [
    "pricing",
    "renewal",
    "security review",
    "onboarding",
    "dashboard",
    "integration",
    "budget",
    "timeline",
    "competitor",
    "discount",
    "alerts",
    "forecast",
]


def _turns(rng: random.Random, rep_speaker: str, buyer_speaker: str, topic: str) -> list[dict]:
    turns, clock = [], 0
    for index in range(24):
        speaker, party = (rep_speaker, "Internal") if index % 2 == 0 else (buyer_speaker, "External")
        sentences = []
        for _ in range(rng.randint(2, 5)):
            word = rng.choice(WORDS) if rng.random() < 0.02 else topic  # a call is mostly about its topic
            text = rng.choice(
                [
                    f"What does {word} look like for your team?",
                    f"We talked about {word} last quarter.",
                    f"The {word} question matters to our managers.",
                    f"Can you walk me through {word}?",
                ]
            )
            length = rng.randint(2500, 7000)
            sentences.append([clock, clock + length, text])
            clock += length + rng.randint(200, 1500)
        turns.append(
            {
                "speaker_id": speaker,
                "party": party,
                "start_ms": sentences[0][0],
                "end_ms": sentences[-1][1],
                "text": " ".join(s[2] for s in sentences),
                "sentences": sentences,
            }
        )
    return turns


def _people():
    from gong.models import GongUser, RepRole

    vp = GongUser(
        id="400000000000000000", email="vp@bench.example", first_name="Vera", last_name="Vp", role=RepRole.MANAGER
    )
    managers, reps = [], []
    for m in range(MANAGERS):
        managers.append(
            GongUser(
                id=f"40000000000000{m + 1:04d}",
                email=f"manager{m}@bench.example",
                first_name="Manager",
                last_name=f"{m:02d}",
                role=RepRole.MANAGER,
                manager_id=vp.id,
                title="Sales Manager",
            )
        )
        for r in range(REPS_PER_MANAGER):
            number = m * REPS_PER_MANAGER + r
            reps.append(
                GongUser(
                    id=f"41000000000000{number:04d}",
                    email=f"rep{number}@bench.example",
                    first_name="Rep",
                    last_name=f"{number:03d}",
                    role=RepRole.AE,
                    manager_id=managers[-1].id,
                    title="Account Executive",
                )
            )
    GongUser.objects.bulk_create([vp, *managers, *reps])
    return vp, managers, reps


def generate(seed: int = 7) -> dict:
    """Fill the (migrated, empty) database with the year; returns what was made, by kind."""
    from django.utils import timezone

    from analysis.models import AnalysisRun, ApiCall, ApiCallStatus, ApiPurpose, RunStatus
    from coaching.models import CoachingSession, DimensionScore
    from coaching.selectors.common import week_start
    from gong.models import Call, CallParticipant, CallStatus, Transcript
    from gong.services.transcripts import transcript_plain_text, transcript_sha256

    rng = random.Random(seed)
    now = timezone.now()
    _vp, managers, reps = _people()
    skill = {rep.id: {d: rng.uniform(2.0, 4.6) for d in DIMENSIONS} for rep in reps}
    this_week = week_start(now)
    counts = {"calls": 0, "scores": 0}
    for week in range(WEEKS):
        calls, participants, transcripts, runs = [], [], [], []
        for index, rep in enumerate(reps):
            started = this_week - dt.timedelta(weeks=week) + dt.timedelta(hours=rng.randint(8, 90))
            started = min(started, now - dt.timedelta(hours=2))
            call_id = f"{7_100_000_000_000_000_000 + week * 1000 + index}"
            topic = rng.choice(WORDS)
            calls.append(
                Call(
                    id=call_id,
                    url=f"https://app.gong.io/call?id={call_id}",
                    title=f"{topic.title()} call {call_id[-5:]}",
                    started=started,
                    duration_s=1800,
                    primary_user_id=rep.id,
                    account_name=f"Account {rng.randint(1, 400)}",
                    call_type="discovery",
                    status=CallStatus.ANALYZED,
                    received_at=started,
                    analyzed_at=started + dt.timedelta(hours=1),
                    transcribed_at=started + dt.timedelta(minutes=40),
                )
            )
            rep_speaker, buyer_speaker = f"52{call_id[2:]}", f"53{call_id[2:]}"
            participants += [
                CallParticipant(
                    call_id=call_id,
                    party_id=f"61{call_id[2:]}",
                    speaker_id=rep_speaker,
                    name=f"{rep.first_name} {rep.last_name}",
                    email=rep.email,
                    affiliation="Internal",
                    user_id=rep.id,
                ),
                CallParticipant(
                    call_id=call_id,
                    party_id=f"62{call_id[2:]}",
                    speaker_id=buyer_speaker,
                    name="Pat Buyer",
                    affiliation="External",
                ),
                CallParticipant(
                    call_id=call_id, party_id=f"63{call_id[2:]}", name="Sam Sponsor", affiliation="External"
                ),
            ]
            turns = _turns(rng, rep_speaker, buyer_speaker, topic)
            transcripts.append(
                Transcript(
                    call_id=call_id,
                    turns=turns,
                    text=transcript_plain_text(turns=turns),
                    sha256=transcript_sha256(turns=turns),
                    token_count=2000,
                )
            )
            runs.append(
                AnalysisRun(
                    call_id=call_id,
                    cache_key=f"{call_id:0>64}",
                    transcript_sha256="t" * 64,
                    knowledge_hash="k" * 64,
                    prompt_version="coach-v3",
                    model="claude-sonnet-4-5",
                    analyzer="claude",
                    status=RunStatus.SUCCEEDED,
                    cost_usd=Decimal("0.11"),
                )
            )
        Call.objects.bulk_create(calls)
        CallParticipant.objects.bulk_create(participants)
        Transcript.objects.bulk_create(transcripts)
        AnalysisRun.objects.bulk_create(runs)
        ApiCall.objects.bulk_create(
            ApiCall(
                created_at=call.analyzed_at,
                run_id=run.pk,
                call_id=call.pk,
                purpose=ApiPurpose.CALL_ANALYSIS,
                model=run.model,
                status=ApiCallStatus.OK,
                input_tokens=30_000,
                output_tokens=2_000,
                cost_usd=Decimal("0.110000"),
            )
            for call, run in zip(calls, runs, strict=True)
        )
        sessions = [
            CoachingSession(
                call_started=call.started,
                call_id=call.pk,
                run_id=run.pk,
                rep_id=call.primary_user_id,
                speaker_id=f"52{call.pk[2:]}",
                speaker_name=f"Rep {call.primary_user_id[-3:]}",
                role="AE",
                analyzer="claude",
                overall_score=Decimal("3.20"),
                summary="Solid discovery, rushed pricing.",
                strengths=rng.sample(PHRASES["strengths"], 2),
                improvements=rng.sample(PHRASES["improvements"], 2),
                interaction_stats={
                    "talk_ratio": round(rng.uniform(0.35, 0.75), 3),
                    "longest_monologue_s": rng.uniform(40, 200),
                    "longest_customer_story_s": rng.uniform(20, 260),
                    "interactivity": rng.uniform(2, 8),
                    "patience_s": rng.uniform(0.3, 2.0),
                    "question_count": rng.randint(3, 18),
                },
            )
            for call, run in zip(calls, runs, strict=True)
        ]
        CoachingSession.objects.bulk_create(sessions)
        scores = []
        for session, transcript in zip(sessions, transcripts, strict=True):
            sentence = transcript.turns[2]["sentences"][0]
            for dimension in DIMENSIONS:
                level = skill[session.rep_id][dimension] + (WEEKS - week) * 0.01 + rng.gauss(0, 0.6)
                value = None if rng.random() < 0.05 else max(1, min(5, round(level)))
                reviewed = rng.random() < 0.03
                scores.append(
                    DimensionScore(
                        call_started=session.call_started,
                        session_id=session.pk,
                        rep_id=session.rep_id,
                        dimension=dimension,
                        score=value,
                        rationale="Observed in the transcript.",
                        evidence=[
                            {
                                "quote": sentence[2],
                                "speaker_id": session.speaker_id,
                                "speaker_name": session.speaker_name,
                                "start_ms": sentence[0],
                                "turn_index": 2,
                            }
                        ],
                        manager_score=(value or 3) if reviewed else None,
                        manager_note="ok" if reviewed else "",
                    )
                )
        DimensionScore.objects.bulk_create(scores)
        counts["calls"] += len(calls)
        counts["scores"] += len(scores)
        print(f"week {week + 1}/{WEEKS}: {counts['calls']} calls", end="\r", flush=True)
    print()
    return {"reps": len(reps), "managers": len(managers), **counts}
