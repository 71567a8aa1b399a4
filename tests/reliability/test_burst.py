"""1. Burst: thousands of signed webhooks (30% duplicates, some in flight at once) against gunicorn + 2 qcluster
workers → one gong_call, one analysis_run and one session per (call, speaker) each; none lost; no duplicate charge.

The long version (marker `reliability`) runs the issue's load — 10,000 webhooks for 7,000 calls — on the ORM
broker and on Redis; the short version drives 200 webhooks for 150 calls through the Django test client with the
queue running tasks inline (one "worker"), in seconds.
"""

from __future__ import annotations

import time

import pytest

from tests.reliability import harness
from tests.reliability.conftest import scale
from tests.reliability.invariants import django_execute, tally
from tests.reliability.load import corpus_scaled, delivery_plan
from tests.reliability.world import world_running


def _burst(*, cluster, run_dir, record_row, test: str, env: dict | None = None) -> None:
    calls, webhooks = scale(7000, 20), scale(10_000, 29)
    corpus = corpus_scaled(calls=calls)
    plan = delivery_plan([r["metaData"]["id"] for r in corpus.calls], total=webhooks)
    with world_running(corpus=corpus, run_dir=run_dir, workers=2, env=env, label=test, server_url=cluster.url) as world:
        started = time.monotonic()
        fired = world.fire(plan, concurrency=16)
        print(f"\nfired {fired.sent} webhooks in {fired.seconds:.1f}s: {dict(fired.by_status)}")
        done = world.wait_final(expected=calls, timeout_s=300 + calls * 0.6)
        total_s = time.monotonic() - started
        result = world.tally()
        gong = world.simulator.stats()
        billed, ledger = world.fake_billed(), result.ledger_ok_requests
        record_row(
            test=test,
            load=f"{len(plan)} webhooks / {calls} calls, 16 senders, gunicorn 2×4 + 2 qcluster ({test})",
            faults="30% duplicate deliveries, 20% of them concurrent",
            lost=result.lost,
            duplicated=result.duplicated + max(0, billed - ledger),
            five_xx=fired.five_xx,
            passed=done,
            notes=(
                f"every call analysed {total_s:.0f}s after the first webhook ({calls / total_s:.1f} calls/s); "
                f"fire {fired.seconds:.0f}s ({fired.sent / max(fired.seconds, 0.001):.0f}/s, answers "
                f"{dict(fired.by_status)}, 0 = no answer: {dict(fired.errors)}, re-sent); calls "
                f"{dict(result.statuses)}; Gong requests {gong['total']} (max {gong['max_per_second']}/s, 429s "
                f"{gong['rate_limited']}); Claude billed {billed}, ledger {ledger}, ${result.ledger_cost_usd:.2f}"
            ),
        )
        assert done, f"not every call reached a final status: {world.statuses()}"
        assert fired.five_xx == 0, fired.five_xx_bodies
        assert fired.accepted == set(world.call_ids)
        assert result.lost == 0 and result.duplicated == 0, result.explain()
        assert billed == ledger, "every request the API billed is in the ledger, once"
        assert gong["max_per_second"] <= 3


@pytest.mark.reliability
def test_burst_of_ten_thousand_webhooks_is_processed_exactly_once(pg_cluster, run_dir, record_row):
    _burst(cluster=pg_cluster, run_dir=run_dir, record_row=record_row, test="burst")


@pytest.mark.reliability
def test_burst_on_the_redis_broker_is_processed_exactly_once(pg_cluster, run_dir, record_row):
    url = harness.redis_url_free()
    if url is None:
        pytest.skip("no Redis answers on 127.0.0.1:6379 (or the redis package is missing): Redis broker not tested")
    try:
        _burst(
            cluster=pg_cluster,
            run_dir=run_dir,
            record_row=record_row,
            test="burst_redis",
            env={"QUEUE_BROKER": "redis", "REDIS_URL": url},
        )
    finally:
        harness.redis_flush(url)


# --- short version ------------------------------------------------------------------------------------------------

# Each call costs ~0.3 s inline (fetch + analysis, one at a time), so the short burst stays small; the duplicate
# share is the long run's 30%.
SHORT_CALLS, SHORT_WEBHOOKS = 24, 34


@pytest.mark.django_db(transaction=True)
def test_a_burst_with_duplicates_gives_one_call_one_run_and_one_session_per_speaker(pipeline, client):
    corpus = corpus_scaled(calls=SHORT_CALLS)
    pipeline.serve(corpus)
    plan = delivery_plan([r["metaData"]["id"] for r in corpus.calls], total=SHORT_WEBHOOKS)
    statuses = pipeline.deliver(client, corpus, plan)
    assert statuses == {202: SHORT_WEBHOOKS}
    pipeline.drain()
    result = tally(django_execute(), call_ids=[r["metaData"]["id"] for r in corpus.calls])
    assert (result.lost, result.duplicated) == (0, 0), result.explain()
    assert result.statuses == {"analyzed": SHORT_CALLS}
    assert result.ledger_ok_requests == len(pipeline.claude.usage_log) == SHORT_CALLS
