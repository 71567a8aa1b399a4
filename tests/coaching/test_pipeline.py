"""The coaching stage: every transcribed call ends analysed (sessions + scores stored) or failed with a reason,
or held while the budget is spent; the offline analyzer works without a key and says so."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from analysis.models import AnalysisRun, ApiCall
from coaching.models import CoachingSession, DimensionScore
from coaching.services.pipeline import call_coach, calls_coach_batch, calls_coach_sweep
from gong.models import CallStatus
from tests.factories.analysis import REP_SPEAKER, SE_SPEAKER, call_with_reps
from tests.factories.gong import CallFactory

pytestmark = pytest.mark.django_db


def test_an_offline_analysis_stores_a_labelled_session_per_rep_with_evidence(kb, offline):
    call = call_with_reps(levels={REP_SPEAKER: 5, SE_SPEAKER: 1})
    outcome = call_coach(call_id=call.pk, worker="t")
    assert outcome.status == "analyzed"
    call.refresh_from_db()
    assert call.status == CallStatus.ANALYZED and call.analyzed_at is not None
    sessions = {s.speaker_id: s for s in CoachingSession.objects.filter(call=call)}
    assert set(sessions) == {REP_SPEAKER, SE_SPEAKER}
    assert {s.analyzer for s in sessions.values()} == {"offline"}
    assert sessions[REP_SPEAKER].overall_score > sessions[SE_SPEAKER].overall_score  # planted levels 5 vs 1
    assert sessions[SE_SPEAKER].product_errors and not sessions[REP_SPEAKER].product_errors
    scores = DimensionScore.objects.filter(session=sessions[REP_SPEAKER])
    assert scores.count() == 4 and all(s.rubric_version_id for s in scores)
    sentences = {s[2] for t in call.transcript.turns for s in t["sentences"]}
    quotes = [e["quote"] for s in scores for e in s.evidence]
    assert quotes and all(q in sentences for q in quotes)  # real transcript sentences
    assert ApiCall.objects.count() == 0


def test_coaching_twice_stores_once(kb, offline):
    call = call_with_reps()
    call_coach(call_id=call.pk)
    assert call_coach(call_id=call.pk).status == "not_claimed"
    assert CoachingSession.objects.filter(call=call).count() == 1


def test_a_forced_reanalysis_keeps_old_sessions_as_history(kb, offline):
    call = call_with_reps()
    call_coach(call_id=call.pk)
    assert call_coach(call_id=call.pk, force=True).status == "analyzed"
    sessions = CoachingSession.objects.filter(call=call)
    assert sessions.count() == 2 and sessions.filter(is_current=True).count() == 1
    assert sessions.get(is_current=True).run_id == AnalysisRun.objects.filter(call=call).latest("created_at").pk


def test_a_call_without_internal_speakers_fails_with_a_reason(kb, offline):
    call = CallFactory()
    from tests.factories.gong import TranscriptFactory

    TranscriptFactory(call=call, lines=[("5200000000000000009", "External", "Hello? Anyone there?")])
    assert call_coach(call_id=call.pk).status == "failed"
    call.refresh_from_db()
    assert call.status == CallStatus.FAILED and "no internal speaker" in call.status_reason


def test_a_claude_failure_ends_the_call_failed_with_the_reason(kb, fake_claude):
    fake_claude.fail_next("500", "500")
    call = call_with_reps()
    call_coach(call_id=call.pk)
    call.refresh_from_db()
    assert call.status == CallStatus.FAILED and "InternalServerError" in call.status_reason


def test_a_spent_budget_holds_the_call_and_the_sweep_releases_it_later(kb, fake_claude, settings):
    settings.ANALYSIS_MONTHLY_BUDGET_USD = 0.0001
    call_coach(call_id=call_with_reps(seed=1).pk)
    held = call_with_reps(seed=2)
    assert call_coach(call_id=held.pk).status == "held"
    held.refresh_from_db()
    assert held.status == CallStatus.HELD and "budget" in held.status_reason
    settings.ANALYSIS_MONTHLY_BUDGET_USD = 1000.0
    calls_coach_sweep()  # releases the held call and (queue in sync mode) coaches it
    held.refresh_from_db()
    assert held.status == CallStatus.ANALYZED


def test_the_batch_path_ends_with_sessions(kb, fake_claude):
    calls = [call_with_reps(seed=1), call_with_reps(seed=2)]
    fake_claude.batch_polls_until_done = 1
    outcomes = calls_coach_batch(call_ids=[c.pk for c in calls], worker="t")
    assert {o.status for o in outcomes} == {"batch_submitted"}
    calls_coach_sweep()  # first poll: batch still running
    assert not CoachingSession.objects.exists()
    calls_coach_sweep()  # ended: ingested, sessions stored
    for call in calls:
        call.refresh_from_db()
        assert call.status == CallStatus.ANALYZED
        assert CoachingSession.objects.get(call=call).analyzer == "claude"
    assert fake_claude.requests == []


def test_analyze_calls_analyses_and_prints_a_one_line_summary(kb, offline, capsys):
    calls = [call_with_reps(seed=1), call_with_reps(seed=2)]
    call_command("analyze_calls")
    out = capsys.readouterr().out
    assert "analyze_calls (offline): 2 calls, 2 analyzed (0 cache hits), 0 failed" in out
    assert all(CoachingSession.objects.filter(call=c).exists() for c in calls)


def test_analyze_calls_dry_run_estimates_without_analysing(kb, fake_claude, capsys):
    call = call_with_reps()
    call_command("analyze_calls", "--dry-run", "--call", call.pk)
    out = capsys.readouterr().out
    assert "dry run (claude, claude-sonnet-5-5, count_tokens): 1 calls, 0 cache hits" in out and "batch" in out
    assert fake_claude.requests == [] and not AnalysisRun.objects.exists()


def test_analyze_calls_batch_submits_polls_and_ingests(kb, fake_claude, capsys):
    call = call_with_reps()
    call_command("analyze_calls", "--batch", "--call", call.pk)
    assert "1 analyzed" in capsys.readouterr().out
    assert CoachingSession.objects.filter(call=call, analyzer="claude").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--call", "abc"], "a Gong call id is up to 20 digits"),
        (["--call", "123"], "Call 123 not found"),
        (["--since", "last tuesday"], "--since 'last tuesday'"),
        (["--limit", "0"], "--limit must be at least 1"),
    ],
)
def test_analyze_calls_rejects_bad_arguments_with_one_line(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("analyze_calls", *args)


def test_a_call_whose_workers_keep_dying_fails_after_the_attempt_limit_instead_of_paying_again(kb, offline, settings):
    from datetime import timedelta

    from django.utils import timezone

    from coaching.services.pipeline import call_coach
    from gong.models import Call, CallStatus
    from tests.factories.analysis import call_with_reps

    settings.ANALYSIS_MAX_ATTEMPTS = 3
    call = call_with_reps()
    stale = timezone.now() - timedelta(seconds=settings.ANALYSIS_CLAIM_TIMEOUT_S + 1)
    Call.objects.filter(pk=call.pk).update(status=CallStatus.ANALYZING, claimed_at=stale, attempts=3)
    assert call_coach(call_id=call.pk).status == "not_claimed"
    failed = Call.objects.get(pk=call.pk)
    assert failed.status == CallStatus.FAILED and "did not finish in 3 attempts" in failed.status_reason
    Call.objects.filter(pk=call.pk).update(status=CallStatus.ANALYZING, claimed_at=stale, attempts=2)
    assert call_coach(call_id=call.pk).status == "analyzed"  # under the limit: taken over and finished
