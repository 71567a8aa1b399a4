"""4. Gong faults: 429 with Retry-After (including hours when the daily quota is gone), 500/502/503, timeouts,
cursor expiry, transcripts not ready for hours → every call recovers or ends failed with a reason, and the
3 requests/second limit is never exceeded across workers (measured at the simulator).

"Hours" pass by time travel: the simulator's clock is moved forward, and on our side the calls' `next_attempt_at`
(when the fetcher may ask again) is moved back to now — what the wait would have done.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
import requests
from django.utils import timezone

from gong.models import Call, CallStatus
from gong.ratelimit import seconds_to_utc_midnight as seconds_to_midnight
from tests.reliability import harness, pg
from tests.reliability.conftest import scale
from tests.reliability.invariants import django_execute, tally
from tests.reliability.load import corpus_scaled, delivery_plan
from tests.reliability.world import world_running

GONG_ENV = {
    "GONG_TIMEOUT_S": "3",
    "GONG_MAX_RETRIES": "4",
    "GONG_MAX_RETRY_WAIT_S": "10",
    "GONG_FETCH_BATCH_SIZE": "25",
    "GONG_FETCH_DEBOUNCE_S": "0.5",
    "GONG_TRANSCRIPT_WAIT_HOURS": "24",
}


def _time_travel(world, *, hours: float) -> None:
    """Hours pass: the simulator's clock moves on; our waiting calls become due now."""
    world.simulator.advance(hours * 3600)
    pg.query(
        world.db_url,
        "UPDATE gong_call SET next_attempt_at = now() WHERE status = 'pending' AND next_attempt_at > now() "
        "RETURNING id",
    )


def _clock_jumps(world, stop: threading.Event) -> None:
    """Every few seconds the simulator's clock jumps past the cursor lifetime: paging in flight must restart."""
    while not stop.wait(4.0):
        world.simulator.advance(3)


