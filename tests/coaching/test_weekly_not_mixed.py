"""A weekly review never averages the offline baseline with Claude: Claude's scores when there are any."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from coaching.models import WeeklyReview
from coaching.weekly.services import weekly_review_run
from tests.coaching.weekly_rows import session_create, team_create

pytestmark = pytest.mark.django_db
WEEK = "2026-W10"  # Monday 2026-03-02 .. Sunday 2026-03-08


def at(day: int) -> dt.datetime:
    return dt.datetime(2026, 3, day, 10, tzinfo=ZoneInfo("UTC"))


def test_the_weekly_review_averages_claudes_scores_only_when_both_analyzers_scored():
    manager, (rep_a, rep_b) = team_create()
    session_create(rep=rep_a, started=at(3), scores=4, analyzer="claude")
    session_create(rep=rep_b, started=at(4), scores=1, analyzer="offline")
    weekly_review_run(week=WEEK)
    review = WeeklyReview.objects.get(scope="team", subject=manager, week=WEEK)
    assert review.metrics["dimensions"]["discovery"]["mean"] == 4.0  # not (4 + 1) / 2
    assert review.metrics["analyzers"] == {"claude": 1, "offline": 1}  # both still counted, and labelled


def test_with_only_offline_scores_the_review_averages_them():
    manager, (rep_a, _rep_b) = team_create()
    session_create(rep=rep_a, started=at(3), scores=2, analyzer="offline")
    weekly_review_run(week=WEEK)
    review = WeeklyReview.objects.get(scope="team", subject=manager, week=WEEK)
    assert review.metrics["dimensions"]["discovery"]["mean"] == 2.0


def test_the_review_says_in_which_week_the_scoring_contract_changed():
    from coaching.models import CoachingSession

    manager, (rep_a, _rep_b) = team_create()
    session_create(rep=rep_a, started=at(3) - dt.timedelta(weeks=3), scores=3, analyzer="claude")
    newer = session_create(rep=rep_a, started=at(3), scores=4, analyzer="claude")
    CoachingSession.objects.filter(pk=newer.pk).update(contract=2)
    weekly_review_run(week=WEEK)
    review = WeeklyReview.objects.get(scope="team", subject=manager, week=WEEK)
    assert review.metrics["scoring_changed"] == "2026-03-02"
    assert "Scoring changed in the week of 2026-03-02" in review.report_text
    assert 'id="scoring-changed"' in review.report_html
