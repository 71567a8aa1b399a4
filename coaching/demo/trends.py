"""The demo's closing view of the 12-week history: per rep, the weekly overall mean as a sparkline, the first
4 weeks against the last 4, and whether the rule in coaching.needs says they need coaching (and why)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from coaching import metrics
from coaching.models import DimensionScore
from coaching.selectors.needs import needs_for_scores
from gong.models import GongUser

BARS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class TrendLine:
    name: str
    role: str
    calls: int
    weekly: list[float | None]  # overall mean effective score per week, oldest first
    needs: list[str]  # coaching.needs reasons at the end of the last week

    @property
    def first(self) -> float | None:
        return metrics.mean(self.weekly[:4])

    @property
    def last(self) -> float | None:
        return metrics.mean(self.weekly[-4:])

    @property
    def sparkline(self) -> str:
        """One character per week on the 1–5 scale; · for a week without scores."""
        return "".join(
            "·" if value is None else BARS[min(len(BARS) - 1, int((value - 1) / 4 * len(BARS)))]
            for value in self.weekly
        )


def rep_trends(*, week_start: dt.date, weeks: int = metrics.TREND_WEEKS) -> list[TrendLine]:
    """Every rep with scores in the `weeks` weeks ending with the week of `week_start`."""
    end = timezone.make_aware(dt.datetime.combine(week_start + dt.timedelta(weeks=1), dt.time.min))
    starts = [end - dt.timedelta(weeks=weeks - index) for index in range(weeks)]
    current = DimensionScore.objects.filter(session__is_current=True)
    rows = (
        current.filter(call_started__gte=starts[0], call_started__lt=end, rep__isnull=False)
        .annotate(week=TruncWeek("call_started"))
        .values("rep_id", "week")
        .annotate(mean=Avg(Coalesce("manager_score", "score")), calls=Count("session__call_id", distinct=True))
        .order_by()
    )
    weekly: dict[str, dict[dt.date, float | None]] = {}
    calls: dict[str, int] = {}
    for row in rows:
        weekly.setdefault(row["rep_id"], {})[timezone.localtime(row["week"]).date()] = (
            None if row["mean"] is None else float(row["mean"])
        )
        calls[row["rep_id"]] = calls.get(row["rep_id"], 0) + row["calls"]
    needs = {
        need.rep_id: [reason.text for reason in need.reasons] for need in needs_for_scores(scores=current, end=end)
    }
    reps = GongUser.objects.in_bulk(list(weekly))
    days = [timezone.localtime(start).date() for start in starts]
    lines = [
        TrendLine(
            name=reps[rep_id].name or reps[rep_id].email,
            role=reps[rep_id].role,
            calls=calls[rep_id],
            weekly=[by_week.get(day) for day in days],
            needs=needs.get(rep_id, []),
        )
        for rep_id, by_week in weekly.items()
        if rep_id in reps
    ]
    return sorted(lines, key=lambda line: line.name)