@pytest.mark.reliability
def test_gong_faults_recover_or_fail_with_a_reason_within_three_requests_per_second(pg_cluster, run_dir, record_row):
    calls = scale(300, 40)
    corpus = corpus_scaled(calls=calls, late_calls=3)
    late = sorted(corpus.transcript_ready_at)
    given_up = late[0]
    corpus.transcript_ready_at[given_up] = dt.timedelta(hours=30)  # Gong takes longer than we wait for it
    plan = delivery_plan([r["metaData"]["id"] for r in corpus.calls], total=round(calls * 1.3))
    simulator = {
        "rate_per_second": 3,
        "daily_limit": max(12, calls // 25),  # the quota runs out mid-run
        "fault_rate": 0.15,
        "timeout_rate": 0.03,
        "timeout_sleep_s": 5,
        "page_size": 10,
        "cursor_ttl_s": 2,
    }
    with world_running(
        corpus=corpus, run_dir=run_dir, env=GONG_ENV, simulator_options=simulator, server_url=pg_cluster.url,
        label="gong",
    ) as world:  # fmt: skip
        world.simulator.fault_inject(status=429, count=6, retry_after=2)
        stop = threading.Event()
        jumper = threading.Thread(target=_clock_jumps, args=(world, stop), daemon=True)
        jumper.start()
        world.fire(plan, concurrency=8)
        # Let the quota run out: calls wait for Gong's midnight (Retry-After: hours), they do not spin.
        harness.wait_until(lambda: world.simulator.stats()["daily_used"] >= simulator["daily_limit"], timeout_s=600)
        parked_sql = (
            "SELECT count(*), min(next_attempt_at - now()) FROM gong_call WHERE status = 'pending' "
            "AND next_attempt_at > now() + interval '30 minutes'"
        )
        harness.wait_until(lambda: pg.query(world.db_url, parked_sql)[0][0] > 0, timeout_s=300, every_s=2)
        waiting = pg.query(world.db_url, parked_sql)[0]
        # The next day brings Gong's full quota (the tiny limit modelled a day mostly spent by other integrations).
        world.simulator.daily_limit = 10_000
        # Just past Gong's midnight the quota is back, but the call Gong needs 8 hours for is still not ready: after
        # GONG_TRANSCRIPT_WAIT_HOURS of waiting (its receipt is moved back 25 hours) it is given up, with a reason.
        _time_travel(world, hours=seconds_to_midnight(world.simulator.now) / 3600 + 0.02)
        pg.query(
            world.db_url,
            "UPDATE gong_call SET received_at = now() - interval '25 hours' WHERE id = %s RETURNING id",
            [given_up],
        )
        _time_travel(world, hours=0)
        harness.wait_until(
            lambda: pg.query(world.db_url, "SELECT status FROM gong_call WHERE id = %s", [given_up])[0][0] == "failed",
            timeout_s=300,
        )
        _time_travel(world, hours=24)  # every late transcript is ready now
        done = world.wait_final(expected=calls, timeout_s=300 + calls * 1.0)
        stop.set()
        expected_final = ("analyzed",)
        result = world.tally(final=expected_final, call_ids=[cid for cid in world.call_ids if cid != given_up])
        failed = pg.query(world.db_url, "SELECT status, status_reason FROM gong_call WHERE id = %s", [given_up])[0]
        gong = world.simulator.stats()
        record_row(
            test="gong_faults",
            load=f"{world.fired.sent} webhooks / {calls} calls ({len(late)} late), 2 qcluster, Gong at 3 req/s",
            faults="15% 500/502/503, 3% timeouts, 6 injected 429s, daily quota of "
            f"{simulator['daily_limit']} (429 + Retry-After hours), cursors expiring (TTL 2s, clock jumps), late "
            "transcripts (30 min–8 h)",
            lost=result.lost,
            duplicated=result.duplicated,
            five_xx=world.fired.five_xx,
            passed=done and failed[0] == "failed" and gong["max_per_second"] <= 3 and waiting[0] > 0,
            notes=f"Gong requests {gong['total']}, by status {gong['by_status']}, max {gong['max_per_second']}/s; "
            f"{waiting[0]} calls waited for the quota (next try in {waiting[1]}); given-up late call: "
            f"{failed[0]} — {failed[1][:80]}",
        )
        assert gong["max_per_second"] <= 3, gong
        assert waiting[0] > 0, "the spent daily quota made calls wait for hours, not spin"
        assert failed[0] == "failed" and "transcript" in failed[1].lower(), failed
        assert done, f"calls did not all finish: {world.statuses()}"
        assert result.lost == 0 and result.duplicated == 0, result.explain()


# --- short version ------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_gong_errors_timeouts_and_a_spent_quota_delay_but_never_lose_a_call(pipeline, client, settings):
    settings.GONG_TIMEOUT_S = 0.5
    settings.GONG_MAX_RETRIES = 4
    corpus = corpus_scaled(calls=3, late_calls=1)
    late = next(iter(corpus.transcript_ready_at))
    ids = [r["metaData"]["id"] for r in corpus.calls]
    simulator = pipeline.serve(corpus, daily_limit=6, timeout_sleep_s=1.0)
    simulator.fault_inject(status=503, count=1)
    simulator.fault_inject(status=429, count=1, retry_after=1)
    simulator.fault_inject(status=None, count=1, sleep_s=1.0)  # slower than the client's timeout
    simulator.fault_inject(status=502, count=1)
    pipeline.deliver(client, corpus, delivery_plan(ids, total=3))
    stats = simulator.stats()
    assert stats["by_status"].get(200), stats
    waiting = Call.objects.get(pk=late)
    assert waiting.status == CallStatus.PENDING and waiting.next_attempt_at > timezone.now()
    # Another integration spends the rest of the company's daily quota: Gong answers 429 + Retry-After (hours).
    auth = (simulator.access_key, simulator.access_key_secret)
    while simulator.stats()["daily_used"] < 6:
        requests.get(f"{simulator.base_url}/v2/users", auth=auth, timeout=5)
        time.sleep(0.4)
    Call.objects.filter(pk=late).update(next_attempt_at=timezone.now())
    pipeline.drain(rounds=1)
    waiting.refresh_from_db()
    assert waiting.status == CallStatus.PENDING
    # Gong's Retry-After for a spent daily quota runs to UTC midnight: park the call until then (or for at least
    # half an hour when midnight is further away), never retry in seconds.
    now = timezone.now()
    midnight = (now + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    assert waiting.next_attempt_at >= min(now + dt.timedelta(minutes=30), midnight - dt.timedelta(seconds=5))
    simulator.advance(24 * 3600)  # past Gong's midnight and the late call's ready time
    Call.objects.filter(status=CallStatus.PENDING).update(next_attempt_at=timezone.now())  # hours passed here too
    pipeline.drain()
    result = tally(django_execute(), call_ids=ids)
    assert (result.lost, result.duplicated) == (0, 0), result.explain()
