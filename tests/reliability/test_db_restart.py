"""3. Database restart during the burst → the web tier answers 503 (not 500) while PostgreSQL is down, Gong's
retry (or the poller) brings the missed calls in, and nothing half-written remains (`manage.py check_data`).

The long version stops and restarts the suite's own project-local cluster (never the shared server) while
webhooks are arriving and workers are busy; the short one points Django's connection at a closed port.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.test import Client

from tests.reliability import harness, pg
from tests.reliability.conftest import scale
from tests.reliability.invariants import django_execute, tally
from tests.reliability.load import Delivery, corpus_scaled, delivery_plan
from tests.reliability.world import world_running

DOWN_S = 15
# Claims cut off by the outage expire and the 5-minute coaching sweep re-queues them: timeouts scaled down from the
# defaults keeping their order (Q_TIMEOUT_S < Q_RETRY_S < claim timeouts), and the wait covers one sweep period.
RESTART_ENV = {
    "GONG_FETCH_CLAIM_TIMEOUT_S": "90",
    "ANALYSIS_CLAIM_TIMEOUT_S": "90",
    "Q_TIMEOUT_S": "60",
    "Q_RETRY_S": "75",
}
SWEEP_S = 300


@pytest.mark.reliability
def test_a_database_restart_mid_burst_answers_503_and_loses_nothing(pg_cluster, run_dir, record_row):
    calls = scale(1000, 40)
    corpus = corpus_scaled(calls=calls)
    ids = [r["metaData"]["id"] for r in corpus.calls]
    plan = delivery_plan(ids, total=round(calls * 1.3))
    with world_running(
        corpus=corpus, run_dir=run_dir, env=RESTART_ENV, server_url=pg_cluster.url, label="dbrestart"
    ) as world:
        # Paced so the deliveries span the outage (~45 s at least, whatever the load).
        pause_s = max(0.02, 4 * 45 / len(plan))
        sender = threading.Thread(
            target=world.fire, args=(plan,), kwargs={"concurrency": 4, "pause_s": pause_s, "retries": 0}
        )
        sender.start()
        # The outage starts once deliveries are arriving (a tenth of them stored).
        harness.wait_until(
            lambda: pg.query(world.db_url, "SELECT count(*) FROM gong_webhook_event")[0][0] >= len(plan) // 10,
            timeout_s=120,
        )
        assert sender.is_alive(), "the deliveries must still be arriving when the database stops"
        pg_cluster.stop("fast")  # in-flight transactions are cut off, new connections refused
        down_at = time.monotonic()
        time.sleep(DOWN_S)
        pg_cluster.start()
        downtime = time.monotonic() - down_at
        sender.join()
        fired_first = world.fired.sent
        missed = sorted(set(ids) - world.fired.accepted)
        # Gong's retry for half of the missed calls; the poller must find the other half.
        world.fire([Delivery(call_id, True) for call_id in missed[::2]], concurrency=4)
        poll = world.manage("gong_sync", "--lookback-hours", "720", check=False, timeout=900)
        done = world.wait_final(expected=calls, timeout_s=300 + calls * 0.6 + 90 + SWEEP_S)
        result = world.tally()
        check = world.manage("check_data", "--stuck-minutes", "30", check=False)
        statuses = world.fired.by_status
        record_row(
            test="db_restart",
            load=f"{world.fired.sent} webhooks / {calls} calls, 2 qcluster",
            faults=f"PostgreSQL stopped (fast) for {downtime:.0f}s mid-burst, then restarted",
            lost=result.lost,
            duplicated=result.duplicated,
            five_xx=sum(count for status, count in statuses.items() if status >= 500 and status != 503),
            passed=done and check.returncode == 0 and poll.returncode == 0,
            notes=f"answers {dict(statuses)} ({fired_first} in the burst); {len(missed)} calls missed, half re-sent, "
            f"poller: {poll.stdout.strip().splitlines()[-1:] if poll.stdout else poll.stderr[-200:]}; check_data "
            f"exit {check.returncode}",
        )
        assert statuses.get(503, 0) > 0, "the outage was seen by the sender as 503s"
        assert not [s for s in statuses if s >= 500 and s != 503], f"only 503s while down: {dict(statuses)}"
        assert poll.returncode == 0, poll.stderr[-2000:]
        assert done, f"calls did not all finish after the restart: {world.statuses()}"
        assert result.lost == 0 and result.duplicated == 0, result.explain()
        assert check.returncode == 0, check.stdout + check.stderr


# --- short version ------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_while_the_database_is_down_a_webhook_gets_503_with_retry_after(pipeline):
    corpus = corpus_scaled(calls=1)
    pipeline.serve(corpus)
    client = Client(raise_request_exception=False)
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = str(harness.free_port())  # nothing listens there
    connection.settings_dict["HOST"] = "127.0.0.1"
    try:
        statuses = pipeline.deliver(client, corpus, delivery_plan([corpus.calls[0]["metaData"]["id"]], total=1))
        response = client.get("/metrics")  # reads gauges from the database
    finally:
        connection.close()
        connection.settings_dict.update(original)
    assert statuses == {503: 1}
    assert response.status_code == 503 and response["Retry-After"]
    assert response.json() == {"error": "The database is unavailable; retry later."}
    result = tally(django_execute(), call_ids=[corpus.calls[0]["metaData"]["id"]])
    assert result.missing == [corpus.calls[0]["metaData"]["id"]], "nothing was stored while the database was down"
