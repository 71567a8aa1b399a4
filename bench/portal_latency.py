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
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _portal_world import generate  # noqa: E402 - after the path setup above

RESULTS = ROOT / "bench" / "results" / "portal_latency.json"
BENCH_DB = "callcoach_bench_portal"
TARGET_MS = 300.0


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
        generate()
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
