"""When the weekly review runs: a django-q2 cron schedule built from the WEEKLY_REVIEW_* settings.

django-q2 (1.11) evaluates cron in the cluster's time zone (Q_CLUSTER["time_zone"], else TIME_ZONE) and its
Schedule has no per-schedule zone. When the review zone is the cluster's, the cron is exact
("0 7 * * mon"). When they differ, a fixed cron would drift by an hour across daylight-saving changes, so the
schedule fires hourly on the review day ±1 (cluster time) and the task runs only in the review hour of the review
zone (`gate=True`): exact all year, and the other runs return at once. A gated run up to CATCH_UP hours late
still reviews the week unless its reviews already exist.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # cron numbering: 0 = Sunday


def _day_index(day: str) -> int:
    key = day.strip().lower()[:3]
    if key not in DAYS:
        raise ValueError(f"WEEKLY_REVIEW_DAY={day!r} is not a weekday name (mon, tue, …)")
    return DAYS.index(key)


def _cluster_zone() -> str:
    return settings.Q_CLUSTER.get("time_zone") or settings.TIME_ZONE


def weekly_review_cron() -> tuple[str, dict]:
    """(cron expression in the cluster's zone, task kwargs)."""
    day = _day_index(settings.WEEKLY_REVIEW_DAY)
    hour = int(settings.WEEKLY_REVIEW_HOUR)
    if not 0 <= hour <= 23:
        raise ValueError(f"WEEKLY_REVIEW_HOUR={hour} must be 0–23")
    if _cluster_zone() == settings.WEEKLY_REVIEW_TIME_ZONE:
        return f"0 {hour} * * {DAYS[day]}", {}
    around = ",".join(DAYS[(day + offset) % 7] for offset in (-1, 0, 1))
    return f"0 * * * {around}", {"gate": True}


CATCH_UP = timedelta(hours=12)


def weekly_review_due(*, now: datetime) -> bool:
    """True from the review hour of the review day (WEEKLY_REVIEW_TIME_ZONE) for CATCH_UP hours: a run the queue
    delivered late, or the first after the cluster was down, still reviews the week (the task skips a week whose
    reviews exist, so the hourly runs after the first do nothing)."""
    local = now.astimezone(ZoneInfo(settings.WEEKLY_REVIEW_TIME_ZONE))
    cron_weekday = (local.weekday() + 1) % 7  # Python: Monday = 0; cron: Sunday = 0
    days_since = (cron_weekday - _day_index(settings.WEEKLY_REVIEW_DAY)) % 7
    moment = (local - timedelta(days=days_since)).replace(
        hour=int(settings.WEEKLY_REVIEW_HOUR), minute=0, second=0, microsecond=0
    )
    if moment > local:
        moment -= timedelta(days=7)
    return local - moment < CATCH_UP
