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
