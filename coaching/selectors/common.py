"""Building blocks shared by the portal selectors: visible querysets, the effective score, time windows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from coaching.access import Viewer, reps_visible_q, scores_visible_q, sessions_visible_q
from coaching.models import CoachingSession, DimensionScore
from core.errors import NotFound
from gong.models import GongUser
from knowledgebase.dimensions import Dimension

DIMENSION_LABELS: dict[str, str] = dict(Dimension.choices)


def effective_score():
    """The manager's score when a manager overrode it, otherwise the AI's (SQL twin of the model property)."""
    return Coalesce(F("manager_score"), F("score"))


def sessions_visible(*, viewer: Viewer) -> QuerySet[CoachingSession]:
    """Current coaching sessions the viewer may see."""
    return CoachingSession.objects.filter(sessions_visible_q(viewer), is_current=True)


def scores_visible(*, viewer: Viewer) -> QuerySet[DimensionScore]:
    """Dimension scores of current sessions the viewer may see."""
    return DimensionScore.objects.filter(scores_visible_q(viewer), session__is_current=True)


def scores_for_averages(*, viewer: Viewer) -> QuerySet[DimensionScore]:
    """The visible current scores that means, trends, heat tables and "who needs coaching" average: Claude's
    when there are any, otherwise the offline baseline's — never the two together. The other analyzer's scores
    stay on their call pages and in search, labelled."""
    visible = scores_visible(viewer=viewer)
    # One uncorrelated subquery (an InitPlan, evaluated once), not an extra round trip.
    claude = visible.filter(session__analyzer="claude").values("session__analyzer")[:1]
    return visible.filter(session__analyzer=Coalesce(Subquery(claude), Value("offline")))


def scoring_change_week(*, sessions: QuerySet[CoachingSession]) -> dt.datetime | None:
    """The Monday of the week the scoring contract changed among `sessions` (criterion-level scores replaced
    holistic ones), or None when they were all scored under one contract: a trend says where its line breaks."""
    rows = sorted(sessions.values_list("call_started", "contract"))
    if len({contract for _, contract in rows}) < 2:
        return None
    latest = rows[-1][1]
    changed = max(started for started, contract in rows if contract != latest)
    first_new = min(
        (started for started, contract in rows if contract == latest and started > changed), default=rows[-1][0]
    )
    return week_start(first_new)


def reps_visible(*, viewer: Viewer) -> QuerySet[GongUser]:
    """Gong users the viewer may see reports about."""
    return GongUser.objects.filter(reps_visible_q(viewer))


def rep_get_for_viewer(*, viewer: Viewer, rep_id: str) -> GongUser:
    """A Gong user the viewer may see; NotFound for invisible and missing alike."""
    rep = (
        reps_visible(viewer=viewer).select_related("manager", "django_user").filter(pk=rep_id).first()
        if rep_id
        else None
    )
    if rep is None:
        raise NotFound(f"Rep {rep_id} not found")
    return rep


@dataclass(frozen=True)
class Window:
    start: dt.datetime
    end: dt.datetime


def week_start(moment: dt.datetime) -> dt.datetime:
    """Monday 00:00 (current time zone) of the ISO week holding `moment`: the bucket TruncWeek uses."""
    local = timezone.localtime(moment)
    monday = local.date() - dt.timedelta(days=local.weekday())
    return timezone.make_aware(dt.datetime.combine(monday, dt.time.min))


def weeks_back(*, now: dt.datetime, weeks: int) -> list[dt.datetime]:
    """The Monday starts of the last `weeks` ISO weeks, oldest first, the current week last."""
    current = week_start(now)
    return [current - dt.timedelta(weeks=offset) for offset in range(weeks - 1, -1, -1)]


def rolling_windows(*, now: dt.datetime, days: int = 7, baseline_days: int = 28) -> tuple[Window, Window]:
    """(the last `days` days, the `baseline_days` before them): "this week" vs "the previous 4 weeks"."""
    current = Window(now - dt.timedelta(days=days), now)
    baseline = Window(current.start - dt.timedelta(days=baseline_days), current.start)
    return current, baseline


def month_start(moment: dt.datetime) -> dt.datetime:
    local = timezone.localtime(moment)
    return timezone.make_aware(dt.datetime(local.year, local.month, 1))
