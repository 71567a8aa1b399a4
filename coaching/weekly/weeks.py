"""Reporting periods: ISO weeks (Monday–Sunday) and arbitrary date ranges, in the review time zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from core.errors import ApplicationError

WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")
# Reports look back up to a year (the previous period, 12 weeks of trend) and a day ahead; dates near year 1 or
# 9999 would overflow Python's date. Calls are from this century anyway.
EARLIEST, LATEST = date(1970, 1, 1), date(2999, 12, 31)


def _in_range(day: date, what: str) -> None:
    if not EARLIEST <= day <= LATEST:
        raise ApplicationError(f"{what} {day.isoformat()} is out of range: use a date from {EARLIEST} to {LATEST}")


@dataclass(frozen=True)
class Period:
    """[start, end) in local dates of `tz`; `label` is "2026-W47" for a week, "2026-11-01..2026-11-30" otherwise."""

    label: str
    start: date
    end: date  # exclusive
    tz: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def start_dt(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=self.zone)

    @property
    def end_dt(self) -> datetime:
        return datetime.combine(self.end, time.min, tzinfo=self.zone)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def is_week(self) -> bool:
        return bool(WEEK_RE.match(self.label))

    def previous(self) -> Period:
        """The period of the same length immediately before this one."""
        if self.is_week:
            return week_for_date(self.start - timedelta(days=7), tz=self.tz)
        return period_for_dates(self.start - timedelta(days=self.days), self.start - timedelta(days=1), tz=self.tz)

    def as_dict(self) -> dict:
        return {"label": self.label, "start": self.start.isoformat(), "end": self.last_day.isoformat(), "tz": self.tz}


def _tz(tz: str | None) -> str:
    return tz or settings.WEEKLY_REVIEW_TIME_ZONE


def week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_for_date(day: date, *, tz: str | None = None) -> Period:
    """The ISO week containing `day`."""
    monday = day - timedelta(days=day.weekday())
    return Period(label=week_label(monday), start=monday, end=monday + timedelta(days=7), tz=_tz(tz))


def week_parse(label: str, *, tz: str | None = None) -> Period:
    """ "2026-W47" → that ISO week; ApplicationError for anything else (including week 53 of a 52-week year)."""
    match = WEEK_RE.match(label.strip())
    if not match:
        raise ApplicationError(f"Week must look like 2026-W47, got {label!r}")
    try:
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError as exc:
        raise ApplicationError(f"{label} is not an ISO week: {exc}") from exc
    _in_range(monday, f"Week {label} starts")
    return week_for_date(monday, tz=tz)


def week_last_completed(*, now: datetime, tz: str | None = None) -> Period:
    """The most recent full week before `now` (in the review time zone): on a Monday, last week."""
    local_today = now.astimezone(ZoneInfo(_tz(tz))).date()
    return week_for_date(local_today - timedelta(days=7), tz=tz)


def period_for_dates(start: date, end_inclusive: date, *, tz: str | None = None) -> Period:
    """A custom period of whole days; a Monday-to-Sunday range becomes the ISO week it is."""
    _in_range(start, "The start date")
    _in_range(end_inclusive, "The end date")
    if end_inclusive < start:
        raise ApplicationError(f"The period ends ({end_inclusive}) before it starts ({start})")
    end = end_inclusive + timedelta(days=1)
    if start.weekday() == 0 and (end - start).days == 7:
        return week_for_date(start, tz=tz)
    return Period(label=f"{start.isoformat()}..{end_inclusive.isoformat()}", start=start, end=end, tz=_tz(tz))


def week_starts_ending(last_week_start: date, *, weeks: int) -> list[date]:
    """Mondays of the `weeks` weeks ending with the one starting `last_week_start`, oldest first."""
    return [last_week_start - timedelta(days=7 * back) for back in range(weeks - 1, -1, -1)]
