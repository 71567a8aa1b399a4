"""Every periodic job, in one list. `manage.py setup_schedules` writes them to django-q2 idempotently."""

from __future__ import annotations

from dataclasses import dataclass, field

from django_q.models import Schedule


@dataclass(frozen=True)
class ScheduleSpec:
    name: str
    func: str
    schedule_type: str
    minutes: int | None = None
    cron: str | None = None
    kwargs: dict = field(default_factory=dict)


def schedule_specs() -> list[ScheduleSpec]:
    return [
        ScheduleSpec("partitions_maintain", "core.tasks.partitions_maintain", Schedule.DAILY),
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
