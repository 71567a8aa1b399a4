"""The weekly review's django-q2 schedule: created once by setup_schedules, at the configured day/hour/zone."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django_q.models import Schedule

from coaching.weekly.schedule import weekly_review_cron, weekly_review_due
from coaching.weekly.tasks import weekly_review_scheduled


@pytest.mark.django_db
def test_setup_schedules_creates_the_weekly_review_schedule_once():
    call_command("setup_schedules", stdout=StringIO())
    call_command("setup_schedules", stdout=StringIO())
    schedule = Schedule.objects.get(name="weekly_review")
    assert Schedule.objects.filter(func="coaching.weekly.tasks.weekly_review_scheduled").count() == 1
    assert schedule.schedule_type == Schedule.CRON
    assert schedule.cron == "0 7 * * mon"
    assert schedule.next_run.astimezone(dt.UTC).weekday() == 0 and schedule.next_run.astimezone(dt.UTC).hour == 7


@pytest.mark.django_db
def test_changing_the_settings_updates_the_existing_schedule(settings):
    call_command("setup_schedules", stdout=StringIO())
    settings.WEEKLY_REVIEW_DAY, settings.WEEKLY_REVIEW_HOUR = "tue", 9
    call_command("setup_schedules", stdout=StringIO())
    assert list(Schedule.objects.filter(name="weekly_review").values_list("cron", flat=True)) == ["0 9 * * tue"]


def test_a_review_zone_other_than_the_cluster_zone_runs_hourly_around_the_day_and_gates(settings):
    settings.TIME_ZONE = "UTC"
    settings.WEEKLY_REVIEW_TIME_ZONE = "America/New_York"
    settings.WEEKLY_REVIEW_DAY, settings.WEEKLY_REVIEW_HOUR = "mon", 7
    assert weekly_review_cron() == ("0 * * * sun,mon,tue", {"gate": True})
    new_york = ZoneInfo("America/New_York")
    # 07:00 in New York is 12:00 UTC in winter and 11:00 UTC in summer: both are "due", 07:00 UTC is not.
    assert weekly_review_due(now=dt.datetime(2026, 1, 5, 7, tzinfo=new_york))
    assert weekly_review_due(now=dt.datetime(2026, 7, 6, 11, tzinfo=dt.UTC))
    assert not weekly_review_due(now=dt.datetime(2026, 7, 6, 7, tzinfo=dt.UTC))
    assert not weekly_review_due(now=dt.datetime(2026, 7, 7, 7, tzinfo=new_york))  # a Tuesday


def test_a_bad_day_setting_fails_loudly(settings):
    settings.WEEKLY_REVIEW_DAY = "someday"
    with pytest.raises(ValueError, match="WEEKLY_REVIEW_DAY"):
        weekly_review_cron()


@pytest.mark.django_db
def test_the_gated_task_does_nothing_outside_the_review_day(settings):
    settings.WEEKLY_REVIEW_TIME_ZONE = "America/New_York"
    today = dt.datetime.now(ZoneInfo("America/New_York")).weekday()  # Monday = 0
    settings.WEEKLY_REVIEW_DAY = ("tue", "wed", "thu", "fri", "sat", "sun", "mon")[today]  # tomorrow
    assert weekly_review_scheduled(gate=True) == "not the review hour in WEEKLY_REVIEW_TIME_ZONE"


def test_a_gated_run_hours_late_still_reviews_the_week_once(settings):
    settings.TIME_ZONE = "UTC"
    settings.WEEKLY_REVIEW_TIME_ZONE = "America/New_York"
    settings.WEEKLY_REVIEW_DAY, settings.WEEKLY_REVIEW_HOUR = "mon", 7
    new_york = ZoneInfo("America/New_York")
    assert weekly_review_due(now=dt.datetime(2026, 1, 5, 10, 30, tzinfo=new_york))  # the 07:00 run was missed
    assert weekly_review_due(now=dt.datetime(2026, 1, 5, 18, 59, tzinfo=new_york))
    assert not weekly_review_due(now=dt.datetime(2026, 1, 5, 19, 0, tzinfo=new_york))  # 12 hours on: next week
    assert not weekly_review_due(now=dt.datetime(2026, 1, 5, 6, 59, tzinfo=new_york))


@pytest.mark.django_db
def test_the_gated_task_skips_a_week_already_reviewed(settings):
    from unittest import mock

    from coaching.models import ReviewScope, WeeklyReview
    from coaching.weekly.weeks import week_last_completed
    from tests.factories.gong import GongUserFactory

    settings.WEEKLY_REVIEW_TIME_ZONE = "UTC"
    now = dt.datetime.now(dt.UTC)
    settings.WEEKLY_REVIEW_DAY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[now.weekday()]
    settings.WEEKLY_REVIEW_HOUR = now.hour
    period = week_last_completed(now=now)
    week = period.label
    WeeklyReview.objects.create(scope=ReviewScope.TEAM, subject=GongUserFactory(), week=week, week_start=period.start)
    with mock.patch("coaching.weekly.tasks.weekly_review_run", autospec=True) as run:
        assert weekly_review_scheduled(gate=True) == f"{week} already reviewed"
    run.assert_not_called()
