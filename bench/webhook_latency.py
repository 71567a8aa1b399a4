"""Webhook latency under load: the app under gunicorn on 127.0.0.1, signed Gong webhooks at a constant 200 req/s.

Run: .venv/bin/python bench/webhook_latency.py [--rate 200] [--seconds 10]
Writes bench/results/webhook_latency.json. Target: webhook p99 ≤ 50 ms at 200 req/s with 0 errors.

How it measures:
* A throwaway database `callcoach_bench_<pid>` is created and migrated on the configured PostgreSQL server,
  and dropped afterwards (the dev database is never touched).
* gunicorn (gthread workers, production settings) serves this module's `application`: Django, plus a no-op
  WSGI path `/__noop` answered before Django, so the same server, client and run give the baseline.
* Open-loop load: request i is due at t0 + i/rate whatever happened before; latency is measured from that due
  time to the end of the response, so a slow server cannot hide its queueing (no coordinated omission).
  Every webhook is a distinct call (Gong-shaped body from the simulator corpus, new id), RS256-signed ahead of
  time so the client spends no CPU on RSA during the run; ~5% are resent duplicates.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results"
NOOP_PATH = "/__noop"
WEBHOOK_PATH = "/webhooks/gong/"
FETCH_LOCK_KEY = 0x6706_0001  # = gong.services.fetch_queue.FETCH_LOCK_KEY (not imported: needs Django set up)


# --- the served WSGI app (imported by gunicorn workers) --------------------------------------------------------

_django_app = None


def application(environ, start_response):
    """A no-op endpoint answered before Django, everything else by Django."""
    global _django_app
    if environ.get("PATH_INFO") == NOOP_PATH:
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "2")])
        return [b"{}"]
    if _django_app is None:
        from config.wsgi import application as django_application

        _django_app = django_application
    return _django_app(environ, start_response)


# --- infrastructure shared with bench/gong_requests.py ------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def throwaway_database() -> Iterator[str]:
    """Create and migrate callcoach_bench_<pid>; yield its URL; drop it afterwards."""
    import psycopg

    from config.env import database_url

    base = urlsplit(database_url())
    name = f"callcoach_bench_{os.getpid()}"
    admin_url = urlunsplit((base.scheme, base.netloc, "/postgres", base.query, ""))
    url = urlunsplit((base.scheme, base.netloc, "/" + name, base.query, ""))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
        yield url
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def gunicorn(env: dict[str, str], *, port: int, log: Path, workers: int = 2, threads: int = 8) -> Iterator[str]:
    """gunicorn serving `application` above on 127.0.0.1:port; yields the base URL."""
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--worker-class", "gthread",
        "--threads", str(threads),
        "--keep-alive", "30",
        "--chdir", str(ROOT / "bench"),
        "--pythonpath", str(ROOT),
        "webhook_latency:application",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(port, process)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_ready(port: int, process: subprocess.Popen, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up (see the bench log)")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError("gunicorn did not start listening in time")


def app_env(*, database_url: str, public_key_b64: str, webhook_url: str, **extra: str) -> dict[str, str]:
    """Environment for app processes: production settings, the bench database, the webhook key."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
        "DATABASE_URL": database_url,
        "GONG_WEBHOOK_PUBLIC_KEY": public_key_b64,
        "GONG_WEBHOOK_PUBLIC_URL": webhook_url,
        "GONG_WEBHOOK_URL_KEY": "",
        "GONG_WEBHOOK_HMAC_SECRET": "",
        "ANALYZER": "offline",  # production settings require it explicitly; nothing is analysed in these runs
        "PYTHONPATH": str(ROOT),
    }
    env.update(extra)
    return env


@contextlib.contextmanager
def fetcher_lock_held(database_url: str) -> Iterator[None]:
    """Hold the fetch advisory lock, exactly as a running `calls_fetch_pending` does."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", [FETCH_LOCK_KEY])
        yield


def dev_keys() -> tuple[bytes, str]:
    """A fresh RSA key pair: (private PEM, bare base64 SPKI DER public key as Gong shows it)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return pem, base64.b64encode(der).decode()


# --- open-loop load ----------------------------------------------------------------------------------------------


def http_request(host: str, path: str, *, body: bytes | None = None, headers: dict[str, str] | None = None) -> bytes:
    lines = [f"{'POST' if body is not None else 'GET'} {path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


class _Connections:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def take(self):
        return self.idle.pop() if self.idle else await asyncio.open_connection(self.host, self.port)

    def give(self, conn) -> None:
        self.idle.append(conn)


async def _send(conns: _Connections, raw: bytes) -> int:
    reused = bool(conns.idle)
    status = await _send_once(conns, raw)
    if status == 0 and reused:  # the server closed an idle keep-alive connection: resend on a new one, as clients do
        try:
            status = await _send_once(conns, raw, fresh=True)
        except OSError:
            status = 0
    return status


async def _send_once(conns: _Connections, raw: bytes, *, fresh: bool = False) -> int:
    reader, writer = await (asyncio.open_connection(conns.host, conns.port) if fresh else conns.take())
    try:
        writer.write(raw)
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        await reader.readexactly(int(headers.get("content-length", "0")))
    except (OSError, asyncio.IncompleteReadError, ValueError):
        writer.close()
        return 0
    if headers.get("connection", "").lower() == "close":
        writer.close()
    else:
        conns.give((reader, writer))
    return status


async def _run(host: str, port: int, raws: list[bytes], rate: float) -> tuple[list[float], Counter]:
    conns = _Connections(host, port)
    latencies: list[float] = []
    statuses: Counter = Counter()
    loop = asyncio.get_running_loop()

    async def one(raw: bytes, due: float) -> None:
        status = await _send(conns, raw)
        latencies.append((loop.time() - due) * 1000)
        statuses[status] += 1

    tasks = []
    start = loop.time() + 0.05
    for index, raw in enumerate(raws):
        due = start + index / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(raw, due)))
    await asyncio.gather(*tasks)
    for _reader, writer in conns.idle:
        writer.close()
    return latencies, statuses


