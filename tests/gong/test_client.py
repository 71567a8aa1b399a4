"""GongClient against the simulator over real HTTP: paging, empty 404s, errors, retries and the shared limiter."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests

from gong.client import GongClient
from gong.errors import GongAuthError, GongBudgetExhausted, GongRateLimited
from gong.ratelimit import NoRateLimiter, PostgresRateLimiter
from gong.simulator.server import SimulatorServer

pytestmark = pytest.mark.django_db


def client_for(server: SimulatorServer, **kwargs) -> GongClient:
    options = {
        "base_url": server.base_url,
        "access_key": server.access_key,
        "access_key_secret": server.access_key_secret,
        "limiter": NoRateLimiter(),
        "max_retry_wait_s": 60,
    }
    options.update(kwargs)
    return GongClient(**options)


def corpus_window(corpus) -> tuple[datetime, datetime]:
    start = datetime.combine(corpus.week_start, datetime.min.time(), tzinfo=UTC)
    return start - timedelta(days=1), start + timedelta(days=8)


def test_users_and_calls_are_read_across_cursor_pages(corpus):
    with SimulatorServer(corpus, rate_per_second=100, page_size=5) as server:
        client = client_for(server)
        users = client.users()
        calls = client.calls(from_dt=corpus_window(corpus)[0], to_dt=corpus_window(corpus)[1])
        stats = server.stats()["by_endpoint"]
    assert sorted(u.id for u in users) == sorted(u["id"] for u in corpus.users)
    assert sorted(c.id for c in calls) == sorted(r["metaData"]["id"] for r in corpus.calls)
    assert stats["GET /v2/users"][200] == 3  # 14 users, 5 per page
    assert stats["GET /v2/calls"][200] == 3


def test_post_cursor_pages_through_transcripts_and_extensive_records(corpus):
    ids = [r["metaData"]["id"] for r in corpus.calls if r["metaData"]["id"] not in corpus.transcript_ready_at]
    with SimulatorServer(corpus, rate_per_second=100, page_size=4) as server:
        client = client_for(server)
        transcripts = client.transcripts(call_ids=ids)
        records = client.calls_extensive(call_ids=ids[:6])
    assert sorted(t.call_id for t in transcripts) == sorted(ids)
    assert [r.data.meta_data.id for r in records] and {r.data.meta_data.id for r in records} == set(ids[:6])
    assert all(r.data.parties for r in records)


def test_an_expired_cursor_restarts_the_paging_sequence(corpus):
    class ClockJumpingSession(requests.Session):
        jumped = False

        def request(self, *args, **kwargs):
            response = super().request(*args, **kwargs)
            if not self.jumped:
                self.jumped = True
                server.advance(120)  # the cursor from page 1 is now past its TTL
            return response

    with SimulatorServer(corpus, rate_per_second=100, page_size=5, cursor_ttl_s=60) as server:
        users = client_for(server, session=ClockJumpingSession()).users()
        statuses = server.stats()["by_endpoint"]["GET /v2/users"]
    assert len(users) == len({u.id for u in users}) == len(corpus.users)
    assert statuses.get(400) == 1


def test_no_calls_found_404_is_an_empty_result(corpus, simulator):
    client = client_for(simulator)
    long_ago = datetime(2001, 1, 1, tzinfo=UTC)
    assert client.calls(from_dt=long_ago, to_dt=long_ago + timedelta(days=1)) == []
    assert client.transcripts(call_ids=["1234567890"]) == []
    assert simulator.stats()["by_status"][404] == 2


def test_wrong_credentials_raise_gong_auth_error(simulator):
    client = client_for(simulator, access_key_secret="wrong")
    with pytest.raises(GongAuthError, match="HTTP 401"):
        client.users()


def test_429_is_retried_after_the_seconds_gong_asks_for(corpus, simulator):
    slept: list[float] = []
    simulator.fault_inject(status=429, count=2, retry_after=2)
    users = client_for(simulator, sleep=slept.append).users()
    assert len(users) == len(corpus.users)
    assert slept == [2.0, 2.0]


def test_a_retry_after_of_hours_raises_instead_of_sleeping(simulator):
    slept: list[float] = []
    simulator.fault_inject(status=429, count=1, retry_after=7200)
    with pytest.raises(GongRateLimited) as caught:
        client_for(simulator, sleep=slept.append).users()
    assert caught.value.retry_after == 7200 and slept == []


def test_server_errors_and_timeouts_are_retried(corpus, simulator):
    slept: list[float] = []
    simulator.fault_inject(status=503, count=1)
    simulator.fault_inject(status=None, sleep_s=1.5, count=1)
    users = client_for(simulator, sleep=slept.append, timeout_s=0.5).users()
    assert len(users) == len(corpus.users) and len(slept) == 2


def test_the_shared_limiter_keeps_two_processes_worth_of_clients_under_three_per_second(corpus):
    name = f"test-{uuid.uuid4().hex[:8]}"
    with SimulatorServer(corpus, rate_per_second=3) as server:

        def work():
            limiter = PostgresRateLimiter(rate_per_second=3, daily_budget=1000, name=name)
            client = client_for(server, limiter=limiter, max_retries=0)
            for _ in range(3):
                client.users()

        threads = [threading.Thread(target=work) for _ in range(2)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        stats = server.stats()
    assert stats["by_status"] == {200: 6}
    assert stats["rate_limited"] == 0 and stats["max_per_second"] <= 3
    assert elapsed >= 5 * (1.1 / 3) - 0.05


def test_the_daily_budget_stops_requests_before_gong_would(db):
    limiter = PostgresRateLimiter(rate_per_second=1000, daily_budget=2, name=f"test-{uuid.uuid4().hex[:8]}")
    limiter.acquire()
    limiter.acquire()
    with pytest.raises(GongBudgetExhausted) as caught:
        limiter.acquire()
    assert 0 < caught.value.retry_after <= 86400
    assert "GONG_DAILY_BUDGET" in str(caught.value)


def test_quota_usage_counts_todays_requests_through_the_shared_limiter(simulator, settings):
    from gong.selectors import gong_quota_usage

    settings.GONG_DAILY_BUDGET = 500
    before = gong_quota_usage().used
    limiter = PostgresRateLimiter(rate_per_second=1000, daily_budget=500)
    client_for(simulator, limiter=limiter).users()
    usage = gong_quota_usage()
    assert usage.used == before + 1 and usage.budget == 500
