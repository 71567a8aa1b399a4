"""p95 latency of the portal pages on a generated year of data: 100 reps, 5,200 calls (target ≤ 300 ms).

Builds a throwaway database `callcoach_bench_portal` on the same server as DATABASE_URL (dropped and recreated;
`--reuse` keeps an existing one), fills it with bulk_create — a VP, 10 managers, 100 reps, one call per rep
per week for 52 weeks, each with participants, a transcript, an analysis run, a ledger row, a session and four
scores with evidence — then renders each page in-process through Django's test client (middleware, admin,
templates; no network) and writes p50/p95/max and query counts to bench/results/portal_latency.json.

    python bench/portal_latency.py [--reuse] [--requests 30]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "portal_latency.json"
BENCH_DB = "callcoach_bench_portal"
TARGET_MS = 300.0
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


def _bench_url() -> str:
    from config.env import database_url

    parsed = urlparse(database_url())
    return urlunparse(parsed._replace(path=f"/{BENCH_DB}"))


def _recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    admin = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{BENCH_DB}"')


def _setup(reuse: bool) -> None:
    url = _bench_url()
    if not reuse:
        _recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


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


def _generate(seed: int = 7) -> dict:
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


def _finish_database() -> None:
    from django.db import connection

    from core.partitions import partitions_maintain

    partitions_maintain()  # carve last year's quarters out of DEFAULT, as production would have them
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _dataset() -> dict:
    from coaching.models import DimensionScore
    from gong.models import Call, GongUser, RepRole

    return {
        "reps": GongUser.objects.exclude(role=RepRole.MANAGER).count(),
        "managers": GongUser.objects.filter(role=RepRole.MANAGER).count(),
        "calls": Call.objects.count(),
        "scores": DimensionScore.objects.count(),
    }


def _logins():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from gong.models import GongUser

    def user(username: str, group: str, gong_user_id: str | None, superuser: bool = False):
        account, _ = get_user_model().objects.get_or_create(username=username, defaults={"is_staff": True})
        account.is_superuser = superuser
        account.save()
        account.groups.set([Group.objects.get(name=group)])
        if gong_user_id:
            GongUser.objects.filter(pk=gong_user_id).update(django_user=account)
        return account

    return {
        "manager": user("bench-manager", "manager", "400000000000000001"),
        "staff": user("bench-staff", "staff", None),
    }


def _pages(requests: int) -> dict[str, list[str]]:
    from django.urls import reverse

    from gong.models import Call, GongUser

    reps = list(GongUser.objects.filter(manager_id="400000000000000001").values_list("id", flat=True))
    calls = list(
        Call.objects.filter(primary_user_id__in=reps).order_by("-started").values_list("id", flat=True)[:requests]
    )
    return {
        "dashboard": [reverse("admin:index")],
        "rep": [reverse("admin:gong_gonguser_change", args=[rep]) for rep in reps],
        "team": [reverse("admin:gong_gonguser_team", args=["400000000000000001"])],
        "call": [reverse("admin:gong_call_change", args=[call]) + "?q=pricing" for call in calls],
        "search": [reverse("admin:gong_call_search") + "?words=security+review&dimension=discovery&min=3"],
    }


def _measure(client, urls: list[str], requests: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in urls[:3]:  # warm caches (templates, plans)
        assert client.get(url).status_code == 200, url
    timings = []
    for index in range(requests):
        url = urls[index % len(urls)]
        began = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(urls[0])
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)]
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(timings[-1], 1),
        "requests": requests,
        "queries": len(queries),
        "meets_target": p95 <= TARGET_MS,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench database (skip generation)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page and viewer")
    args = parser.parse_args()
    began = time.perf_counter()
    _setup(args.reuse)
    from django.test import Client

    from gong.models import Call

    if not args.reuse or not Call.objects.exists():
        _generate()
        _finish_database()
    dataset = _dataset()
    generated_s = round(time.perf_counter() - began, 1)
    load_before = os.getloadavg()[0]
    logins = _logins()
    pages = _pages(args.requests)
    results: dict[str, dict] = {}
    for viewer, user in logins.items():
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        for page, urls in pages.items():
            results[f"{page}:{viewer}"] = _measure(client, urls, args.requests)
            print(f"{page:>9} as {viewer:<7} p95 {results[f'{page}:{viewer}']['p95_ms']:7.1f} ms", flush=True)
    report = {
        "benchmark": "portal_latency",
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "target_p95_ms": TARGET_MS,
        "dataset": dataset,
        "setup_s": generated_s,
        "how": "in-process django.test.Client GETs after 3 warm-ups; URLs cycle over the manager's reps and calls",
        "cpu_count": os.cpu_count(),
        "load_avg_1m": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
        "pages": results,
        "all_within_target": all(item["meets_target"] for item in results.values()),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}; all within {TARGET_MS:g} ms: {report['all_within_target']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
