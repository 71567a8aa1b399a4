"""Faults end analysed or failed-with-reason; racing workers pay once; the budget holds; batches go end to end."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from analysis.models import AnalysisRun, ApiCall, ApiCallStatus, ApiPurpose, RunMode, RunStatus
from analysis.services import analysis_for_call, batch_poll, batch_submit, budget_state
from tests.factories.analysis import call_with_reps

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("faults", [["429"], ["529"], ["500"], ["429", "529"]])
def test_transient_errors_are_retried_and_the_call_is_analysed(kb, fake_claude, faults):
    fake_claude.fail_next(*faults)
    outcome = analysis_for_call(call_id=call_with_reps().pk)
    assert outcome.status == "succeeded"
    row = ApiCall.objects.get(purpose=ApiPurpose.CALL_ANALYSIS)
    assert row.status == ApiCallStatus.OK and row.attempt == len(faults) + 1


def test_errors_beyond_the_retry_budget_fail_the_call_with_a_reason_and_a_ledger_row(kb, fake_claude):
    fake_claude.fail_next("500", "500", "500")
    outcome = analysis_for_call(call_id=call_with_reps().pk)
    assert outcome.status == "failed" and "InternalServerError" in outcome.error and "3 attempt" in outcome.error
    run = AnalysisRun.objects.get(pk=outcome.run_id)
    assert run.status == RunStatus.FAILED and run.error == outcome.error
    row = ApiCall.objects.get(run_id=run.pk)
    assert row.status == ApiCallStatus.ERROR and row.http_status == 500 and row.input_tokens == 0


def test_a_failed_run_is_retried_by_the_next_analysis(kb, fake_claude):
    call = call_with_reps()
    fake_claude.fail_next("500", "500", "500")
    failed = analysis_for_call(call_id=call.pk)
    retried = analysis_for_call(call_id=call.pk)
    assert retried.status == "succeeded" and retried.run_id == failed.run_id
    assert AnalysisRun.objects.get(pk=retried.run_id).attempts == 2


def test_a_timeout_is_retried(kb, fake_claude, settings):
    settings.CLAUDE_TIMEOUT_S = 0.5
    fake_claude.slow_s = 1.0
    fake_claude.fail_next("slow")
    assert analysis_for_call(call_id=call_with_reps().pk).status == "succeeded"


def test_timeouts_beyond_the_retry_budget_fail_with_a_reason(kb, fake_claude, settings):
    settings.CLAUDE_TIMEOUT_S = 0.3
    settings.CLAUDE_MAX_RETRIES = 1
    fake_claude.slow_s = 0.8
    fake_claude.fail_next("slow", "slow")
    outcome = analysis_for_call(call_id=call_with_reps().pk)
    assert outcome.status == "failed" and "Timeout" in outcome.error


@pytest.mark.parametrize("fault", ["malformed", "invalid", "partial"])
def test_an_invalid_answer_gets_one_repair_attempt(kb, fake_claude, fault):
    fake_claude.fail_next(fault)
    outcome = analysis_for_call(call_id=call_with_reps().pk)
    assert outcome.status == "succeeded"
    assert sorted(ApiCall.objects.values_list("purpose", flat=True)) == [ApiPurpose.CALL_ANALYSIS, ApiPurpose.REPAIR]
    repair = fake_claude.requests[1]["messages"]
    assert [m["role"] for m in repair] == ["user", "assistant", "user"]


def test_the_reason_for_an_invalid_answer_names_the_fields_without_quoting_the_answer(kb, fake_claude):
    fake_claude.fail_next("partial", "invalid")
    outcome = analysis_for_call(call_id=call_with_reps().pk)
    assert outcome.status == "failed" and "validation error" in outcome.error
    assert "bogus" not in outcome.error and "input_value" not in outcome.error  # the answer's text stays out


def test_a_second_invalid_answer_fails_the_call_with_the_reason(kb, fake_claude):
    fake_claude.fail_next("invalid", "malformed")
    outcome = analysis_for_call(call_id=call_with_reps().pk)
    assert outcome.status == "failed" and outcome.error.startswith("invalid answer after one repair attempt")
    run = AnalysisRun.objects.get(pk=outcome.run_id)
    assert run.status == RunStatus.FAILED and run.input_tokens > 0 and run.cost_usd > 0  # paid for, recorded


@pytest.mark.django_db(transaction=True)
def test_racing_workers_pay_once(kb, fake_claude):
    call = call_with_reps()
    fake_claude.latency_s = 0.6
    outcomes = []

    def work(name: str) -> None:
        try:
            outcomes.append(analysis_for_call(call_id=call.pk, worker=name))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(fake_claude.requests) == 1
    assert {o.status for o in outcomes} == {"succeeded"} and len({o.run_id for o in outcomes}) == 1
    assert sum(o.cache_hit for o in outcomes) == 2
    assert ApiCall.objects.filter(purpose=ApiPurpose.CALL_ANALYSIS).count() == 1


def test_the_monthly_budget_holds_new_analyses_but_not_cache_hits(kb, fake_claude, settings):
    settings.ANALYSIS_MONTHLY_BUDGET_USD = 0.01
    first_call = call_with_reps(seed=1)
    assert analysis_for_call(call_id=first_call.pk).status == "succeeded"
    state = budget_state()
    assert state.status == "held" and state.spent_usd > Decimal("0.01") and state.budget_usd == Decimal("0.01")
    held = analysis_for_call(call_id=call_with_reps(seed=2).pk)
    assert held.status == "held" and "monthly Claude budget reached" in held.error
    assert len(fake_claude.requests) == 1
    assert analysis_for_call(call_id=first_call.pk).cache_hit


def test_the_budget_warns_before_it_holds(kb, fake_claude, settings):
    analysis_for_call(call_id=call_with_reps().pk)
    spent = budget_state().spent_usd
    settings.ANALYSIS_MONTHLY_BUDGET_USD = float(spent) / 0.9
    assert budget_state().status == "warning"


def test_the_batch_path_submits_polls_and_ingests_at_half_price(kb, fake_claude):
    calls = [call_with_reps(seed=1), call_with_reps(seed=2)]
    fake_claude.batch_polls_until_done = 1
    submission = batch_submit(call_ids=[c.pk for c in calls])
    assert submission.batch_id and sorted(submission.submitted) == sorted(c.pk for c in calls)
    assert set(AnalysisRun.objects.values_list("status", flat=True)) == {RunStatus.BATCH_SUBMITTED}
    assert analysis_for_call(call_id=calls[0].pk).status == "batch_submitted"  # no second request meanwhile
    assert batch_poll().ended == 0
    poll = batch_poll()
    assert poll.ended == 1 and poll.succeeded == 2 and sorted(poll.call_ids) == sorted(c.pk for c in calls)
    rows = ApiCall.objects.filter(mode=RunMode.BATCH)
    assert rows.count() == 2 and all(r.batch_id == submission.batch_id for r in rows)
    assert all(r.cost_usd > 0 for r in rows)
    assert fake_claude.requests == []  # nothing went through the realtime endpoint
    hit = analysis_for_call(call_id=calls[0].pk)
    assert hit.status == "succeeded" and hit.cache_hit
    run = AnalysisRun.objects.get(pk=hit.run_id)
    assert run.mode == RunMode.BATCH and run.result["speakers"][0]["dimensions"]


def test_reaching_the_budget_logs_an_alert(kb, fake_claude, settings):
    from structlog.testing import capture_logs

    settings.ANALYSIS_MONTHLY_BUDGET_USD = 0.0001
    analysis_for_call(call_id=call_with_reps(seed=1).pk)
    with capture_logs() as logs:
        analysis_for_call(call_id=call_with_reps(seed=2).pk)
    alerts = [entry for entry in logs if entry["event"] == "analysis_budget_reached"]
    assert alerts and alerts[0]["log_level"] == "error" and alerts[0]["month"] == budget_state().month


def test_a_stale_claim_is_taken_over_and_the_sweep_fails_abandoned_runs(kb, fake_claude, settings):
    from datetime import timedelta

    from django.utils import timezone

    from analysis.services import runs_sweep_stale

    call = call_with_reps()
    first = analysis_for_call(call_id=call.pk)
    long_ago = timezone.now() - timedelta(seconds=settings.ANALYSIS_CLAIM_TIMEOUT_S + 60)
    # A worker died mid-analysis: its run is `running` with an old claim.
    AnalysisRun.objects.filter(pk=first.run_id).update(
        status=RunStatus.RUNNING, claimed_at=long_ago, claimed_by="dead-worker#1", result=None
    )
    assert runs_sweep_stale() == 1
    assert AnalysisRun.objects.get(pk=first.run_id).status == RunStatus.FAILED
    AnalysisRun.objects.filter(pk=first.run_id).update(status=RunStatus.RUNNING, claimed_at=long_ago)
    again = analysis_for_call(call_id=call.pk)
    assert again.status == "succeeded" and again.run_id == first.run_id
    assert AnalysisRun.objects.get(pk=first.run_id).claimed_by == ""


def test_a_batch_entry_that_errored_fails_its_run_alone_and_every_entry_is_in_the_ledger(kb, fake_claude):
    calls = [call_with_reps(seed=1), call_with_reps(seed=2)]
    fake_claude.batch_entry_faults.extend(["errored", None])
    submission = batch_submit(call_ids=[c.pk for c in calls])
    poll = batch_poll(batch_id=submission.batch_id)
    assert (poll.ended, poll.succeeded, poll.failed) == (1, 1, 1)
    runs = {run.call_id: run for run in AnalysisRun.objects.all()}
    assert runs[calls[0].pk].status == RunStatus.FAILED and "errored" in runs[calls[0].pk].error
    assert runs[calls[1].pk].status == RunStatus.SUCCEEDED
    rows = {row.call_id: row for row in ApiCall.objects.filter(mode=RunMode.BATCH)}
    assert rows[calls[0].pk].status == ApiCallStatus.ERROR and rows[calls[0].pk].cost_usd == 0
    assert rows[calls[1].pk].status == ApiCallStatus.OK
    assert rows[calls[1].pk].input_tokens == fake_claude.totals()["input_tokens"]


def test_billed_chunks_of_a_run_are_in_the_ledger_even_when_another_chunk_expired(kb, fake_claude, settings):
    from tests.factories.analysis import long_call

    settings.ANALYSIS_CHUNK_TOKENS = 3_000
    call = long_call(tokens=7_000)
    submission = batch_submit(call_ids=[call.pk])
    entries = len(fake_claude.batches[submission.batch_id]["results"])
    assert entries >= 2
    # Resubmitting is not possible here, so mark the first entry expired after the fact (as the API would).
    fake_claude.batches[submission.batch_id]["results"][0]["result"] = {"type": "expired"}
    batch_poll(batch_id=submission.batch_id)
    run = AnalysisRun.objects.get(call=call)
    assert run.status == RunStatus.FAILED and "expired" in run.error
    rows = ApiCall.objects.filter(run=run, mode=RunMode.BATCH)
    assert rows.count() == entries
    assert rows.filter(status=ApiCallStatus.OK).count() == entries - 1
    answered = [r["result"]["message"] for r in fake_claude.batches[submission.batch_id]["results"][1:]]
    assert sum(r.input_tokens for r in rows) == sum(m["usage"]["input_tokens"] for m in answered) > 0


def test_two_polls_of_one_ended_batch_ingest_each_run_once(kb, fake_claude):
    from analysis.services.batch import _ingest_run

    call = call_with_reps(seed=3)
    submission = batch_submit(call_ids=[call.pk])
    stale = AnalysisRun.objects.get(call=call)  # what a second, concurrent poll read before the first finished
    assert batch_poll(batch_id=submission.batch_id).succeeded == 1
    assert _ingest_run(stale, {}, submission.batch_id) is None
    assert AnalysisRun.objects.get(pk=stale.pk).status == RunStatus.SUCCEEDED
    assert ApiCall.objects.filter(mode=RunMode.BATCH).count() == 1


def test_a_batch_the_api_no_longer_knows_fails_its_runs_and_does_not_stop_the_poll(kb, fake_claude):
    gone, fine = call_with_reps(seed=4), call_with_reps(seed=5)
    lost = batch_submit(call_ids=[gone.pk]).batch_id
    kept = batch_submit(call_ids=[fine.pk]).batch_id
    del fake_claude.batches[lost]
    poll = batch_poll()
    assert (poll.checked, poll.ended, poll.succeeded, poll.failed) == (2, 2, 1, 1)
    assert AnalysisRun.objects.get(batch_id=lost).status == RunStatus.FAILED
    assert AnalysisRun.objects.get(batch_id=kept).status == RunStatus.SUCCEEDED
