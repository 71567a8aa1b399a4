"""Queue entry point for the scheduled weekly review (django-q2 calls it by dotted path)."""

from __future__ import annotations

from django.utils import timezone

from coaching.weekly.schedule import weekly_review_due
from coaching.weekly.services import weekly_review_run


def weekly_review_scheduled(gate: bool = False) -> str:
    """Review last week for every team. Idempotent: a second delivery updates the reviews and sends nothing."""
    if gate and not weekly_review_due(now=timezone.now()):
        return "not the review hour in WEEKLY_REVIEW_TIME_ZONE"
    return weekly_review_run().summary
