"""How a figure reads wherever people see it (portal, ops pages, the stock admin, email): one function per kind.

Dates use the house formats in config/formats/en/formats.py ("3 Dec 2026", "3 Dec 2026, 14:05", "Dec 2026"),
the same ones Django's own rendering (admin lists, change forms, `{{ value|date }}`) reads, so a page never
mixes two. Durations read m:ss (h:mm:ss from an hour), shares as %, money as $ with one precision rule, latencies
in ms. Machine-readable outputs (CSV, JSON, MCP) keep ISO dates and raw numbers: these are for reading.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, timezone

NONE = "—"


def _missing(value) -> bool:
    """No value to show: None, or the empty string a template passes for a missing attribute."""
    return value is None or value == ""


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def date_display(value: dt.date | dt.datetime | None) -> str:
    """A day in the house format: "3 Dec 2026" (a datetime is read in the current time zone first)."""
    if _missing(value):
        return NONE
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    return formats.date_format(value, "DATE_FORMAT")


def datetime_display(value: dt.datetime | None) -> str:
    """A moment in the house format, in the current time zone: "3 Dec 2026, 14:05"."""
    if _missing(value):
        return NONE
    return formats.date_format(_local(value), "DATETIME_FORMAT")


def month_display(value: dt.date | str | None) -> str:
    """A month: "Dec 2026" (from a date or a "2026-12" key)."""
    if _missing(value):
        return NONE
    if isinstance(value, str):
        value = dt.date.fromisoformat(f"{value}-01")
    return formats.date_format(value, "YEAR_MONTH_FORMAT")


def clock(ms: int | float | None) -> str:
    """Milliseconds as m:ss (h:mm:ss from an hour); None → "" (a moment with no time stamp)."""
    if ms is None:
        return ""
    seconds = int(ms) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def duration_display(seconds: int | float | Decimal | None) -> str:
    """A duration in seconds as m:ss (h:mm:ss from an hour); under a second but not zero: "<0:01"; None → "—"."""
    if _missing(seconds):
        return NONE
    value = float(seconds)
    if 0 < value < 1:
        return "<0:01"
    return clock(value * 1000)


def percent_display(ratio: float | Decimal | None) -> str:
    """A share (0–1) as a whole percent: 0.4321 → "43%". Never 0% for a share that is not none, nor 100% for one
    that is not all: under 1% or above 99% one decimal ("0.4%", "99.6%"), and "<0.1%" / ">99.9%" beyond."""
    if _missing(ratio):
        return NONE
    percent = float(ratio) * 100
    if 0 < percent < 0.1:
        return "<0.1%"
    if 99.9 < percent < 100:
        return ">99.9%"
    if 0 < percent < 1 or 99 < percent < 100:
        return f"{percent:.1f}%"
    return f"{percent:.0f}%"


def money_display(usd: Decimal | float | int | None) -> str:
    """US dollars: 2 decimals from $1 ("$1,234.57"); under $1, up to 4 so a per-call cost is not "$0.00"
    ("$0.0123", "$0.05"); None → "—" (no price known)."""
    if _missing(usd):
        return NONE
    value = Decimal(str(usd))
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value >= 1 or value == 0:
        return f"{sign}${value.quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}"
    if value < Decimal("0.00005"):
        return f"{sign}<$0.0001"
    text = f"{value.quantize(Decimal('0.0001'), ROUND_HALF_UP):.4f}".rstrip("0")
    if len(text.split(".")[1]) < 2:
        text = f"{value.quantize(Decimal('0.01'), ROUND_HALF_UP):.2f}"
    return f"{sign}${text}"


def ms_display(ms: int | float | None) -> str:
    """A latency in milliseconds: "1,234 ms"; None → "—"."""
    if _missing(ms):
        return NONE
    return f"{float(ms):,.0f} ms"


def count_display(value: int | float | None) -> str:
    """A count with thousands separators: "12,345"; None → "—"."""
    if _missing(value):
        return NONE
    return f"{float(value):,.0f}"
