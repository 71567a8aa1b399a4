"""Every periodic job, in one list. `manage.py setup_schedules` writes them to django-q2 idempotently."""

from __future__ import annotations

from dataclasses import dataclass, field

from django_q.models import Schedule

from coaching.weekly.schedule import weekly_review_cron


@dataclass(frozen=True)
class ScheduleSpec:
    name: str
    func: str
    schedule_type: str
    minutes: int | None = None
    cron: str | None = None
    kwargs: dict = field(default_factory=dict)


def _weekly_review_spec() -> ScheduleSpec:
    cron, kwargs = weekly_review_cron()
    return ScheduleSpec(
        "weekly_review", "coaching.weekly.tasks.weekly_review_scheduled", Schedule.CRON, cron=cron, kwargs=kwargs
    )


def schedule_specs() -> list[ScheduleSpec]:
    return [
        ScheduleSpec("partitions_maintain", "core.tasks.partitions_maintain", Schedule.DAILY),
        _weekly_review_spec(),
        # Gong ingestion: the fetch sweep re-finds pending calls whose task was lost (and due retries of late
        # transcripts); the hourly poll catches calls whose webhook never came; users/manager hierarchy daily.
        ScheduleSpec("gong_calls_fetch_pending", "gong.tasks.calls_fetch_pending", Schedule.MINUTES, minutes=1),
        ScheduleSpec("gong_sync", "gong.tasks.gong_sync", Schedule.HOURLY),
        ScheduleSpec("gong_users_sync", "gong.tasks.users_sync", Schedule.DAILY),
        # Coaching: enqueue every transcribed call whose task was lost, re-claim stale analyses, release held
        # calls once the budget allows, and ingest finished Message Batches.
        ScheduleSpec("coaching_calls_sweep", "coaching.tasks.calls_coach_sweep", Schedule.MINUTES, minutes=5),
        # Calibration: managers' Gong scorecards as reference scores, and deal outcomes (a few Gong requests).
        ScheduleSpec("calibration_sync", "coaching.tasks.calibration_sync", Schedule.DAILY),
        # Ops: the Claude budget alert (banner + one email per month per level).
        ScheduleSpec("ops_budget_alert_check", "ops.tasks.budget_alert_check", Schedule.MINUTES, minutes=10),
    ]


def schedules_setup() -> tuple[int, int]:
    """Create or update every schedule by name; returns (created, updated). Running it twice changes nothing."""
    created = updated = 0
    for spec in schedule_specs():
        defaults = {
            "func": spec.func,
            "schedule_type": spec.schedule_type,
            "minutes": spec.minutes,
            "cron": spec.cron,
            # django-q2 stores kwargs as Python source text ("week='2026-W47'").
            "kwargs": ", ".join(f"{key}={value!r}" for key, value in spec.kwargs.items()) or None,
            "repeats": -1,
        }
        existing = Schedule.objects.filter(name=spec.name).first()
        if existing is None:
            Schedule.objects.create(name=spec.name, **defaults)
            created += 1
            continue
        if any(getattr(existing, key) != value for key, value in defaults.items()):
            for key, value in defaults.items():
                setattr(existing, key, value)
            if spec.cron:
                existing.next_run = existing.calculate_next_run()
            existing.save()
            updated += 1
    return created, updated
