"""The demo's pipeline run: a simulated Gong week goes through the real front door and the real queue.

1. the Gong simulator serves the week's calls (real HTTP) and signs webhooks with a dev key pair kept in .demo/;
2. this process serves the app's WSGI handler on a free local port and the simulator fires every call's webhook
   at it (with duplicates), exactly as a Gong automation rule would;
3. a `qcluster` subprocess (the same worker `make worker` runs) fetches, transcribes, analyses and stores the
   coaching sessions; we watch gong_call until every call has reached a final state or the timeout passes.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

# Final, or parked until Gong finishes a late transcript (the worker retries those with backoff for hours).
FINAL_STATUSES = {"analyzed", "failed", "skipped", "held", "waiting"}


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


@contextmanager
def app_server() -> Iterator[str]:
    """Serve the Django app on 127.0.0.1:<free port> in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, get_wsgi_application(), _ThreadingWSGIServer, _QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="demo-app", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class PipelineReport:
    week_start: date
    calls_in_corpus: int
    webhooks_sent: int = 0
    webhook_statuses: dict = field(default_factory=dict)
    call_statuses: dict = field(default_factory=dict)
    gong_requests: int = 0
    seconds: float = 0.0
    timed_out: bool = False
    history_weeks: int = 0
    history_calls: int = 0  # earlier weeks' calls, brought in by the poller (gong_sync)
    calibration: list[str] = field(default_factory=list)  # managers' scorecards and deal outcomes (summary lines)


def _call_status_counts() -> dict[str, int]:
    """Calls by status; pending calls whose transcript Gong hasn't finished (retried later) count as `waiting`."""
    from django.db.models import Q
    from django.utils import timezone

    from gong.models import Call, CallStatus

    close_old_connections()
    waiting = Q(status=CallStatus.PENDING, next_attempt_at__gt=timezone.now())
    counts = Counter(Call.objects.exclude(waiting).values_list("status", flat=True))
    counts["waiting"] = Call.objects.filter(waiting).count()
    return {status: count for status, count in counts.items() if count}


@contextmanager
def worker_process(env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """Run `manage.py qcluster` with the given extra environment; stopped (TERM, then KILL) on exit."""
    log_path = Path(settings.DEMO_DIR) / "worker.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "qcluster"],
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=settings.BASE_DIR,
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def pipeline_run(
    *,
    seed: int,
    calls: int,
    timeout_s: float,
    history_weeks: int = 12,
    history_calls: int = 12,
    progress: Callable[[dict[str, int]], None] | None = None,
) -> PipelineReport:
    """Fire a simulated week at the app and wait for the queue to carry every call to a final state.

    The `history_weeks - 1` weeks before it (`history_calls` calls each, lighter) come in the way a backfill
    does: the poller lists them from the simulator and fetches them in batches (`gong_sync`), and the same
    worker analyses them — so trends, changes vs the previous 4 weeks and the 12-week review have data."""
    from coaching.demo.calibration import demo_calibrate
    from gong.services import users_sync
    from gong.simulator.corpus import corpus_build, corpus_with_history
    from gong.simulator.server import SimulatorServer
    from gong.simulator.webhooks import dev_keypair_ensure, webhooks_fire

    demo_dir = Path(settings.DEMO_DIR)
    demo_dir.mkdir(parents=True, exist_ok=True)
    keys = dev_keypair_ensure(demo_dir)
    corpus = corpus_build(seed=seed, calls=calls)
    world = corpus_with_history(corpus, weeks=max(1, history_weeks), calls_per_week=history_calls)
    started = time.monotonic()
    report = PipelineReport(
        week_start=corpus.week_start,
        calls_in_corpus=len(corpus.calls),
        history_weeks=max(1, history_weeks),
        history_calls=len(world.calls) - len(corpus.calls),
    )
    with SimulatorServer(world) as simulator:
        gong_env = {
            "GONG_BASE_URL": simulator.base_url,
            "GONG_ACCESS_KEY": simulator.access_key,
            "GONG_ACCESS_KEY_SECRET": simulator.access_key_secret,
            "GONG_WEBHOOK_PUBLIC_KEY": keys.public_b64,
            # The week arrives as one burst: no need to hold the first calls back for a batching window.
            "GONG_FETCH_WINDOW_S": "0",
        }
        _settings_apply(gong_env)
        users_sync()
        with app_server() as app_url:
            fired = webhooks_fire(
                corpus, url=f"{app_url}/webhooks/gong/", private_pem=keys.private_pem, duplicate_rate=0.15
            )
        report.webhooks_sent = fired.sent
        report.webhook_statuses = dict(fired.by_status)
        with worker_process(gong_env):
            if report.history_calls:
                _history_ingest(world, corpus)
            deadline = time.monotonic() + timeout_s
            while True:
                counts = _call_status_counts()
                if progress:
                    progress(counts)
                if counts and set(counts) <= FINAL_STATUSES:
                    break
                if time.monotonic() > deadline:
                    report.timed_out = True
                    break
                time.sleep(1.0)
        first = min(dt.datetime.fromisoformat(record["metaData"]["started"]) for record in world.calls).date()
        report.calibration = demo_calibrate(simulator=simulator, since=first)
        report.gong_requests = simulator.stats()["total"]
    report.call_statuses = _call_status_counts()
    report.seconds = round(time.monotonic() - started, 1)
    return report


def _history_ingest(world, current) -> None:
    """The earlier weeks, as a backfill brings them: the poller lists and fetches them in batches (`gong_sync`,
    which queues their analysis for the worker), and this process analyses them too, beside the worker (the
    claim on each call decides who does; the other finds it done)."""
    from coaching.services.pipeline import call_coach
    from gong.services import gong_sync

    first = min(dt.datetime.fromisoformat(record["metaData"]["started"]) for record in world.calls)
    # The current week's calls start Monday 08:00 in the reps' zones (≥ 12:00 UTC): they are not listed again.
    until = dt.datetime.combine(current.week_start, dt.time.min, tzinfo=dt.UTC)
    gong_sync(since=first - dt.timedelta(days=1), until=until)
    current_ids = {record["metaData"]["id"] for record in current.calls}
    for record in world.calls:
        if record["metaData"]["id"] not in current_ids:
            call_coach(call_id=record["metaData"]["id"], worker="demo-history")


def _settings_apply(env: dict[str, str]) -> None:
    # This process serves the webhook endpoint and syncs users, so it needs the simulator's coordinates too;
    # the worker subprocess gets the same values through its environment.
    settings.GONG_BASE_URL = env["GONG_BASE_URL"]
    settings.GONG_ACCESS_KEY = env["GONG_ACCESS_KEY"]
    settings.GONG_ACCESS_KEY_SECRET = env["GONG_ACCESS_KEY_SECRET"]
    settings.GONG_WEBHOOK_PUBLIC_KEY = [env["GONG_WEBHOOK_PUBLIC_KEY"]]
