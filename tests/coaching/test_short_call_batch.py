"""Short-call policy (ANALYSIS_BATCH_BELOW_TOKENS): an automatically coached call below the threshold goes in a
Message Batch, stays `analyzing` (not re-claimed, not failed) until the sweep ingests it, and ends analysed with
batch-priced ledger rows; a batch entry that fails comes back realtime; longer calls and forced runs stay
realtime."""

from __future__ import annotations

import pytest

from analysis.models import AnalysisRun, ApiCall, RunMode, RunStatus
from coaching.models import CoachingSession
from coaching.services.pipeline import call_coach, calls_coach_sweep
from gong.models import Call, CallStatus
from tests.factories.analysis import call_with_reps

pytestmark = pytest.mark.django_db


@pytest.fixture
def short_policy(settings, fake_claude):
    settings.ANALYSIS_BATCH_BELOW_TOKENS = 2_000
    return fake_claude


def test_a_short_call_goes_in_a_batch_and_ends_analysed_with_batch_rows(kb, short_policy, monkeypatch, settings):
    fake = short_policy
    call = call_with_reps(rounds=2)
    assert call.transcript.token_count < 2_000
    fake.batch_polls_until_done = 1
    enqueued = []
    monkeypatch.setattr("coaching.services.pipeline.async_task", lambda *a, **k: enqueued.append(a[1]))

    assert call_coach(call_id=call.pk, worker="t").status == "batch_submitted"
    run = AnalysisRun.objects.get(call_id=call.pk)
    assert run.status == RunStatus.BATCH_SUBMITTED and run.batch_id and fake.requests == []
    assert call_coach(call_id=call.pk, worker="t2").status in {"batch_submitted", "not_claimed"}  # redelivered
    assert len(fake.batches) == 1  # submitted once

    settings.ANALYSIS_CLAIM_TIMEOUT_S = 0  # the sweep now sees the claim as stale …
    settings.ANALYSIS_MAX_ATTEMPTS = 1  # … and a re-claim would fail the call for good
    calls_coach_sweep()  # the batch is still running: the call is busy, not stuck — not re-enqueued, not failed
    assert enqueued == [] and Call.objects.get(pk=call.pk).status == CallStatus.ANALYZING
    calls_coach_sweep()  # ended: ingested
    call.refresh_from_db()
    assert call.status == CallStatus.ANALYZED
    assert CoachingSession.objects.get(call=call).analyzer == "claude"
    rows = ApiCall.objects.filter(call_id=call.pk)
    assert rows.exists() and {r.mode for r in rows} == {RunMode.BATCH}
    assert fake.requests == []  # no realtime request


def test_a_failed_batch_entry_comes_back_realtime_and_nothing_is_lost(kb, short_policy):
    fake = short_policy
    call = call_with_reps(rounds=2)
    fake.batch_entry_faults.append("expired")
    assert call_coach(call_id=call.pk, worker="t").status == "batch_submitted"
    calls_coach_sweep()
    call.refresh_from_db()
    assert call.status == CallStatus.ANALYZED
    assert CoachingSession.objects.get(call=call).analyzer == "claude"
    assert len(fake.requests) >= 1  # the retry was realtime


def test_long_and_forced_calls_stay_realtime(kb, short_policy, settings):
    settings.ANALYSIS_BATCH_BELOW_TOKENS = 50  # below any test call
    call = call_with_reps(rounds=2)
    assert call_coach(call_id=call.pk, worker="t").status == "analyzed"
    assert AnalysisRun.objects.get(call_id=call.pk).batch_id in ("", None)
    settings.ANALYSIS_BATCH_BELOW_TOKENS = 2_000
    assert call_coach(call_id=call.pk, worker="t", force=True).status == "analyzed"
    assert not AnalysisRun.objects.exclude(batch_id__in=("", None)).exists()
    assert short_policy.batches == {}


def test_analyze_calls_stays_realtime_under_the_policy(kb, short_policy, capsys):
    from django.core.management import call_command

    call = call_with_reps(rounds=2)
    call_command("analyze_calls", "--call", call.pk)
    assert "1 analyzed" in capsys.readouterr().out
    assert short_policy.batches == {} and len(short_policy.requests) == 1


def test_a_bad_threshold_is_refused(monkeypatch):
    import importlib

    from config.env import EnvError

    monkeypatch.setenv("ANALYSIS_BATCH_BELOW_TOKENS", "-1")
    import config.settings.analysis as module

    with pytest.raises(EnvError, match="ANALYSIS_BATCH_BELOW_TOKENS must be 0"):
        importlib.reload(module)
    monkeypatch.delenv("ANALYSIS_BATCH_BELOW_TOKENS")
    importlib.reload(module)


def test_knowledge_published_while_the_batch_runs_does_not_pay_for_the_call_twice(kb, short_policy):
    """The batch's answer is the call's analysis (made with the knowledge of its submission, as a realtime
    analysis finished a minute earlier would be): ingesting it stores its sessions, it does not re-analyse."""
    from tests.factories.knowledgebase import document_published

    fake = short_policy
    call = call_with_reps(rounds=2)
    assert call_coach(call_id=call.pk, worker="t").status == "batch_submitted"
    run = AnalysisRun.objects.get(call_id=call.pk)
    document_published(title="Price list", body="Growth costs $99 from next month.")  # the knowledge changes
    calls_coach_sweep()
    call.refresh_from_db()
    assert call.status == CallStatus.ANALYZED
    assert fake.requests == []  # no realtime re-analysis: the batch's answer was paid for already
    assert CoachingSession.objects.get(call=call, is_current=True).run_id == run.pk
    assert AnalysisRun.objects.filter(call_id=call.pk).count() == 1


