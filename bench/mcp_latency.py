"""p95 latency of each read MCP tool on a year of data (target ≤ 300 ms; no Claude time is involved).

Builds a throwaway database `callcoach_bench_mcp` on the same server as DATABASE_URL (dropped and recreated;
`--reuse` keeps an existing one) with the generator the MCP size tests use (tests/mcp/bigworld.py): 100 reps
under one manager, 52 analysed calls each (5,200 calls over a year) with transcripts, sessions, four scores with
evidence and product errors, plus one multi-hour call with a ~250K-token transcript. Then it calls every read
tool through FastMCP's in-memory client — the full MCP path: argument validation, the worker-thread hop, the
selectors, serialisation and the size guard — as the manager (a team of 100) and as coaching ops (sees all),
and writes p50/p95/max per tool to bench/results/mcp_latency.json.

    python bench/mcp_latency.py [--reuse] [--requests 30]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "mcp_latency.json"
BENCH_DB = "callcoach_bench_mcp"
TARGET_MS = 300.0
REPS, CALLS_PER_REP, TURNS_PER_CALL = 100, 52, 60
WORDS = ["pricing", "budget", "security", "vendors", "quarter", "rubric"]


def _bench_url() -> str:
    from config.env import database_url

    return urlunparse(urlparse(database_url())._replace(path=f"/{BENCH_DB}"))


def _prepare(reuse: bool) -> bool:
    """Point Django at the bench database; True when it must be filled."""
    import psycopg

    url = _bench_url()
    admin = urlunparse(urlparse(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not (reuse and exists):
            connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{BENCH_DB}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from gong.models import Call

    return not Call.objects.exists()


def _fill() -> dict:
    from django.contrib.auth.models import Group, Permission, User
    from django.core.management import call_command

    from tests.mcp.bigworld import big_world_build

    call_command("seed_knowledgebase", "--demo", verbosity=0)
    world = big_world_build(reps=REPS, calls_per_rep=CALLS_PER_REP, turns_per_call=TURNS_PER_CALL)
    ops = User.objects.create_user("bench-ops", "ops@bench.example", "pw")
    group, _ = Group.objects.get_or_create(name="coaching ops")
    group.permissions.add(Permission.objects.get(codename="edit_knowledgebase"))
    ops.groups.add(group)
    return {"huge_call": world.huge_call, "huge_turns": world.huge_turns}


def _scenarios(rng: random.Random, calls: list[str], reps: list[str], huge_call: str) -> dict:
    """tool label -> a function returning (tool name, arguments) for one request."""
    return {
        "analyze_call": lambda: ("analyze_call", {"call_id": rng.choice(calls)}),
        "analyze_call+transcript page (250K-token call)": lambda: (
            "analyze_call", {"call_id": huge_call, "include_transcript": True, "transcript_limit": 200}),
        "get_rep_insights (90 days)": lambda: ("get_rep_insights", {"rep": rng.choice(reps)}),
        "get_rep_insights (1 year)": lambda: ("get_rep_insights", {"rep": rng.choice(reps), "start": _year_ago()}),
        "search_calls (words)": lambda: ("search_calls", {"query": rng.choice(WORDS)}),
        "search_calls (words + rep)": lambda: ("search_calls", {"query": rng.choice(WORDS), "rep": rng.choice(reps)}),
        "search_calls (score range)": lambda: ("search_calls", {"dimension": "discovery", "max_score": 2}),
        "compare_calls (3)": lambda: ("compare_calls", {"call_ids": rng.sample(calls, 3)}),
        "analyze_product_knowledge (rep, 90 days)": lambda: ("analyze_product_knowledge", {"rep": rng.choice(reps)}),
        "get_coaching_plan": lambda: ("get_coaching_plan", {"rep": rng.choice(reps)}),
        "export_coaching_report (rep, md)": lambda: (
            "export_coaching_report", {"scope": "rep", "subject": rng.choice(reps)}),
    }  # fmt: skip


def _year_ago() -> str:
    import datetime as dt

    return (dt.date.today() - dt.timedelta(days=364)).isoformat()


async def _measure(server, scenarios: dict, requests: int) -> dict:
    from fastmcp import Client

    results = {}
    async with Client(server) as client:
        for label, make in scenarios.items():
            timings, sizes = [], []
            for attempt in range(requests + 2):
                name, arguments = make()
                started = time.perf_counter()
                result = await client.call_tool(name, arguments, raise_on_error=False)
                elapsed = (time.perf_counter() - started) * 1000
                if result.is_error:
                    raise SystemExit(f"{label}: {result.content[0].text}")
                if attempt >= 2:  # the first two warm caches and connections
                    timings.append(elapsed)
                    sizes.append(len(result.content[0].text))
            timings.sort()
            results[label] = {
                "p50_ms": round(statistics.median(timings), 1),
                "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
                "max_ms": round(timings[-1], 1),
                "requests": len(timings),
                "max_response_tokens": max(sizes) // 4,
            }
            print(f"  {label:48} p50 {results[label]['p50_ms']:7.1f} ms   p95 {results[label]['p95_ms']:7.1f} ms")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench database")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per tool")
    args = parser.parse_args()
    started = time.perf_counter()
    fill = _prepare(args.reuse)
    from django.contrib.auth.models import User
    from django.db.models.functions import Length

    from gong.models import Call, GongUser, Transcript
    from mcp_bridge.server import build_server

    if fill:
        print(f"Generating {REPS} reps × {CALLS_PER_REP} calls in {BENCH_DB} …")
        _fill()
    build_s = time.perf_counter() - started
    rng = random.Random(11)
    calls = list(Call.objects.values_list("id", flat=True))
    reps = list(GongUser.objects.filter(role="AE").values_list("email", flat=True))
    longest = Transcript.objects.annotate(chars=Length("text")).order_by("-chars").values_list("call_id", flat=True)
    huge_call = longest.first()
    roles = {"manager (team of 100)": "big-manager", "coaching ops (sees all)": "bench-ops"}
    results = {}
    for role, username in roles.items():
        print(f"{role}:")
        server = build_server(user_id=User.objects.get(username=username).pk)
        results[role] = asyncio.run(_measure(server, _scenarios(rng, calls, reps, huge_call), args.requests))
    worst = max(r["p95_ms"] for per_role in results.values() for r in per_role.values())
    report = {
        "target_p95_ms": TARGET_MS,
        "worst_p95_ms": worst,
        "meets_target": worst <= TARGET_MS,
        "dataset": {"reps": REPS, "calls": len(calls), "turns_per_call": TURNS_PER_CALL,
                    "huge_transcript_call": huge_call, "database": BENCH_DB, "build_s": round(build_s, 1)},
        "method": "FastMCP in-memory client, one session per role; the first 2 requests per tool are warm-up; "
                  "no Claude requests are involved (read tools only).",
        "machine": {"cpus": os.cpu_count(), "load_average_1_5_15": [round(v, 2) for v in os.getloadavg()]},
        "results": results,
    }  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"worst p95 {worst:.1f} ms (target {TARGET_MS:.0f} ms) → {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
