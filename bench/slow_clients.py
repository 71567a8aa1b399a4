"""Slow clients against the web tier: do /healthz and webhooks keep answering while 32 clients trickle bodies?

Run: .venv/bin/python bench/slow_clients.py [--clients 32] [--probes 30]
Writes bench/results/slow_clients.json. Target: every /healthz and webhook answered within 1 s.

How it measures: a throwaway database is created and migrated; gunicorn runs with config/gunicorn.py and the
production settings, once per thread count compared (the shipped default and the old 4 threads per worker).
`--clients` connections each send a webhook's headers (Content-Length 100,000) and then one body byte every
0.5 s, so each holds whatever serves it for the whole run. Then, one after another, `--probes` GET /healthz and
`--probes` URL-key webhooks (distinct calls, 202 expected) are timed with a 1 s client timeout; a probe that
times out counts as a failure.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench._db import bench_database_create, bench_database_drop  # noqa: E402

RESULTS = ROOT / "bench" / "results"
URL_KEY = "bench-url-key-0123456789abcdef"
DB_NAME = f"callcoach_bench_slow_{os.getpid()}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def _gunicorn(database_url: str, *, threads: int, log: Path):
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("GONG_", "GUNICORN_", "ANTHROPIC_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
        "DATABASE_URL": database_url,
        "ANALYZER": "offline",
        "GONG_WEBHOOK_URL_KEY": URL_KEY,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_THREADS": str(threads),
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi", "-c", "config/gunicorn.py"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with contextlib.suppress(requests.RequestException):
                requests.get(f"{base}/healthz", timeout=2)
                break
            time.sleep(0.3)
        yield base, port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _slow_client(port: int, stop: threading.Event, connected: list) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(
            f"POST /webhooks/gong/?key={URL_KEY} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Content-Length: 100000\r\n\r\n{".encode()
        )
        connected.append(1)
        while not stop.wait(0.5):
            try:
                sock.sendall(b" ")
            except OSError:
                return


def _timed(func) -> tuple[float | None, int | None]:
    started = time.perf_counter()
    try:
        status = func().status_code
    except requests.RequestException:
        return None, None
    return (time.perf_counter() - started) * 1000, status


def _summary(samples: list[tuple[float | None, int | None]], ok: int) -> dict:
    times = sorted(ms for ms, status in samples if ms is not None and status == ok)
    return {
        "answered_ok": len(times),
        "failed_or_timed_out": len(samples) - len(times),
        "p50_ms": round(statistics.median(times), 1) if times else None,
        "max_ms": round(max(times), 1) if times else None,
    }


def measure(database_url: str, *, threads: int, clients: int, probes: int) -> dict:
    from tests.gong.conftest import fixture_json

    body = fixture_json("call_processed.json")
    with _gunicorn(database_url, threads=threads, log=RESULTS / "slow_clients.gunicorn.log") as (base, port):
        stop, connected = threading.Event(), []
        pool = [
            threading.Thread(target=_slow_client, args=(port, stop, connected), daemon=True) for _ in range(clients)
        ]
        for thread in pool:
            thread.start()
        time.sleep(2.0)
        health, hooks = [], []
        for index in range(probes):
            health.append(_timed(lambda: requests.get(f"{base}/healthz", timeout=1)))
            body["callData"]["metaData"]["id"] = f"8{threads:03d}{index:016d}"[:20]
            hooks.append(
                _timed(lambda: requests.post(f"{base}/webhooks/gong/?key={URL_KEY}", data=json.dumps(body), timeout=1))
            )
        stop.set()
        for thread in pool:
            thread.join(timeout=5)
    return {
        "threads_per_worker": threads,
        "slow_clients_connected": len(connected),
        "healthz": _summary(health, 200),
        "webhooks": _summary(hooks, 202),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--probes", type=int, default=30)
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    load_before = round(os.getloadavg()[0], 2)
    url = bench_database_create(DB_NAME)
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True)
        runs = [measure(url, threads=t, clients=args.clients, probes=args.probes) for t in (40, 4)]
    finally:
        bench_database_drop(DB_NAME)
    result = {
        "what": f"/healthz and URL-key webhooks, one at a time, 1 s client timeout, while {args.clients} clients "
        "hold connections (headers sent, body trickled one byte per 0.5 s)",
        "server": "gunicorn config/gunicorn.py (gthread, 2 workers), config.settings.production",
        "target": "every probe answered within 1 s",
        "runs": runs,
        "measured_at": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "cpu_count": os.cpu_count(),
        "load_average_1m_before_and_after": [load_before, round(os.getloadavg()[0], 2)],
    }
    (RESULTS / "slow_clients.json").write_text(json.dumps(result, indent=2) + "\n")
    for run in runs:
        print(f"threads={run['threads_per_worker']}: healthz {run['healthz']}  webhooks {run['webhooks']}")


if __name__ == "__main__":
    main()
