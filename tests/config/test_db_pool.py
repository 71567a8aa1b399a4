"""The web tier's connection pool under `make serve` (production settings, gunicorn as shipped but 2 connections
per worker): more concurrent requests that hold a connection than the pool has never open more than
workers × DB_POOL_MAX_SIZE connections; requests that get one within DB_POOL_TIMEOUT_S all succeed, and one that
does not gets a clear 503 with Retry-After at the timeout — never a hang — and nothing is stored for it.

A request is made to hold its connection by a table lock the test takes: the webhook's INSERT into gong_call waits
for it (SHARE ROW EXCLUSIVE blocks inserts, not reads), exactly as a slow database would hold a request."""

from __future__ import annotations

import contextlib
import json
import threading
import time

import psycopg
import pytest
import requests

from config.errors import POOL_TIMEOUT_MESSAGE
from gong.models import Call
from tests.config.serving import URL_KEY, make_serve, served_database_url
from tests.gong.conftest import fixture_json

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS, POOL_MAX, POOL_TIMEOUT_S = 2, 2, 3.0
CONCURRENT = 12  # three times the host's pool


@pytest.fixture(scope="module")
def served(tmp_path_factory, django_db_setup, django_db_blocker):
    env = {
        "GUNICORN_WORKERS": str(WORKERS),
        "DB_POOL_MIN_SIZE": "1",
        "DB_POOL_MAX_SIZE": str(POOL_MAX),
        "DB_POOL_TIMEOUT_S": str(POOL_TIMEOUT_S),
    }
    with make_serve(tmp_path_factory.mktemp("pool"), **env) as app:
        yield app


def _web_connections(conn: psycopg.Connection) -> int:
    return conn.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s",
        ["callcoach-web"],
    ).fetchone()[0]


@contextlib.contextmanager
def _calls_blocked(hold_s: float):
    """Lock gong_call against inserts for hold_s seconds (released by a timer, whatever the test does meanwhile);
    yields a list that holds, once the block ends, the peak count of the web tier's connections (sampled every
    20 ms while the lock was held)."""
    peak: list[int] = []
    with (
        psycopg.connect(served_database_url(), autocommit=True) as watcher,
        psycopg.connect(served_database_url()) as locker,
    ):
        locker.execute("LOCK TABLE gong_call IN SHARE ROW EXCLUSIVE MODE")
        started = time.monotonic()

        def hold() -> None:
            counts = [_web_connections(watcher)]
            while time.monotonic() - started < hold_s:
                counts.append(_web_connections(watcher))
                time.sleep(0.02)
            locker.rollback()
            peak.append(max(counts))

        holder = threading.Thread(target=hold)
        holder.start()
        try:
            yield peak
        finally:
            holder.join(timeout=hold_s + 10)


def _deliver_concurrently(base_url: str, first_id: int) -> tuple[list, list[threading.Thread]]:
    """CONCURRENT webhooks at once, each for a new call; returns (results, threads): (status, body, seconds)."""
    results: list = []
    body = fixture_json("call_processed.json")

    def post(call_id: str) -> None:
        payload = json.loads(json.dumps(body))
        payload["callData"]["metaData"]["id"] = call_id
        started = time.monotonic()
        answer = requests.post(f"{base_url}/webhooks/gong/?key={URL_KEY}", data=json.dumps(payload), timeout=30)
        results.append((answer.status_code, answer, time.monotonic() - started, call_id))

    threads = [threading.Thread(target=post, args=(str(first_id + n),)) for n in range(CONCURRENT)]
    for thread in threads:
        thread.start()
    return results, threads


def test_more_concurrent_requests_than_the_pool_all_succeed_within_the_bound(served):
    with _calls_blocked(hold_s=1.5) as peak:
        results, threads = _deliver_concurrently(served.base_url, 8100000000000000000)
        time.sleep(0.5)
        health_started = time.monotonic()
        health = requests.get(f"{served.base_url}/healthz", timeout=10)
        health_s = time.monotonic() - health_started
    for thread in threads:
        thread.join(timeout=30)
    assert 1 <= peak[0] <= WORKERS * POOL_MAX, peak
    statuses = sorted(status for status, *_ in results)
    assert statuses == [202] * CONCURRENT, [(s, a.text) for s, a, *_ in results if s != 202]
    assert Call.objects.filter(pk__in=[call_id for *_, call_id in results]).count() == CONCURRENT
    # /healthz answered while every connection was taken (at the latest when the lock went, 1.5 s in).
    assert health.status_code == 200 and health.json()["checks"]["database"]["ok"], health.text
    assert health_s < POOL_TIMEOUT_S


def test_a_request_that_gets_no_connection_within_the_timeout_gets_a_clear_503_not_a_hang(served):
    with _calls_blocked(hold_s=POOL_TIMEOUT_S + 2.5) as peak:
        results, threads = _deliver_concurrently(served.base_url, 8200000000000000000)
        time.sleep(0.5)
        health = requests.get(f"{served.base_url}/healthz", timeout=10)
    for thread in threads:
        thread.join(timeout=30)
    assert peak[0] <= WORKERS * POOL_MAX, peak
    assert len(results) == CONCURRENT
    refused = [(answer, seconds) for status, answer, seconds, _ in results if status == 503]
    accepted = [call_id for status, _, _, call_id in results if status == 202]
    assert sorted({status for status, *_ in results}) == [202, 503]
    assert len(accepted) <= WORKERS * POOL_MAX  # those held a connection: they went through when the lock went
    for answer, seconds in refused:
        assert answer.json() == {"error": POOL_TIMEOUT_MESSAGE}
        assert "retry later" in POOL_TIMEOUT_MESSAGE
        assert answer.headers["Retry-After"] == "5"
        assert POOL_TIMEOUT_S - 0.5 < seconds < POOL_TIMEOUT_S + 2.0  # at the pool's timeout, not the lock's end
    # Nothing half-done: a refused delivery stored nothing (Gong sends it again), an accepted one is stored.
    stored = set(Call.objects.filter(pk__gte="8200000000000000000").values_list("pk", flat=True))
    assert stored == set(accepted)
    assert health.status_code in (200, 503)  # answered (503 = "database": no connection within the timeout)
    assert "database" in health.json()["checks"]


def test_a_pool_timeout_is_a_503_and_a_refused_connection_stays_the_database_unavailable_503(rf):
    import sys

    from django.db import OperationalError
    from psycopg_pool import PoolTimeout

    from config.errors import server_error

    def answer_to(cause: Exception):
        try:
            try:
                raise cause
            except Exception as exc:
                raise OperationalError(str(exc)) from exc  # as Django's wrap_database_errors does
        except OperationalError:
            assert sys.exc_info()[0] is OperationalError
            return server_error(rf.get("/webhooks/gong/"))

    busy = answer_to(PoolTimeout("couldn't get a connection after 3.00 sec"))
    assert (busy.status_code, busy["Retry-After"]) == (503, "5")
    assert json.loads(busy.content) == {"error": POOL_TIMEOUT_MESSAGE}
    down = answer_to(psycopg.OperationalError("connection refused"))
    assert (down.status_code, down["Retry-After"]) == (503, "30")
    assert json.loads(down.content) == {"error": "The database is unavailable; retry later."}
