"""The rep page: weekly trends per dimension, interaction stats against published ranges, recurring themes,
skill gaps and recent calls — for one rep the viewer may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Avg, Count, Prefetch, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from coaching import metrics
from coaching.access import Viewer
from coaching.models import CoachingSession, DimensionScore
from coaching.selectors.common import (
    DIMENSION_LABELS,
    effective_score,
    rep_get_for_viewer,
    scores_for_averages,
    scoring_change_week,
    sessions_visible,
    weeks_back,
)
from coaching.selectors.stats import StatView, stats_median_view
from gong.models import GongUser
from knowledgebase.dimensions import DIMENSIONS

RECENT_CALLS = 10
RECURRING_MIN = 2


@dataclass
class DimensionTrend:
    dimension: str
    label: str
    weekly: list[float | None]  # one mean per week, oldest first
    counts: list[int]
    trend: metrics.Trend


@dataclass
class RecentCall:
    session: CoachingSession
    scores: dict[str, int | None]  # dimension -> effective score

    @property
    def in_order(self) -> list[int | None]:
        return [self.scores.get(dimension) for dimension in DIMENSIONS]


@dataclass
class RepReport:
    rep: GongUser
    weeks: list[dt.datetime]
    trends: list[DimensionTrend]
    stats: list[StatView]
    strengths: list[metrics.Theme]
    improvements: list[metrics.Theme]
    gaps: list[tuple[str, metrics.SkillGap]]  # (dimension label, gap), worst first
    recent: list[RecentCall]
    session_count: int
    offline_sessions: int
    scoring_changed: dt.datetime | None = None  # the week criterion-level scoring replaced holistic scores


def weekly_dimension_means(
    scores, *, weeks: list[dt.datetime]
) -> tuple[dict[str, list[float | None]], dict[str, list[int]]]:
    """Per dimension: the weekly mean effective score and the number of scores, aligned on `weeks`."""
    index = {week: position for position, week in enumerate(weeks)}
    means = {dimension: [None] * len(weeks) for dimension in DIMENSIONS}
    counts = {dimension: [0] * len(weeks) for dimension in DIMENSIONS}
    rows = (
        scores.filter(call_started__gte=weeks[0])
        .annotate(week=TruncWeek("call_started"))
        .values("week", "dimension")
        .annotate(mean=Avg(effective_score()), n=Count("id", filter=~_na()))
        .order_by()
    )
    for row in rows:
        position = index.get(row["week"])
        if position is None or row["dimension"] not in means:
            continue
        means[row["dimension"]][position] = float(row["mean"]) if row["mean"] is not None else None
        counts[row["dimension"]][position] = row["n"]
    return means, counts


def _na() -> Q:
    return Q(score__isnull=True, manager_score__isnull=True)


def trends_from(means: dict[str, list[float | None]], counts: dict[str, list[int]]) -> list[DimensionTrend]:
    return [
        DimensionTrend(
            dimension=dimension,
            label=DIMENSION_LABELS[dimension],
            weekly=means[dimension],
            counts=counts[dimension],
            trend=metrics.trend(means[dimension]),
        )
        for dimension in DIMENSIONS
    ]


def labelled_gaps(trends: dict[str, metrics.Trend], *, threshold: float) -> list[tuple[str, metrics.SkillGap]]:
    """coaching.metrics.skill_gaps with each dimension's display label."""
    return [(DIMENSION_LABELS[gap.dimension], gap) for gap in metrics.skill_gaps(trends, threshold=threshold)]


def _recurring(rows: list[tuple]) -> tuple[list[metrics.Theme], list[metrics.Theme]]:
    """(strengths, improvements) seen on at least two calls, each theme on the side it mostly falls on."""
    return metrics.themes_by_side(
        strengths=[(row[4], text) for row in rows for text in row[1] or []],
        improvements=[(row[4], text) for row in rows for text in row[2] or []],
        min_calls=RECURRING_MIN,
    )


def _recent(viewer: Viewer, rep_id: str, *, end: dt.datetime) -> list[RecentCall]:
    """The rep's latest calls up to `end`."""
    sessions = (
        sessions_visible(viewer=viewer)
        .filter(rep_id=rep_id, call_started__lt=end)
        .select_related("call")
        .prefetch_related(
            Prefetch(
                "scores", queryset=DimensionScore.objects.only("session_id", "dimension", "score", "manager_score")
            )
        )
        .order_by("-call_started")[:RECENT_CALLS]
    )
    return [
        RecentCall(session=session, scores={score.dimension: score.effective_score for score in session.scores.all()})
        for session in sessions
    ]


def rep_report(
    *, viewer: Viewer, rep_id: str, weeks: int = metrics.TREND_WEEKS, now: dt.datetime | None = None
) -> RepReport:
    """The rep page for a rep the viewer may see (NotFound otherwise), over the `weeks` ISO weeks up to `now`
    (default: the current time) — nothing after `now` counts, so a past period reads as it was."""
    rep = rep_get_for_viewer(viewer=viewer, rep_id=rep_id)
    end = now or timezone.now()
    week_starts = weeks_back(now=end, weeks=weeks)
    means, counts = weekly_dimension_means(scores_for_averages(viewer=viewer).filter(rep_id=rep.pk), weeks=week_starts)
    trends = trends_from(means, counts)
    window = sessions_visible(viewer=viewer).filter(
        rep_id=rep.pk, call_started__gte=week_starts[0], call_started__lt=end
    )
    rows = list(window.values_list("interaction_stats", "strengths", "improvements", "analyzer", "call_id"))
    strengths, improvements = _recurring(rows)
    return RepReport(
        rep=rep,
        weeks=week_starts,
        trends=trends,
        stats=stats_median_view(row[0] for row in rows),
        strengths=strengths,
        improvements=improvements,
        gaps=labelled_gaps({t.dimension: t.trend for t in trends}, threshold=settings.SKILL_GAP_THRESHOLD),
        recent=_recent(viewer, rep.pk, end=end),
        session_count=len(rows),
        offline_sessions=sum(1 for row in rows if row[3] == "offline"),
        scoring_changed=scoring_change_week(sessions=window),
    )