def constant_rate(base_url: str, raws: list[bytes], rate: float) -> dict:
    """Send every request at `rate`/s (open loop); latency percentiles in ms and status counts."""
    parts = urlsplit(base_url)
    latencies, statuses = asyncio.run(_run(parts.hostname, parts.port, raws, rate))
    ordered = sorted(latencies)

    def pct(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))], 2)

    return {
        "requests": len(raws),
        "rate_per_s": rate,
        "p50_ms": pct(0.50),
        "p90_ms": pct(0.90),
        "p99_ms": pct(0.99),
        "max_ms": round(ordered[-1], 2),
        "mean_ms": round(statistics.fmean(ordered), 2),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


# --- the bench -------------------------------------------------------------------------------------------------


def webhook_requests(
    *, host: str, url: str, private_pem: bytes, count: int, duplicate_rate: float, id_base: int
) -> list[bytes]:
    """`count` signed deliveries of distinct Gong calls (some resent as duplicates), as raw HTTP requests."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    from gong.simulator.corpus import corpus_build
    from gong.simulator.webhooks import webhook_body, webhook_jwt

    signing_key = load_pem_private_key(private_pem, password=None)  # parse once: loading a PEM costs ~50 ms
    corpus = corpus_build(seed=11, calls=60, long_calls=0)
    rng = random.Random(id_base)
    raws: list[bytes] = []
    for index in range(count):
        if raws and rng.random() < duplicate_rate:
            raws.append(rng.choice(raws))
            continue
        record = json.loads(json.dumps(corpus.calls[index % len(corpus.calls)]))
        record["metaData"]["id"] = str(id_base + index)
        body = webhook_body(record)
        token = webhook_jwt(body, private_pem=signing_key, webhook_url=url, ttl_s=900)
        headers = {"Content-Type": "application/json", "Authorization": token}
        raws.append(http_request(host, WEBHOOK_PATH, body=body, headers=headers))
    return raws


def step(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    count = int(args.rate * args.seconds)
    RESULTS.mkdir(parents=True, exist_ok=True)
    private_pem, public_b64 = dev_keys()
    load_before = round(os.getloadavg()[0], 2)
    port = free_port()
    host = f"127.0.0.1:{port}"
    url = f"http://{host}{WEBHOOK_PATH}"  # also GONG_WEBHOOK_PUBLIC_URL: the JWT webhook_url claim is checked
    step("signing webhooks")
    signing = {"host": host, "url": url, "private_pem": private_pem}
    warm_hooks = webhook_requests(**signing, count=200, duplicate_rate=0, id_base=9_200_000_000_000_000_000)
    hooks = webhook_requests(**signing, count=count, duplicate_rate=0.05, id_base=9_100_000_000_000_000_000)
    busy_hooks = webhook_requests(**signing, count=count, duplicate_rate=0.05, id_base=9_300_000_000_000_000_000)
    noop = [http_request(host, NOOP_PATH) for _ in range(count)]
    log = RESULTS / "webhook_latency.gunicorn.log"
    step("creating the throwaway database")
    with throwaway_database() as database_url:
        step("starting gunicorn")
        env = app_env(database_url=database_url, public_key_b64=public_b64, webhook_url=url)
        with gunicorn(env, port=port, log=log, workers=args.workers, threads=args.threads) as base:
            constant_rate(base, noop[:200], rate=100)  # warm-up: imports, DB connections, JIT-free caches
            constant_rate(base, warm_hooks, rate=100)
            step(f"no-op endpoint at {args.rate:g}/s")
            noop_result = constant_rate(base, noop, rate=args.rate)
            step(f"webhooks at {args.rate:g}/s, no fetcher running (each new call also inserts a queue row)")
            hook_result = constant_rate(base, hooks, rate=args.rate)
            step(f"webhooks at {args.rate:g}/s while a fetcher runs (as during any burst in production)")
            with fetcher_lock_held(database_url):
                busy_result = constant_rate(base, busy_hooks, rate=args.rate)
    errors = sum(v for r in (hook_result, busy_result) for k, v in r["statuses"].items() if k != "202")
    worst_p99 = max(hook_result["p99_ms"], busy_result["p99_ms"])
    result = {
        "bench": "webhook_latency",
        "server": f"gunicorn gthread workers={args.workers} threads={args.threads}, config.settings.production",
        "cpus": os.cpu_count(),
        # Other work on the machine competes for the same CPUs; a high load average inflates the figures.
        "load_average_1m_before_and_after": [load_before, round(os.getloadavg()[0], 2)],
        "duration_s": args.seconds,
        "noop": noop_result,
        "webhook": hook_result,
        "webhook_while_fetcher_runs": busy_result,
        "p50_ratio_vs_noop": round(hook_result["p50_ms"] / max(noop_result["p50_ms"], 0.01), 2),
        "p99_ratio_vs_noop": round(hook_result["p99_ms"] / max(noop_result["p99_ms"], 0.01), 2),
        "errors": errors,
        "target": {"webhook_p99_ms_max": 50, "errors": 0},
        "meets_target": worst_p99 <= 50 and errors == 0,
    }
    (RESULTS / "webhook_latency.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
