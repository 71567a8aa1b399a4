"""The admin dashboard: calls analysed this week, team averages per dimension against the previous 4 weeks,
reps needing attention, and Claude cost this month — all limited to what the viewer may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone

from coaching import metrics
from coaching.access import Viewer
from coaching.needs import RepNeed, rule_text
from coaching.selectors.calls import call_list
from coaching.selectors.common import (
    DIMENSION_LABELS,
    Window,
    effective_score,
    month_start,
    rolling_windows,
    scores_for_averages,
)
from coaching.selectors.costs import LedgerTotal, ledger_total_since
from coaching.selectors.needs import reps_needing_coaching
from knowledgebase.dimensions import DIMENSIONS

ATTENTION_LIMIT = 10
# Roles that manage Claude spend (the Ops pages): only they see cost figures.
COST_ROLES = frozenset({"ops", "staff", "superuser"})


@dataclass(frozen=True)
class DimensionAverage:
    dimension: str
    label: str
    current: float | None
    baseline: float | None
    change: float | None
    count: int


@dataclass
class Dashboard:
    now: dt.datetime
    current: Window
    baseline: Window
    calls_analysed: int
    averages: list[DimensionAverage]
    attention: list[RepNeed]  # coaching.needs: the same reps the team page and weekly review name
    cost: LedgerTotal | None  # None for roles that do not manage cost
    cost_since: dt.datetime
    scope: str
    threshold: float
    needs_rule: str


def _window_sums(scores, current: Window, baseline: Window) -> list[dict]:
    """Per dimension: sums and counts of effective scores in both windows (means recombined exactly from sums)."""
    in_current = Q(call_started__gte=current.start)
    score = effective_score()
    return list(
        scores.filter(call_started__gte=baseline.start, call_started__lt=current.end)
        .values("dimension")
        .annotate(
            current_sum=Sum(score, filter=in_current),
            current_n=Count(score, filter=in_current),
            baseline_sum=Sum(score, filter=~in_current),
            baseline_n=Count(score, filter=~in_current),
        )
        .order_by()
    )


def _mean(total, count: int) -> float | None:
    return float(total) / count if count else None


def _with_means(row: dict) -> dict:
    return {
        **row,
        "current": _mean(row["current_sum"], row["current_n"]),
        "baseline": _mean(row["baseline_sum"], row["baseline_n"]),
    }


def _by_dimension(rows: list[dict]) -> dict[str, dict]:
    totals: dict[str, dict] = {}
    for row in rows:
        total = totals.setdefault(
            row["dimension"], {"current_sum": 0, "current_n": 0, "baseline_sum": 0, "baseline_n": 0}
        )
        for key in total:
            total[key] += row[key] or 0
    return {dimension: {**_with_means(total), "n": total["current_n"]} for dimension, total in totals.items()}


def _float(value) -> float | None:
    return None if value is None else float(value)


def dashboard_report(*, viewer: Viewer, now: dt.datetime | None = None) -> Dashboard:
    """The dashboard numbers for this viewer. "This week" is the last 7 days; the baseline the 28 before."""
    now = now or timezone.now()
    current, baseline = rolling_windows(now=now)
    threshold = settings.SKILL_GAP_THRESHOLD
    rows = _window_sums(scores_for_averages(viewer=viewer), current, baseline)
    by_dimension = _by_dimension(rows)
    averages = []
    for dimension in DIMENSIONS:
        row = by_dimension.get(dimension, {})
        now_mean, base_mean = _float(row.get("current")), _float(row.get("baseline"))
        averages.append(
            DimensionAverage(
                dimension=dimension,
                label=DIMENSION_LABELS[dimension],
                current=now_mean,
                baseline=base_mean,
                change=metrics.change(now_mean, base_mean),
                count=row.get("n", 0),
            )
        )
    since = month_start(now)
    return Dashboard(
        now=now,
        current=current,
        baseline=baseline,
        calls_analysed=call_list(viewer=viewer).filter(analyzed_at__gte=current.start, analyzed_at__lte=now).count(),
        averages=averages,
        attention=reps_needing_coaching(viewer=viewer, end=now)[:ATTENTION_LIMIT],
        cost=ledger_total_since(viewer=viewer, since=since) if viewer.role in COST_ROLES else None,
        cost_since=since,
        scope=viewer.scope,
        threshold=threshold,
        needs_rule=rule_text(threshold),
    )
