"""2. Worker killed (`kill -9`) mid-fetch and mid-analysis → the claim is reclaimed after its timeout, the call
completes once, at most the killed request is charged twice, and the ledger shows it.

The worker to kill is found from the claim itself: `gong_call.claimed_by` is "host:pid" of the process holding
the fetch or analysis claim, so the test kills exactly the process that is in the middle of the work.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gong.models import Call, CallStatus
from tests.reliability import harness, pg
from tests.reliability.conftest import scale
from tests.reliability.invariants import django_execute, tally
from tests.reliability.load import corpus_scaled, delivery_plan
from tests.reliability.world import world_running

# Scaled down from the defaults (Q_TIMEOUT_S 600 < Q_RETRY_S 720 < claim timeouts 900/600) keeping their order:
# the queue re-delivers a killed task before the claim it left behind counts as stale.
CLAIM_TIMEOUT_S = 90
KILL_ENV = {
    "GONG_FETCH_CLAIM_TIMEOUT_S": str(CLAIM_TIMEOUT_S),
    "ANALYSIS_CLAIM_TIMEOUT_S": str(CLAIM_TIMEOUT_S),
    "Q_TIMEOUT_S": "60",
    "Q_RETRY_S": "75",
    "GONG_FETCH_DEBOUNCE_S": "0.5",
    "GONG_FETCH_BATCH_SIZE": "25",
}


def _claim_holder(world, status: str, extra: str = "") -> tuple[str, int] | None:
    """(call id, pid) of a call in `status` whose claim a live stack worker holds."""
    rows = pg.query(
        world.db_url,
        f"SELECT id, claimed_by FROM gong_call WHERE status = %s AND claimed_by <> '' {extra} LIMIT 20",
        [status],
    )
    workers = set(world.stack.worker_pids())
    for call_id, claimed_by in rows:
        pid = claimed_by.rsplit(":", 1)[-1].split("#")[0]
        if pid.isdigit() and int(pid) in workers:
            return call_id, int(pid)
    return None


def _kill_when(world, status: str, *, extra: str = "", timeout_s: float = 120) -> tuple[str, int] | None:
    found: list = []

    def holder_found() -> bool:
        found[:] = [_claim_holder(world, status, extra)]
        return found[0] is not None

    if not harness.wait_until(holder_found, timeout_s=timeout_s, every_s=0.05):
        return None
    call_id, pid = found[0]
    harness.kill9(pid)
    return call_id, pid


@pytest.mark.reliability
def test_a_worker_killed_mid_fetch_and_mid_analysis_loses_nothing_and_pays_at_most_once_more(
    pg_cluster, run_dir, record_row
):
    calls = scale(200, 30)
    corpus = corpus_scaled(calls=calls)
    plan = delivery_plan([r["metaData"]["id"] for r in corpus.calls], total=round(calls * 1.3))
    simulator = {"latency_ms": 1500}
    with world_running(
        corpus=corpus, run_dir=run_dir, env=KILL_ENV, simulator_options=simulator, server_url=pg_cluster.url,
        label="kill",
    ) as world:  # fmt: skip
        world.claude.latency_s = 2.0
        world.fire(plan, concurrency=8)
        killed_fetch = _kill_when(world, "fetching")
        killed_analysis = _kill_when(
            world, "analyzing", extra="AND EXISTS (SELECT 1 FROM analysis_run r WHERE r.call_id = gong_call.id "
            "AND r.status = 'running')",
        )  # fmt: skip
        billed_at_kill, requests_at_kill = world.fake_billed(), len(world.claude.requests)
        done = world.wait_final(expected=calls, timeout_s=300 + calls * 1.5)
        result = world.tally()
        billed, ledger = world.fake_billed(), result.ledger_ok_requests
        killed_ledger = pg.query(
            world.db_url,
            "SELECT status, http_status, error_type FROM analysis_api_call WHERE call_id = %s "
            "AND purpose = 'call_analysis' ORDER BY created_at",
            [killed_analysis[0] if killed_analysis else ""],
        )
        killed_rows = len(killed_ledger)
        record_row(
            test="worker_kill",
            load=f"{world.fired.sent} webhooks / {calls} calls, 2 qcluster",
            faults=f"kill -9 mid-fetch (pid {killed_fetch and killed_fetch[1]}) and mid-analysis "
            f"(pid {killed_analysis and killed_analysis[1]}); claim timeouts {CLAIM_TIMEOUT_S}s",
            lost=result.lost,
            duplicated=result.duplicated,
            five_xx=world.fired.five_xx,
            passed=done and killed_fetch is not None and killed_analysis is not None,
            notes=f"statuses {dict(result.statuses)}; Claude billed {billed} (at kill {billed_at_kill}), ledger ok "
            f"{ledger}: {billed - ledger} paid request(s) not in the ledger; ledger rows for the killed call: "
            f"{killed_ledger}; Claude requests in flight at the kill: {requests_at_kill - billed_at_kill}",
        )
        assert killed_fetch is not None, "no fetch was in flight to kill"
        assert killed_analysis is not None, "no analysis was in flight to kill"
        assert done, f"calls did not all finish after the kills: {world.statuses()}"
        assert result.lost == 0 and result.duplicated == 0, result.explain()
        assert billed - ledger <= 1, "at most the killed request is paid twice"
        assert killed_rows == 2, "the ledger shows the killed request as well as the one that completed"


# --- short version ------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_claims_left_by_a_dead_worker_are_taken_over_and_the_calls_complete_once(pipeline, client, settings):
    settings.GONG_FETCH_CLAIM_TIMEOUT_S = 60
    settings.ANALYSIS_CLAIM_TIMEOUT_S = 60
    settings.GONG_ENQUEUE_ANALYSIS = False
    corpus = corpus_scaled(calls=4)
    ids = [r["metaData"]["id"] for r in corpus.calls]
    pipeline.serve(corpus)
    pipeline.deliver(client, corpus, delivery_plan(ids[:2], total=2))  # fetched and transcribed, not analysed
    assert Call.objects.filter(status=CallStatus.TRANSCRIBED).count() == 2
    settings.GONG_FETCH_DEBOUNCE_S = 600  # park the other two as pending: the "dead worker" claims them below
    settings.GONG_FETCH_MAX_DELAY_S = 0
    pipeline.deliver(client, corpus, delivery_plan(ids[2:], total=2))
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    Call.objects.filter(pk__in=ids[2:]).update(
        status=CallStatus.FETCHING, claimed_by="dead-host:1", claimed_at=long_ago
    )
    Call.objects.filter(pk__in=ids[:2]).update(
        status=CallStatus.ANALYZING, claimed_by="dead-host:1", claimed_at=long_ago
    )
    settings.GONG_FETCH_DEBOUNCE_S = 0
    pipeline.drain()
    result = tally(django_execute(), call_ids=ids)
    assert (result.lost, result.duplicated) == (0, 0), result.explain()
    assert result.statuses == {"analyzed": 4}
