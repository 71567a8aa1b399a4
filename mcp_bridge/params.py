"""Typed, validated tool parameters. Their descriptions become the input schema the model reads."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal

from django.utils import timezone
from pydantic import Field

from coaching.weekly.weeks import EARLIEST, LATEST
from core.errors import ApplicationError

CallId = Annotated[
    str,
    Field(
        pattern=r"^[0-9]{1,20}$",
        description="Gong call id (1–20 digits), as returned by search_calls or get_rep_insights.",
    ),
]
RepRef = Annotated[
    str,
    Field(
        min_length=2,
        max_length=254,
        description='The rep: email, full name, Gong user id, or "me" (default: the person asking).',
    ),
]
StartDate = Annotated[
    date | None, Field(description="First day of the period, YYYY-MM-DD (default: 90 days before `end`).")
]
EndDate = Annotated[date | None, Field(description="Last day of the period, YYYY-MM-DD (default: today).")]
Cursor = Annotated[
    str | None,
    Field(max_length=400, description="`next_cursor` from the previous page; omit for the first page."),
]
Dimension = Literal["product_knowledge", "discovery", "objection_handling", "engagement"]

MAX_PERIOD_DAYS = 400


def period(start: date | None, end: date | None, *, default_days: int = 90) -> tuple[date, date]:
    """(start, end) with defaults filled in; ApplicationError when reversed or longer than MAX_PERIOD_DAYS."""
    for name, day in (("start", start), ("end", end)):
        if day is not None and not EARLIEST <= day <= LATEST:
            raise ApplicationError(f"`{name}` ({day}) is out of range: use a date from {EARLIEST} to {LATEST}.")
    end = end or timezone.localdate()
    start = start or end - timedelta(days=default_days)
    if start > end:
        raise ApplicationError(f"`start` ({start}) is after `end` ({end}); swap them.")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ApplicationError(f"The period is {(end - start).days} days; ask for at most {MAX_PERIOD_DAYS}.")
    return start, end


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))
