"""Before the review, the week's unanalysed calls are analysed (offline analyzer here) and land in the review."""

from __future__ import annotations

import datetime as dt

import pytest

from coaching.models import CoachingSession, WeeklyReview
from coaching.weekly.services import weekly_review_run
from gong.models import CallStatus
from tests.coaching.weekly_rows import team_create
from tests.factories.gong import (
    EXTERNAL_SPEAKER,
    INTERNAL_SPEAKER,
    CallFactory,
    CallParticipantFactory,
    TranscriptFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _kb(kb):
    pass


@pytest.fixture
def fake_claude(fake_claude, settings):
    settings.WEEKLY_REVIEW_POLL_INTERVAL_S = 0.05
    return fake_claude


def transcribed_call(rep, started):
    call = CallFactory(primary_user=rep, started=started, status=CallStatus.TRANSCRIBED, title="Discovery with Acme")
    CallParticipantFactory(call=call, user=rep, speaker_id=INTERNAL_SPEAKER)
    CallParticipantFactory(call=call, external=True, speaker_id=EXTERNAL_SPEAKER)
    TranscriptFactory(call=call)
    return call


def test_unanalysed_calls_of_the_week_are_analysed_before_the_review(offline):
    manager, (rep, _) = team_create()
    call = transcribed_call(rep, dt.datetime(2026, 3, 3, 10, tzinfo=dt.UTC))
    result = weekly_review_run(week="2026-W10", wait_timeout_s=5)
    assert result.analysed == [call.pk]
    assert result.missing == []
    assert CoachingSession.objects.filter(call=call, rep=rep, analyzer="offline").exists()
    review = WeeklyReview.objects.get(scope="team", subject=manager, week="2026-W10")
    assert review.metrics["volume"]["calls"] == 1
    assert review.metrics["analyzers"] == {"offline": 1}
    assert "offline analyzer" in review.report_text


def test_a_second_run_finds_nothing_left_to_analyse(offline):
    _, (rep, _) = team_create()
    transcribed_call(rep, dt.datetime(2026, 3, 3, 10, tzinfo=dt.UTC))
    weekly_review_run(week="2026-W10", wait_timeout_s=5)
    again = weekly_review_run(week="2026-W10", wait_timeout_s=5)
    assert again.analysed == []
    assert CoachingSession.objects.count() == 1


def test_with_claude_the_leftovers_go_through_one_message_batch_and_nothing_realtime(fake_claude):
    manager, (rep_a, rep_b) = team_create()
    calls = [
        transcribed_call(rep, dt.datetime(2026, 3, 3 + i, 10, tzinfo=dt.UTC)) for i, rep in enumerate((rep_a, rep_b))
    ]
    fake_claude.batch_polls_until_done = 2
    result = weekly_review_run(week="2026-W10", wait_timeout_s=30)
    assert result.batch_id and sorted(result.analysed) == sorted(c.pk for c in calls)
    assert fake_claude.requests == []  # no full-price realtime request
    review = WeeklyReview.objects.get(scope="team", subject=manager, week="2026-W10")
    assert review.metrics["volume"]["calls"] == 2 and review.metrics["analyzers"] == {"claude": 2}


def test_a_batch_still_running_at_the_timeout_is_reported_as_missing(fake_claude):
    manager, (rep, _) = team_create()
    call = transcribed_call(rep, dt.datetime(2026, 3, 3, 10, tzinfo=dt.UTC))
    fake_claude.batch_polls_until_done = 10_000
    result = weekly_review_run(week="2026-W10", wait_timeout_s=1)
    assert result.analysed == []
    assert [(m["call_id"], m["reason"]) for m in result.missing] == [(call.pk, "analysis not finished within 1 s")]
    review = WeeklyReview.objects.get(scope="team", subject=manager, week="2026-W10")
    assert review.metrics["no_calls"] is True
    assert "analysis not finished within 1 s" in review.report_text
