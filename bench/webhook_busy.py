"""Webhook latency while a worker analyses a backlog on the same machine: 100 signed webhooks/s under gunicorn
while `manage.py qcluster` (Q_WORKERS=2, the default) works through a backlog of transcribed calls.

Run: .venv/bin/python bench/webhook_busy.py [--rate 100] [--seconds 15] [--backlog 400] [--phases a,b,...]
Writes bench/results/webhook_busy.json. Target: webhook p99 ≤ 50 ms with 0 errors.

Definitions: the server is `config/gunicorn.py` as shipped (production settings, its connection pool); the worker
is `manage.py qcluster` as shipped (its task processes niced by Q_WORKER_NICE, its connections committing
asynchronously) unless a phase says otherwise; the backlog is `--backlog` transcribed calls (~8K raw tokens each)
with their analysis tasks queued, analysed by the offline analyzer (pure CPU + database writes, the heaviest local
load a worker makes: with Claude a worker mostly waits on the network). Load is open-loop (bench/webhook_latency.py:
latency from each request's due time, so queueing is not hidden); ~5 % duplicates. The worker's progress (calls
analysed during the window) is reported so a starved worker would show. Phases in one run, same machine, same
minutes (default: no_worker, worker_synchronous_commit, worker_as_shipped): no worker (what the machine gives
anyway); the worker niced but committing synchronously (Q_WORKER_SYNCHRONOUS_COMMIT=true: every analysis commit
waits for its WAL flush, as before issue 19); the worker as shipped. worker_not_niced (nice 0, synchronous commits:
the setup before the niceness fix) can be added with --phases. `webhook_p99_ms` is worker_as_shipped's.
Each phase also records the web tier's and the worker's open PostgreSQL connections (pg_stat_activity by
application_name), the WAL flushes and bytes per second of the whole PostgreSQL server (pg_stat_wal: other
databases on it count too) and the machine's 1-minute load average.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.webhook_latency import (  # noqa: E402
    WEBHOOK_PATH,
    app_env,
    constant_rate,
    dev_keys,
    free_port,
    http_request,
    step,
    throwaway_database,
    webhook_requests,
)

RESULTS = ROOT / "bench" / "results"
BACKLOG_SCRIPT = """
import django; django.setup()
from django_q.tasks import async_task
from tests.factories.analysis import knowledge_seed, long_call
knowledge_seed()
for _ in range({count}):
    call = long_call(tokens=8000)
    async_task("coaching.tasks.call_coach", call.pk, group="call_coach")
"""


def _sql(database_url: str, query: str):
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        return conn.execute(query).fetchone()[0]


def analysed(database_url: str) -> int:
    return _sql(database_url, "SELECT count(*) FROM analysis_run WHERE status = 'succeeded'")


def gunicorn_shipped(env: dict, *, port: int, log: Path):
    """gunicorn with config/gunicorn.py (workers, threads, worker class as shipped), on a free port."""
    command = [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi", "-c", "config/gunicorn.py"]
    with log.open("wb") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}, stdout=out, stderr=out
        )


def wal_counters(database_url: str) -> tuple[int, int, float]:
    """(WAL flushes, WAL bytes, now) for the whole PostgreSQL server (pg_stat_wal, PostgreSQL 14+)."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        syncs, size = conn.execute("SELECT wal_sync, wal_bytes FROM pg_stat_wal").fetchone()
    return int(syncs), int(size), time.monotonic()


def phase(host: str, hooks: list[bytes], *, rate: float, database_url: str) -> dict:
    before = analysed(database_url)
    wal_before = wal_counters(database_url)
    result = constant_rate(f"http://{host}", hooks, rate=rate)
    wal_after = wal_counters(database_url)
    seconds = wal_after[2] - wal_before[2]
    return {
        **result,
        "calls_analysed_meanwhile": analysed(database_url) - before,
        # Server-wide, so other databases' work on the same server counts too: compare phases, not absolutes.
        "wal_flushes_per_s_server_wide": round((wal_after[0] - wal_before[0]) / seconds, 1),
        "wal_kb_per_s_server_wide": round((wal_after[1] - wal_before[1]) / seconds / 1024, 1),
        "connections": connections_by_role(database_url),
        "load_average_1m_after": round(os.getloadavg()[0], 2),
    }


# name → the worker's environment (None: no worker).
PHASES: dict[str, dict[str, str] | None] = {
    "no_worker": None,
    "worker_not_niced": {"Q_WORKER_NICE": "0", "Q_WORKER_SYNCHRONOUS_COMMIT": "true"},
    "worker_synchronous_commit": {"Q_WORKER_SYNCHRONOUS_COMMIT": "true"},
    "worker_as_shipped": {},
}
DEFAULT_PHASES = "no_worker,worker_synchronous_commit,worker_as_shipped"


def connections_by_role(database_url: str) -> dict:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT application_name, count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name LIKE 'callcoach-%%' GROUP BY 1"
        ).fetchall()
    return dict(rows)


