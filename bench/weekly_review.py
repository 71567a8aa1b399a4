"""Bench: compute the weekly review for 100 reps (10 teams) with a year of history. Target ≤ 5 s.

Runs against a throwaway database `callcoach_bench_weekly` on the configured PostgreSQL server (dropped and
re-created each run), bulk-loads 52 weeks × 100 reps × 3 calls (15,600 analysed calls, 62,400 scores),
then times `weekly_review_run` for the last week: metrics, trends, rendering, storing and mail (locmem
backend). There are no unanalysed leftovers, so no analyzer time is included ("excluding Claude time").
Writes bench/results/weekly_review.json.

    .venv/bin/python bench/weekly_review.py [--keep]
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._db import bench_database_create, bench_database_drop  # noqa: E402

BENCH_DB = "callcoach_bench_weekly"
TARGET_S = 5.0
TEAMS, REPS_PER_TEAM, WEEKS, CALLS_PER_WEEK = 10, 10, 52, 3
LAST_WEEK_START = date(2026, 3, 2)  # reviews "2026-W10"
IMPROVEMENTS = [
    "Ask more open-ended discovery questions",
    "Confirm next steps and owners before ending",
    "Quantify the business impact with the buyer",
    "Acknowledge the pricing objection before answering",
    "Talk less during the demo; check in more often",
    "Agree on clear next steps",
]
STRENGTHS = ["Clear product demo", "Good rapport with the buyer", "Handled the security question well"]


def database_prepare() -> None:
    """Point Django at a fresh throwaway database on the same server."""
    bench_database_create(BENCH_DB)
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"


def dataset_load() -> dict:
    """Bulk-create users, calls, runs, sessions and scores; returns counts."""
    from analysis.models import AnalysisRun
    from coaching.models import CoachingSession, DimensionScore
    from gong.models import Call, CallStatus, GongUser
    from knowledgebase.dimensions import DIMENSIONS

    rng = random.Random(7)
    users, reps = [], []
    for t in range(TEAMS):
        manager = GongUser(
            id=str(100_000 + t), email=f"manager{t}@bench.example", first_name="Manager", last_name=str(t)
        )
        users.append(manager)
        for r in range(REPS_PER_TEAM):
            rep = GongUser(
                id=str(200_000 + t * 100 + r),
                email=f"rep{t}-{r}@bench.example",
                first_name=f"Rep{r}",
                last_name=f"Team{t}",
                manager_id=manager.id,
            )
            users.append(rep)
            reps.append(rep)
    GongUser.objects.bulk_create(users)
    first_monday = LAST_WEEK_START - timedelta(weeks=WEEKS - 1)
    calls, runs, sessions, scores = [], [], [], []
    skill = {rep.id: {d: rng.uniform(2.0, 4.5) for d in DIMENSIONS} for rep in reps}
    call_id = 7_000_000_000_000_000_000
    for week in range(WEEKS):
        for rep in reps:
            for n in range(CALLS_PER_WEEK):
                call_id += 1
                started = datetime.combine(
                    first_monday + timedelta(weeks=week, days=n * 2), datetime.min.time(), tzinfo=UTC
                ) + timedelta(hours=9 + n)
                calls.append(
                    Call(
                        id=str(call_id),
                        title=f"Call {call_id}",
                        started=started,
                        primary_user_id=rep.id,
                        url=f"https://app.gong.io/call?id={call_id}",
                        status=CallStatus.ANALYZED,
                    )
                )
                runs.append(
                    AnalysisRun(
                        call_id=str(call_id),
                        cache_key=f"{call_id:064d}",
                        transcript_sha256="0" * 64,
                        knowledge_hash="0" * 64,
                        prompt_version="bench",
                        model="offline",
                        analyzer="offline",
                        status="succeeded",
                    )
                )
                levels = {d: max(1, min(5, round(rng.gauss(skill[rep.id][d] + week * 0.01, 0.8)))) for d in DIMENSIONS}
                sessions.append(dict(started=started, rep=rep, levels=levels))
    Call.objects.bulk_create(calls, batch_size=2000)
    AnalysisRun.objects.bulk_create(runs, batch_size=2000)
    session_rows = [
        CoachingSession(
            call_started=s["started"],
            call_id=run.call_id,
            run_id=run.pk,
            rep_id=s["rep"].id,
            speaker_id="5100000000000000001",
            speaker_name=s["rep"].name,
            role="AE",
            analyzer="offline",
            overall_score=Decimal(str(round(sum(s["levels"].values()) / 4, 2))),
            strengths=rng.sample(STRENGTHS, 1),
            improvements=rng.sample(IMPROVEMENTS, 2),
            interaction_stats={
                "talk_ratio": round(rng.uniform(0.3, 0.8), 2),
                "question_count": rng.randint(3, 18),
                "longest_monologue_s": rng.randint(30, 240),
            },
            key_moments=[{"kind": "miss", "start_ms": 61_000, "title": "Missed follow-up"}],
        )
        for s, run in zip(sessions, runs, strict=True)
    ]
    CoachingSession.objects.bulk_create(session_rows, batch_size=2000)
    for s, row in zip(sessions, session_rows, strict=True):
        for dimension, level in s["levels"].items():
            scores.append(
                DimensionScore(
                    call_started=row.call_started,
                    session_id=row.pk,
                    rep_id=row.rep_id,
                    dimension=dimension,
                    score=level,
                    manager_score=level - 1 if level > 1 and rng.random() < 0.02 else None,
                )
            )
    DimensionScore.objects.bulk_create(scores, batch_size=5000)
    return {"reps": len(reps), "teams": TEAMS, "weeks": WEEKS, "calls": len(calls), "scores": len(scores)}


def main() -> None:
    keep = "--keep" in sys.argv
    database_prepare()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from coaching.weekly.services import weekly_review_run
    from core.partitions import partitions_maintain

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    counts = dataset_load()
    partitions_maintain()
    connection.cursor().execute("ANALYZE")
    load_s = time.perf_counter() - started
    week = f"{LAST_WEEK_START.isocalendar()[0]}-W{LAST_WEEK_START.isocalendar()[1]:02d}"
    timings = []
    for _ in range(2):  # first run creates the reviews and mails; the second updates them (idempotent path)
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            result = weekly_review_run(week=week)
            timings.append({"seconds": round(time.perf_counter() - t0, 3), "queries": len(queries)})
    report = {
        "bench": "weekly_review",
        "dataset": counts,
        "load_seconds": round(load_s, 1),
        "week": week,
        "reviews": len(result.reviews),
        "runs": timings,
        "target_seconds": TARGET_S,
        "passed": all(run["seconds"] <= TARGET_S for run in timings),
        "summary": result.summary,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    out = ROOT / "bench" / "results" / "weekly_review.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    connection.close()
    if not keep:
        bench_database_drop(BENCH_DB)


if __name__ == "__main__":
    main()
