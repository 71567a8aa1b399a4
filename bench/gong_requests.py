"""Gong requests per 100 webhook-delivered calls (target ≤ 4): the whole pipeline against the simulator.

Run: .venv/bin/python bench/gong_requests.py [--calls 100] [--duplicate-rate 0.1]
Writes bench/results/gong_requests.json.

What runs, all on 127.0.0.1 with a throwaway database `callcoach_bench_<pid>` (dropped afterwards):
the Gong simulator (3 requests/second, like Gong), the app under gunicorn, and a django-q2 cluster (the real
queue and workers). The simulator fires one signed webhook per call (plus resent duplicates) the way Gong
would; we wait until no call is pending and count the requests the simulator received.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from webhook_latency import (
    RESULTS,
    ROOT,
    WEBHOOK_PATH,
    app_env,
    dev_keys,
    free_port,
    gunicorn,
    step,
    throwaway_database,
)

STATUS_SQL = "SELECT status, count(*) FROM gong_call GROUP BY status"


def call_statuses(database_url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        return dict(conn.execute(STATUS_SQL).fetchall())


def wait_until_fetched(database_url: str, *, expected: int, timeout_s: float) -> dict[str, int]:
    """Poll until every call has left pending/fetching (or the timeout passes); the final status counts."""
    deadline = time.monotonic() + timeout_s
    statuses: dict[str, int] = {}
    while time.monotonic() < deadline:
        statuses = call_statuses(database_url)
        waiting = statuses.get("pending", 0) + statuses.get("fetching", 0)
        if sum(statuses.values()) >= expected and waiting == 0:
            return statuses
        time.sleep(0.5)
    return statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--duplicate-rate", type=float, default=0.1)
    parser.add_argument("--timeout", type=float, default=180.0)
    args = parser.parse_args()

    from gong.simulator.corpus import corpus_build
    from gong.simulator.server import SimulatorServer
    from gong.simulator.webhooks import webhooks_fire

    RESULTS.mkdir(parents=True, exist_ok=True)
    corpus = corpus_build(seed=7, calls=args.calls, long_calls=1, late_calls=0)
    private_pem, public_b64 = dev_keys()
    port = free_port()
    url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
    with SimulatorServer(corpus, rate_per_second=3) as simulator, throwaway_database() as database_url:
        env = app_env(
            database_url=database_url,
            public_key_b64=public_b64,
            webhook_url=url,
            GONG_BASE_URL=simulator.base_url,
            GONG_ACCESS_KEY=simulator.access_key,
            GONG_ACCESS_KEY_SECRET=simulator.access_key_secret,
            GONG_ENQUEUE_ANALYSIS="false",  # this bench counts Gong requests, not analysis
            Q_WORKERS="2",
        )
        log = RESULTS / "gong_requests.app.log"
        with gunicorn(env, port=port, log=log, workers=2, threads=4):
            with (RESULTS / "gong_requests.qcluster.log").open("wb") as out:
                cluster = subprocess.Popen(
                    [sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
                )
            try:
                step(f"firing {len(corpus.calls)} webhooks (duplicate rate {args.duplicate_rate:g})")
                fired = webhooks_fire(
                    corpus, url=url, private_pem=private_pem, duplicate_rate=args.duplicate_rate, concurrency=4
                )
                step("waiting until no call is pending")
                started = time.monotonic()
                statuses = wait_until_fetched(database_url, expected=len(corpus.calls), timeout_s=args.timeout)
                drained_s = time.monotonic() - started
            finally:
                cluster.terminate()
                cluster.wait(timeout=30)
        stats = simulator.stats()
    total = stats["total"]
    per_100 = round(total / len(corpus.calls) * 100, 2)
    result = {
        "bench": "gong_requests",
        "calls": len(corpus.calls),
        "webhooks": {"sent": fired.sent, "duplicates": fired.duplicates, "by_status": dict(fired.by_status)},
        "call_statuses": statuses,
        "seconds_to_drain_after_last_webhook": round(drained_s, 1),
        "gong_requests": total,
        "by_endpoint": stats["by_endpoint"],
        "gong_429s": stats["rate_limited"],
        "gong_max_requests_in_1s": stats["max_per_second"],
        "requests_per_100_calls": per_100,
        "target": {"requests_per_100_calls_max": 4},
        "meets_target": per_100 <= 4 and not statuses.get("pending") and not statuses.get("fetching"),
    }
    (RESULTS / "gong_requests.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