@pytest.mark.parametrize("again", ["redelivered task", "analyze_calls"])
def test_a_call_waiting_in_a_batch_is_not_reclaimed_nor_failed_by_another_delivery(kb, short_policy, settings, again):
    """The queue is at-least-once and an operator may run analyze_calls while a batch runs: neither may count an
    attempt against the call (which would fail it as 'every worker stopped') — the batch's answer must land."""
    from django.core.management import call_command

    fake = short_policy
    fake.batch_polls_until_done = 1
    call = call_with_reps(rounds=2)
    assert call_coach(call_id=call.pk, worker="t").status == "batch_submitted"
    settings.ANALYSIS_CLAIM_TIMEOUT_S = 0  # the claim looks stale …
    settings.ANALYSIS_MAX_ATTEMPTS = 1  # … and one more claim would exhaust the attempts
    if again == "analyze_calls":
        call_command("analyze_calls", "--call", call.pk)
    else:
        assert call_coach(call_id=call.pk, worker="t2").status == "batch_submitted"
    call.refresh_from_db()
    assert (call.status, call.attempts) == (CallStatus.ANALYZING, 1)
    calls_coach_sweep()  # still running
    calls_coach_sweep()  # ended: ingested
    call.refresh_from_db()
    assert call.status == CallStatus.ANALYZED
    assert fake.requests == [] and len(fake.batches) == 1


def test_a_batch_run_whose_ingest_stopped_before_the_call_is_handed_over_not_analysed_again(kb, short_policy, settings):
    """The sweep that ingested the batch was killed (task timeout, crash) after finishing the run and before
    storing the call's sessions: the next sweep hands the run to the call — no second analysis, even when the
    knowledge changed meanwhile (the call's current cache key would miss the run)."""
    from analysis.services import batch_poll
    from tests.factories.knowledgebase import document_published

    fake = short_policy
    call = call_with_reps(rounds=2)
    assert call_coach(call_id=call.pk, worker="t").status == "batch_submitted"
    poll = batch_poll()  # the run is finished … and the worker dies here
    run = AnalysisRun.objects.get(call_id=call.pk)
    assert poll.runs == {call.pk: run.pk} and run.status == RunStatus.SUCCEEDED
    document_published(title="Price list", body="Growth costs $99 from next month.")
    settings.ANALYSIS_CLAIM_TIMEOUT_S = 0

    calls_coach_sweep()

    call.refresh_from_db()
    assert call.status == CallStatus.ANALYZED
    assert fake.requests == [] and AnalysisRun.objects.filter(call_id=call.pk).count() == 1
    assert CoachingSession.objects.get(call=call, is_current=True).run_id == run.pk


def test_a_rubric_changed_while_the_batch_runs_is_not_used_to_read_its_answers(kb, short_policy):
    """The batch answered the rubric it was asked about: its answers are read against that rubric — not validated
    against a criterion published since (a 'repair' request at realtime price, or a failed run analysed again)."""
    from knowledgebase.models import Rubric
    from knowledgebase.services import rubric_version_create_draft, rubric_version_publish
    from tests.factories.knowledgebase import criterion

    fake = short_policy
    call = call_with_reps(rounds=2)
    assert call_coach(call_id=call.pk, worker="t").status == "batch_submitted"
    run = AnalysisRun.objects.get(call_id=call.pk)
    discovery = Rubric.objects.get(key="discovery")
    content = {**discovery.active_version.content}
    content["criteria"] = [
        {**c, "weight": c["weight"] - 5} if i == 0 else c for i, c in enumerate(content["criteria"])
    ] + [criterion("budget_asked", 5)]
    rubric_version_publish(version_id=rubric_version_create_draft(rubric_id=discovery.pk, content=content).pk)

    calls_coach_sweep()

    call.refresh_from_db()
    run.refresh_from_db()
    assert call.status == CallStatus.ANALYZED and run.status == RunStatus.SUCCEEDED
    assert fake.requests == []  # no repair, no second analysis
    discovery_result = next(d for d in run.result["speakers"][0]["dimensions"] if d["dimension"] == "discovery")
    assert "budget_asked" not in {c["key"] for c in discovery_result["criteria"]}


def test_the_batch_id_is_logged_before_the_runs_record_it(kb, short_policy, caplog):
    """A worker dying between creating the batch and recording it leaves a billed batch no run names: the log does."""
    import logging

    caplog.set_level(logging.INFO)
    call = call_with_reps(rounds=2)
    assert call_coach(call_id=call.pk, worker="t").status == "batch_submitted"
    run = AnalysisRun.objects.get(call_id=call.pk)
    created = [r for r in caplog.records if "batch_created" in r.getMessage()]
    assert len(created) == 1 and run.batch_id in created[0].getMessage() and str(run.pk) in created[0].getMessage()
