"""Pipeline view selectors (timelines, stuck, failed, failed tasks) and the retry service."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone
from django_q.models import Task

from coaching.access import Viewer
from coaching.models import CoachingSession, DimensionScore
from core.errors import ApplicationError
from gong.models import Call, CallStatus, WebhookEvent
from ops import selectors, services
from tests.factories.gong import CallFactory, TranscriptFactory
from tests.ops.conftest import ledger_row, run_row

pytestmark = pytest.mark.django_db

# The ops pages' viewer: coaching ops and staff see every call (coaching.access).
OPS = Viewer(user_id=1, username="ops", gong_user_id=None, scope="all", rep_ids=frozenset(), role="ops")


def _age(call: Call, **delta) -> None:
    Call.objects.filter(pk=call.pk).update(updated_at=timezone.now() - dt.timedelta(**delta))


def test_timeline_shows_each_stage_and_the_time_since_the_previous_one():
    t0 = timezone.now() - dt.timedelta(hours=3)
    call = CallFactory(
        status=CallStatus.ANALYZED,
        started=t0 - dt.timedelta(hours=1),
        received_at=t0,
        fetched_at=t0 + dt.timedelta(seconds=30),
        transcribed_at=t0 + dt.timedelta(seconds=45),
        analyzed_at=t0 + dt.timedelta(seconds=105),
    )
    run = run_row(call=call)
    session = CoachingSession.objects.create(
        call_started=call.started, call=call, run=run, speaker_id="5100000000000000001", analyzer="claude"
    )
    reviewed_at = t0 + dt.timedelta(hours=2)
    DimensionScore.objects.create(
        call_started=call.started, session=session, dimension="discovery", score=3, reviewed_at=reviewed_at
    )
    timeline = selectors.call_timeline_get(viewer=OPS, call_id=call.pk)
    assert [step.stage for step in timeline.steps] == ["received", "fetched", "transcribed", "analyzed", "reviewed"]
    assert [step.seconds_from_previous for step in timeline.steps] == [None, 30, 15, 60, 7200 - 105]
    assert timeline.total_seconds == 7200


def test_timeline_falls_back_to_the_first_webhook_and_skips_missing_stages():
    call = CallFactory(pending=True, received_at=None)
    first = timezone.now() - dt.timedelta(minutes=5)
    for offset in (0, 60):  # a redelivery a minute later does not move the start
        WebhookEvent.objects.create(
            received_at=first + dt.timedelta(seconds=offset), auth_method="hmac", body_sha256="0" * 64,
            raw_body="{}", call_id=call.pk, status="accepted",
        )  # fmt: skip
    timeline = selectors.call_timeline_get(viewer=OPS, call_id=call.pk)
    assert timeline.steps[0].at == first
    assert [step.at for step in timeline.steps[1:]] == [None, None, None, None]
    assert timeline.total_seconds is None


def test_stuck_lists_in_flight_calls_untouched_past_the_threshold_only():
    stuck = CallFactory(pending=True)
    recent = CallFactory(pending=True)
    done = CallFactory(status=CallStatus.ANALYZED)
    held = CallFactory(status=CallStatus.HELD)
    backing_off = CallFactory(pending=True, next_attempt_at=timezone.now() + dt.timedelta(minutes=20))
    for call in (stuck, done, held, backing_off):
        _age(call, hours=2)
    listed = [t.call_id for t in selectors.stuck_calls_report(viewer=OPS, older_than=dt.timedelta(hours=1))]
    assert listed == [stuck.pk]
    assert recent.pk not in listed
    assert [t.call_id for t in selectors.held_calls_report(viewer=OPS)] == [held.pk]


def test_failed_calls_show_their_reasons():
    CallFactory(status=CallStatus.FAILED, status_reason="transcript never became available after 24 h")
    failed = selectors.failed_calls_report(viewer=OPS)
    assert [t.reason for t in failed] == ["transcript never became available after 24 h"]


def test_status_counts_cover_every_status():
    CallFactory.create_batch(2, pending=True)
    CallFactory(status=CallStatus.FAILED)
    counts = {status: n for status, _label, n in selectors.status_counts_report()}
    assert counts[CallStatus.PENDING] == 2
    assert counts[CallStatus.FAILED] == 1
    assert counts[CallStatus.ANALYZED] == 0


def test_failed_queue_tasks_are_listed_with_their_error():
    now = timezone.now()
    Task.objects.create(
        id="a" * 32, name="call_coach:1", func="coaching.tasks.call_coach", args=("123",), result="boom: DB gone",
        started=now, stopped=now, success=False, attempt_count=3,
    )  # fmt: skip
    Task.objects.create(id="b" * 32, name="ok", func="x.y", started=now, stopped=now, success=True)
    tasks = selectors.failed_tasks_report()
    assert [(t.func, t.error, t.attempts) for t in tasks] == [("coaching.tasks.call_coach", "boom: DB gone", 3)]


@pytest.fixture
def enqueued():
    """Our enqueue seams, patched: the test settings run tasks synchronously, and these tests are about state."""
    with (
        mock.patch.object(services, "call_analysis_enqueue", autospec=True) as analysis,
        mock.patch.object(services, "calls_fetch_enqueue", autospec=True) as fetch,
    ):
        yield {"analysis": analysis, "fetch": fetch}


def test_retry_of_a_failed_call_with_transcript_sends_it_back_to_analysis(enqueued):
    call = CallFactory(status=CallStatus.FAILED, status_reason="analysis failed: invalid output")
    TranscriptFactory(call=call)
    outcome = services.call_retry(call_id=call.pk)
    call.refresh_from_db()
    assert (outcome.action, call.status, call.status_reason) == ("analysis", CallStatus.TRANSCRIBED, "")
    enqueued["analysis"].assert_called_once_with(call_id=call.pk)


def test_retry_of_a_failed_call_without_transcript_fetches_it_again(enqueued):
    call = CallFactory(status=CallStatus.FAILED, transcribed_at=None, attempts=9, status_reason="no transcript")
    outcome = services.call_retry(call_id=call.pk)
    call.refresh_from_db()
    assert (outcome.action, call.status, call.attempts) == ("fetch", CallStatus.PENDING, 0)
    enqueued["fetch"].assert_called_once_with()


def test_retry_of_a_stuck_analysis_releases_the_dead_claim(enqueued):
    call = CallFactory(status=CallStatus.ANALYZING, claimed_by="worker-that-died", claimed_at=timezone.now())
    TranscriptFactory(call=call)
    _age(call, hours=3)
    services.call_retry(call_id=call.pk, stuck_after=dt.timedelta(hours=1))
    call.refresh_from_db()
    assert (call.status, call.claimed_by) == (CallStatus.TRANSCRIBED, "")


def test_retry_refuses_a_call_that_is_still_moving(enqueued):
    call = CallFactory(status=CallStatus.ANALYZING, claimed_by="busy-worker")
    with pytest.raises(ApplicationError, match="still being processed"):
        services.call_retry(call_id=call.pk, stuck_after=dt.timedelta(hours=1))
    call.refresh_from_db()
    assert call.claimed_by == "busy-worker"
    enqueued["analysis"].assert_not_called()


def test_retry_refuses_analysed_calls_and_reports_each_refusal(enqueued):
    done = CallFactory(status=CallStatus.ANALYZED)
    outcomes, refused = services.calls_retry(call_ids=[done.pk, "999"])
    assert outcomes == []
    assert "nothing to retry" in refused[done.pk]
    assert "not found" in refused["999"]


def test_retry_of_a_held_call_waits_while_the_budget_is_spent(enqueued, settings):
    settings.ANALYSIS_MONTHLY_BUDGET_USD = 1.0
    call = CallFactory(status=CallStatus.HELD)
    ledger_row(at=timezone.now(), cost="1.500000")
    with pytest.raises(ApplicationError, match="budget"):
        services.call_retry(call_id=call.pk)
    settings.ANALYSIS_MONTHLY_BUDGET_USD = 10.0
    services.call_retry(call_id=call.pk)
    call.refresh_from_db()
    assert call.status == CallStatus.TRANSCRIBED
    enqueued["analysis"].assert_called_once_with(call_id=call.pk)


def test_stage_durations_give_median_and_p95_per_stage():
    t0 = timezone.now() - dt.timedelta(hours=5)
    for fetch_s in (10, 20, 30, 40, 1000):
        CallFactory(
            status=CallStatus.ANALYZED,
            received_at=t0,
            fetched_at=t0 + dt.timedelta(seconds=fetch_s),
            transcribed_at=t0 + dt.timedelta(seconds=fetch_s + 5),
            analyzed_at=t0 + dt.timedelta(seconds=fetch_s + 65),
        )
    CallFactory(pending=True, received_at=t0)  # not fetched yet: not counted in later stages
    stages = {s.label: s for s in selectors.stage_durations_report(since=t0 - dt.timedelta(minutes=1))}
    fetch = stages["Webhook → fetched"]
    assert (fetch.calls, fetch.median_s) == (5, 30)
    assert fetch.p95_s == pytest.approx(40 + 0.8 * (1000 - 40))  # linear interpolation, like percentile_cont
    assert stages["Transcribed → analysed"].median_s == 60
    assert stages["Webhook → analysed"].calls == 5


def test_a_call_waiting_in_a_message_batch_is_not_stuck_until_the_batch_is_a_day_old():
    from analysis.models import AnalysisRun, RunStatus

    waiting, forgotten = CallFactory(status=CallStatus.ANALYZING), CallFactory(status=CallStatus.ANALYZING)
    for call, submitted_hours_ago in ((waiting, 3), (forgotten, 30)):
        _age(call, hours=3)
        AnalysisRun.objects.create(
            call=call, cache_key=f"{call.pk:0>64}", transcript_sha256="0" * 64, knowledge_hash="0" * 64,
            prompt_version="t", model="m", status=RunStatus.BATCH_SUBMITTED, batch_id="msgbatch_1",
            claimed_at=timezone.now() - dt.timedelta(hours=submitted_hours_ago),
        )  # fmt: skip
    listed = [t.call_id for t in selectors.stuck_calls_report(viewer=OPS, older_than=dt.timedelta(hours=1))]
    assert listed == [forgotten.pk]


def test_the_pipeline_selectors_show_a_viewer_only_the_calls_they_may_see():
    failed = CallFactory(status=CallStatus.FAILED, status_reason="no transcript")
    rep = Viewer(user_id=2, username="rep", gong_user_id="42", scope="self", rep_ids=frozenset({"42"}), role="rep")
    assert selectors.failed_calls_report(viewer=rep) == []
    assert selectors.call_timeline_get(viewer=rep, call_id=failed.pk) is None
    assert [t.call_id for t in selectors.failed_calls_report(viewer=OPS)] == [failed.pk]