def worker_start(env: dict, *, extra: dict[str, str], log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"], cwd=ROOT, env={**env, **extra}, stdout=log, stderr=log
    )


def stop(process: subprocess.Popen | None) -> None:
    if process is None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def worker_busy(database_url: str, *, at_least: int) -> None:
    deadline = time.monotonic() + 60
    while analysed(database_url) < at_least and time.monotonic() < deadline:
        time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--backlog", type=int, default=400)
    parser.add_argument(
        "--phases", default=DEFAULT_PHASES, help=f"comma-separated, of: {', '.join(PHASES)} (repeats allowed: name#2)"
    )
    args = parser.parse_args()
    names = [name.strip() for name in args.phases.split(",") if name.strip()]
    unknown = sorted(set(names) - set(PHASES))
    if unknown:
        parser.error(f"unknown phases: {', '.join(unknown)} (known: {', '.join(PHASES)})")
    RESULTS.mkdir(parents=True, exist_ok=True)
    private_pem, public_b64 = dev_keys()
    port = free_port()
    host = f"127.0.0.1:{port}"
    url = f"http://{host}{WEBHOOK_PATH}"
    step("signing webhooks")
    signing = {"host": host, "url": url, "private_pem": private_pem, "duplicate_rate": 0.05}
    count = int(args.rate * args.seconds)
    warm = webhook_requests(**{**signing, "duplicate_rate": 0}, count=200, id_base=9_400_000_000_000_000_000)
    sets = [webhook_requests(**signing, count=count, id_base=(9_500 + 100 * n) * 10**15) for n in range(len(names))]
    load_before = round(os.getloadavg()[0], 2)
    phases: dict[str, dict] = {}
    with throwaway_database() as database_url:
        env = app_env(
            database_url=database_url,
            public_key_b64=public_b64,
            webhook_url=url,
            ANALYZER="offline",
            GONG_FETCH_WINDOW_S="3600",  # webhook-delivered calls wait for the window: no Gong here
        )
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # per-process metrics: no shared directory to write into
        step(f"queueing a backlog of {args.backlog} calls")
        seed = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
        subprocess.run(
            [sys.executable, "-c", BACKLOG_SCRIPT.format(count=args.backlog)], cwd=ROOT, env=seed, check=True
        )
        web = gunicorn_shipped(env, port=port, log=RESULTS / "webhook_busy.gunicorn.log")
        worker, log = None, (RESULTS / "webhook_busy.worker.log").open("wb")
        try:
            time.sleep(3)
            constant_rate(f"http://{host}", [http_request(host, "/healthz")] * 50, rate=50)
            constant_rate(f"http://{host}", warm, rate=args.rate)
            for name, hooks in zip(names, sets, strict=True):
                extra = PHASES[name]
                if extra is not None:
                    worker = worker_start(env, extra=extra, log=log)
                    worker_busy(database_url, at_least=analysed(database_url) + 2)
                label = name if name not in phases else f"{name}#{sum(key.split('#')[0] == name for key in phases) + 1}"
                step(f"webhooks at {args.rate:g}/s for {args.seconds:g} s: {label}")
                phases[label] = phase(host, hooks, rate=args.rate, database_url=database_url)
                stop(worker)
                worker = None
        finally:
            stop(worker)
            stop(web)
            log.close()
    shipped = phases.get("worker_as_shipped") or phases[names[-1]]
    errors = sum(v for k, v in shipped["statuses"].items() if k != "202")
    out = {
        "bench": "webhook_busy",
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "definition": __doc__.split("Definitions: ", 1)[1].strip(),
        "cpus": os.cpu_count(),
        # Other work on the machine competes for the same CPUs; a high load average inflates the figures.
        "load_average_1m_before_and_after": [load_before, round(os.getloadavg()[0], 2)],
        "backlog_calls": args.backlog,
        "q_worker_nice_as_shipped": _shipped_nice(),
        "phases_run": names,
        "phase_worker_env": {name: PHASES[name] for name in names},
        "webhook_p99_ms": shipped["p99_ms"],
        "phases": phases,
        "errors": errors,
        "target": {"webhook_p99_ms_max": 50, "errors": 0},
        "meets_target": shipped["p99_ms"] <= 50 and errors == 0,
    }
    (RESULTS / "webhook_busy.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps({k: out[k] for k in ("load_average_1m_before_and_after", "webhook_p99_ms", "meets_target")}))
    for name, result in phases.items():
        keys = (
            "p50_ms",
            "p99_ms",
            "statuses",
            "calls_analysed_meanwhile",
            "wal_flushes_per_s_server_wide",
            "connections",
            "load_average_1m_after",
        )
        print(name, {k: result[k] for k in keys})


def _shipped_nice() -> int:
    """Q_WORKER_NICE's default, as the settings define it (the environment may override it)."""
    return int(os.environ.get("Q_WORKER_NICE", "10"))


if __name__ == "__main__":
    main()
