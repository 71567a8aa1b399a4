"""Read-only Gong quota report: requests today against the daily budget, and the current request spacing.

Everything comes from the shared limiter row (gong_api_quota, see gong/ratelimit.py), so the figures are the
same whichever process answers. 429 answers are not stored in the database: they are counted by the
Prometheus counter callcoach_gong_requests_total{status="429"} (read by the ops page from the metrics registry).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from gong.models import ApiQuota
from gong.ratelimit import SPACING_MARGIN, seconds_to_utc_midnight

GONG_DAILY_LIMIT = 10_000  # Gong's own company-wide cap (reference/gong-api.md §5); GONG_DAILY_BUDGET stays below


@dataclass(frozen=True)
class GongQuotaReport:
    day: dt.date  # the UTC day Gong counts in
    requests_today: int
    daily_budget: int
    rate_per_second: float
    spacing_s: float  # the gap the limiter keeps between two requests, across all processes
    backlog_s: float  # how far ahead slots are already reserved (0 when idle)
    resets_in_s: float
    warn_ratio: float

    @property
    def remaining(self) -> int:
        return max(self.daily_budget - self.requests_today, 0)

    @property
    def used_ratio(self) -> float | None:
        return self.requests_today / self.daily_budget if self.daily_budget else None

    @property
    def status(self) -> str:
        """ok | warning (past warn_ratio of the budget) | exhausted (requests wait for the next UTC day)."""
        if self.daily_budget and self.requests_today >= self.daily_budget:
            return "exhausted"
        if self.used_ratio is not None and self.used_ratio >= self.warn_ratio:
            return "warning"
        return "ok"


def gong_quota_report(*, warn_ratio: float, name: str = "gong", now: dt.datetime | None = None) -> GongQuotaReport:
    """Today's Gong usage from the shared limiter row (zero before the first request of the UTC day)."""
    now = now or timezone.now()
    today = now.astimezone(dt.UTC).date()
    row = ApiQuota.objects.filter(name=name).first()
    count = row.day_count if row and row.day == today else 0
    backlog = max((row.next_slot_at - now).total_seconds(), 0.0) if row else 0.0
    rate = float(settings.GONG_RATE_PER_SECOND)
    return GongQuotaReport(
        day=today,
        requests_today=count,
        daily_budget=int(settings.GONG_DAILY_BUDGET),
        rate_per_second=rate,
        spacing_s=round(SPACING_MARGIN / rate, 3) if rate > 0 else 0.0,
        backlog_s=round(backlog, 3),
        resets_in_s=round(seconds_to_utc_midnight(now.astimezone(dt.UTC)), 0),
        warn_ratio=warn_ratio,
    )
