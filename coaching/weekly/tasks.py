"""Queue entry point for the scheduled weekly review (django-q2 calls it by dotted path)."""

from __future__ import annotations

from django.utils import timezone

from coaching.weekly.schedule import weekly_review_due
from coaching.weekly.selectors import weekly_reviews_for_week
from coaching.weekly.services import weekly_review_run
from coaching.weekly.weeks import week_last_completed


def weekly_review_scheduled(gate: bool = False) -> str:
    """Review last week for every team. Idempotent: a second delivery updates the reviews and sends nothing."""
    now = timezone.now()
    if gate:
        if not weekly_review_due(now=now):
            return "not the review hour in WEEKLY_REVIEW_TIME_ZONE"
        week = week_last_completed(now=now).label
        if weekly_reviews_for_week(week=week):
            return f"{week} already reviewed"
    return weekly_review_run(now=now).summary
