"""Bench: Gong requests of a day's calibration sync (scorecards + deal outcomes) against GONG_DAILY_BUDGET.

Runs the real client, pacing (3 requests/s, the shared PostgreSQL limiter) and services against the Gong
simulator over HTTP, on a throwaway database `callcoach_bench_calibration` (dropped afterwards):

1. a simulated week of --calls calls (users and calls synced first; not counted);
2. day 1: `calibration_sync` with a backfill of the week's reviews — definitions, answered scorecards (people's
   and Gong AI's, paged by 100), and every open deal's state "now" (100 calls per request);
3. day 2: the scheduled run (14-day review window; deals still open re-read);
4. after every close date has passed: the run that resolves the deals, and the next one (final deals are not
   read again).

Counts come from the simulator (what Gong would have received). A projection to N× the volume uses the measured
requests per answered scorecard and per open deal. Writes bench/results/calibration_requests.json.

    .venv/bin/python bench/calibration_requests.py [--calls 200] [--scale 100] [--keep]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._db import bench_database_create, bench_database_drop  # noqa: E402

BENCH_DB = "callcoach_bench_calibration"
RESULTS = ROOT / "bench" / "results" / "calibration_requests.json"


def _requests(server) -> dict:
    stats = server.stats()
    by_endpoint = {name: sum(counts.values()) for name, counts in stats["by_endpoint"].items()}
    return {"total": stats["total"], "by_endpoint": by_endpoint, "rate_limited": stats["rate_limited"]}


def _run(server, label: str, **kwargs) -> dict:
    from coaching.calibration.sync import calibration_sync

    server.reset_stats()
    started = time.perf_counter()
    report = calibration_sync(**kwargs)
    seconds = round(time.perf_counter() - started, 2)
    print(f"{label}: {report.summary()} ({seconds} s)")
    return {"label": label, "summary": report.summary(), "seconds": seconds, "requests": _requests(server),
            "answered": report.scorecards.answered if report.scorecards else 0,
            "deals_asked": report.outcomes.asked if report.outcomes else 0}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--scale", type=int, default=100, help="project the request count to this many × volume")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway database")
    args = parser.parse_args()
    bench_database_create(BENCH_DB)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from gong.services import gong_sync, users_sync
    from gong.simulator.corpus import corpus_build
    from gong.simulator.server import SimulatorServer

    call_command("migrate", verbosity=0)
    week = corpus_build(seed=7, calls=args.calls, long_calls=0, private_calls=2, internal_calls=2, late_calls=0)
    runs = []
    try:
        with SimulatorServer(week, rate_per_second=3) as server:
            settings.GONG_BASE_URL = server.base_url
            settings.GONG_ACCESS_KEY, settings.GONG_ACCESS_KEY_SECRET = server.access_key, server.access_key_secret
            settings.GONG_ENQUEUE_ANALYSIS = False
            users_sync()
            since = datetime.combine(week.week_start, datetime.min.time(), tzinfo=UTC)
            gong_sync(since=since, until=since + timedelta(days=7))
            runs.append(
                _run(server, "day 1 (backfill of the week's reviews)", since=week.week_start - timedelta(days=1))
            )
            server.advance(86400)
            runs.append(_run(server, "day 2 (the scheduled run)"))
            server.advance(200 * 86400)
            runs.append(_run(server, "deals close (every close date passed)", scorecards=False))
            runs.append(_run(server, "the day after (final deals not read again)", scorecards=False))
    finally:
        if not args.keep:
            bench_database_drop(BENCH_DB)
    worst = max(run["requests"]["total"] for run in runs)
    day1 = runs[0]
    projected = 1 + math.ceil(day1["answered"] * args.scale / 100) + math.ceil(day1["deals_asked"] * args.scale / 100)
    budget = int(os.environ.get("GONG_DAILY_BUDGET") or settings.GONG_DAILY_BUDGET)
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "calls": args.calls,
        "runs": runs,
        "worst_day_requests": worst,
        "daily_budget": budget,
        "within_budget": worst <= budget,
        "projection": {
            "scale": args.scale,
            "calls_per_week": args.calls * args.scale,
            "requests_per_day": projected,
            "share_of_budget": round(projected / budget, 4),
        },
        "note": "measured on a shared 2-core machine; request counts do not depend on load",
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"worst day: {worst} Gong requests of a {budget} budget; at {args.scale}× ({args.calls * args.scale} calls "
          f"a week) about {projected} a day; {RESULTS}")  # fmt: skip


if __name__ == "__main__":
    main()
