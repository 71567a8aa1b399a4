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
from coaching.selectors.calls import call_list
from coaching.selectors.common import (
    DIMENSION_LABELS,
    Window,
    effective_score,
    month_start,
    rolling_windows,
    scores_visible,
)
from coaching.selectors.costs import LedgerTotal, ledger_total_since
from gong.models import GongUser
from knowledgebase.dimensions import DIMENSIONS

ATTENTION_LIMIT = 10
# A drop of at least this many score points against the rep's previous 4 weeks needs a look.
ATTENTION_DROP = 0.5


@dataclass(frozen=True)
class DimensionAverage:
    dimension: str
    label: str
    current: float | None
    baseline: float | None
    change: float | None
    count: int


@dataclass(frozen=True)
class AttentionRep:
    rep: GongUser
    reasons: list[str]
    worst_label: str
    worst_mean: float | None


@dataclass
class Dashboard:
    now: dt.datetime
    current: Window
    baseline: Window
    calls_analysed: int
    averages: list[DimensionAverage]
    attention: list[AttentionRep]
    cost: LedgerTotal
    cost_since: dt.datetime
    scope: str
    threshold: float


def _window_sums(scores, current: Window, baseline: Window) -> list[dict]:
    """Per rep × dimension: sums and counts of effective scores in both windows (one query serves the team
    averages and the attention list; means are recombined exactly from sums)."""
    in_current = Q(call_started__gte=current.start)
    score = effective_score()
    return list(
        scores.filter(call_started__gte=baseline.start, call_started__lt=current.end)
        .values("rep_id", "dimension")
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


def _attention(rows: list[dict], threshold: float) -> list[AttentionRep]:
    by_rep: dict[str, list[tuple[str, float | None, list[str]]]] = {}
    for row in rows:
        current, baseline = _float(row["current"]), _float(row["baseline"])
        level = current if current is not None else baseline
        reasons = []
        if level is not None and level < threshold:
            reasons.append(f"{DIMENSION_LABELS[row['dimension']]} {level:.1f} < {threshold:g}")
        drop = metrics.change(current, baseline)
        if drop is not None and drop <= -ATTENTION_DROP:
            reasons.append(f"{DIMENSION_LABELS[row['dimension']]} down {abs(drop):.1f}")
        by_rep.setdefault(row["rep_id"], []).append((row["dimension"], level, reasons))
    flagged = {rep_id: items for rep_id, items in by_rep.items() if any(reasons for _, _, reasons in items)}
    reps = GongUser.objects.in_bulk(list(flagged))
    out = []
    for rep_id, items in flagged.items():
        if rep_id not in reps:
            continue
        worst = min((item for item in items if item[1] is not None), key=lambda item: item[1], default=None)
        out.append(
            AttentionRep(
                rep=reps[rep_id],
                reasons=[reason for _, _, reasons in items for reason in reasons],
                worst_label=DIMENSION_LABELS[worst[0]] if worst else "",
                worst_mean=worst[1] if worst else None,
            )
        )
    out.sort(key=lambda rep: (-len(rep.reasons), rep.worst_mean if rep.worst_mean is not None else 5.0, rep.rep.name))
    return out[:ATTENTION_LIMIT]


def dashboard_report(*, viewer: Viewer, now: dt.datetime | None = None) -> Dashboard:
    """The dashboard numbers for this viewer. "This week" is the last 7 days; the baseline the 28 before."""
    now = now or timezone.now()
    current, baseline = rolling_windows(now=now)
    threshold = settings.SKILL_GAP_THRESHOLD
    rows = _window_sums(scores_visible(viewer=viewer), current, baseline)
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
    rep_rows = [_with_means(row) for row in rows if row["rep_id"]]
    since = month_start(now)
    return Dashboard(
        now=now,
        current=current,
        baseline=baseline,
        calls_analysed=call_list(viewer=viewer).filter(analyzed_at__gte=current.start, analyzed_at__lte=now).count(),
        averages=averages,
        attention=_attention(rep_rows, threshold),
        cost=ledger_total_since(viewer=viewer, since=since),
        cost_since=since,
        scope=viewer.scope,
        threshold=threshold,
    )
