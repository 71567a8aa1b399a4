"""Reads for weekly reviews and exports: the rows of a period, weekly history, who gets a review.

Everything a review needs is loaded with a handful of queries for all reps at once (`ReviewData`), then sliced
in memory per rep and per team, so a run over 100 reps costs the same few queries as one over a single rep.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, DateField, F, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Trunc

from coaching.access import Viewer, calls_visible_q, scores_visible_q, sessions_visible_q, weekly_reviews_visible_q
from coaching.models import CoachingSession, DimensionScore, ReviewScope, WeeklyReview
from coaching.needs import RepNeed
from coaching.selectors.needs import needs_for_scores
from coaching.weekly.weeks import Period
from core.errors import NotFound
from gong.models import Call, CallStatus, GongUser
from gong.selectors import user_reports

UNANALYSED_STATUSES = (
    CallStatus.PENDING,
    CallStatus.FETCHING,
    CallStatus.TRANSCRIBED,
    CallStatus.ANALYZING,
    CallStatus.HELD,
    CallStatus.FAILED,
)


@dataclass
class ReviewData:
    """Rows for a set of reps: the period's sessions and scores, and weekly score counts for the history."""

    period: Period
    previous: Period
    sessions: list[dict] = field(default_factory=list)  # current sessions in the period
    scores: list[dict] = field(default_factory=list)  # their dimension scores (effective score = override first)
    previous_scores: list[dict] = field(default_factory=list)  # scores in the previous period
    # {rep_id, week, dimension, effective, contract, n} over the history weeks (contract: coaching_session.contract)
    weekly: list[dict] = field(default_factory=list)
    users: dict[str, GongUser] = field(default_factory=dict)
    needs: list[RepNeed] = field(default_factory=list)  # coaching.needs at the period's end, worst first


def _sessions_q(viewer: Viewer | None, *, prefix: str = "") -> Q:
    """Which sessions a review may use: what `viewer` may see (exports), or — for the stored weekly reviews, read
    by the rep and every manager above them — none from private calls (the portal shows those to the host only)."""
    if viewer is not None:
        return sessions_visible_q(viewer, prefix=prefix)
    return Q(**{f"{prefix}call__is_private": False})


def _averaged_analyzer(rep_ids: list[str] | None, viewer: Viewer | None):
    """Claude when these reps have any current Claude score, else offline: the review never averages the offline
    baseline with Claude (as the portal's scores_for_averages). An uncorrelated subquery: no extra round trip."""
    claude = DimensionScore.objects.filter(session__is_current=True, session__analyzer="claude")
    claude = claude.filter(rep_id__in=rep_ids) if rep_ids is not None else claude.filter(rep_id__isnull=False)
    claude = claude.filter(_sessions_q(viewer, prefix="session__")).values("session__analyzer")[:1]
    return Coalesce(Subquery(claude), Value("offline"))


def _current_scores(rep_ids: list[str] | None, start, end, viewer: Viewer | None = None):
    rows = DimensionScore.objects.filter(call_started__gte=start, call_started__lt=end, session__is_current=True)
    rows = rows.filter(rep_id__in=rep_ids) if rep_ids is not None else rows.filter(rep_id__isnull=False)
    rows = rows.filter(_sessions_q(viewer, prefix="session__"), session__analyzer=_averaged_analyzer(rep_ids, viewer))
    return rows.annotate(effective=Coalesce("manager_score", "score"))


def review_data_load(
    *, rep_ids: list[str] | None, period: Period, history_start: date, viewer: Viewer | None = None
) -> ReviewData:
    """Load what reviews of `period` need for these reps (None = every rep), limited to what `viewer` may see
    (None: a stored review, without private calls). Six queries, no N+1."""
    previous = period.previous()
    data = ReviewData(period=period, previous=previous)
    sessions = CoachingSession.objects.filter(
        _sessions_q(viewer), call_started__gte=period.start_dt, call_started__lt=period.end_dt, is_current=True
    )
    sessions = sessions.filter(rep_id__in=rep_ids) if rep_ids is not None else sessions.filter(rep_id__isnull=False)
    data.sessions = list(
        sessions.order_by("call_started", "id").values(
            "id", "call_id", "rep_id", "speaker_name", "call_started", "overall_score", "strengths",
            "improvements", "interaction_stats", "key_moments", "analyzer",
            call_title=F("call__title"), call_url=F("call__url"), call_private=F("call__is_private"),
        )
    )  # fmt: skip
    data.scores = list(
        _current_scores(rep_ids, period.start_dt, period.end_dt, viewer).values(
            "session_id", "rep_id", "dimension", "score", "manager_score", "effective", "call_started"
        )
    )
    data.previous_scores = list(
        _current_scores(rep_ids, previous.start_dt, previous.end_dt, viewer).values("rep_id", "dimension", "effective")
    )
    history = Period(label="history", start=history_start, end=period.end, tz=period.tz)
    data.weekly = list(
        _current_scores(rep_ids, history.start_dt, history.end_dt, viewer)
        .annotate(week=Trunc("call_started", "week", output_field=DateField(), tzinfo=period.zone))
        .values("rep_id", "week", "dimension", "effective", contract=F("session__contract"))
        .order_by()
        .annotate(n=Count("id"))
    )
    ids = rep_ids if rep_ids is not None else {row["rep_id"] for row in data.sessions}
    data.users = {user.pk: user for user in GongUser.objects.filter(pk__in=ids)}
    needs_scores = DimensionScore.objects.filter(
        session__is_current=True, session__analyzer=_averaged_analyzer(rep_ids, viewer)
    )
    if viewer is not None:
        needs_scores = needs_scores.filter(scores_visible_q(viewer))
    data.needs = needs_for_scores(scores=needs_scores, end=period.end_dt, rep_ids=rep_ids)
    return data


@dataclass(frozen=True)
class Team:
    manager: GongUser
    rep_ids: tuple[str, ...]


def review_teams(*, manager: str | None = None) -> list[Team]:
    """Active managers (users with active reports) and their reports at any depth; one manager by id or email."""
    managers = GongUser.objects.filter(active=True, reports__active=True).distinct().order_by("id")
    if manager:
        managers = managers.filter(Q(pk=manager) | Q(email__iexact=manager))
        if not managers.exists():
            raise NotFound(f"No active manager with reports matches {manager!r}")
    teams = []
    for person in managers:
        rep_ids = user_reports(manager_id=person.pk, recursive=True)
        active = GongUser.objects.filter(pk__in=rep_ids, active=True).values_list("pk", flat=True)
        teams.append(Team(manager=person, rep_ids=tuple(sorted(active))))
    return teams


def review_reps(*, teams: list[Team], period: Period, everyone: bool) -> list[str]:
    """Reps who get a rep review: every team member, plus (for a full run) anyone with sessions in the period."""
    rep_ids = {rep_id for team in teams for rep_id in team.rep_ids}
    if everyone:
        rep_ids |= set(
            CoachingSession.objects.filter(
                call_started__gte=period.start_dt, call_started__lt=period.end_dt, is_current=True, rep__isnull=False
            ).values_list("rep_id", flat=True)
        )
    return sorted(rep_ids)


def period_calls_unanalysed(
    *, period: Period, rep_ids: list[str] | None = None, viewer: Viewer | None = None
) -> list[dict]:
    """Calls that started in the period and have no analysis yet (any status short of analysed/skipped); only
    those `viewer` may see, when given."""
    calls = Call.objects.filter(
        started__gte=period.start_dt, started__lt=period.end_dt, status__in=UNANALYSED_STATUSES, is_test=False
    )
    if viewer is not None:
        calls = calls.filter(calls_visible_q(viewer))
    if rep_ids is not None:
        calls = calls.filter(Q(primary_user_id__in=rep_ids) | Q(participants__user_id__in=rep_ids)).distinct()
    fields = ("id", "title", "status", "status_reason", "primary_user_id", "is_private")
    rows = list(calls.order_by("started", "id").values(*fields))
    for row in rows:  # a private call's title is for its host only; reports show its id
        if row["is_private"]:
            row["title"] = ""
    return rows


def weekly_reviews_for_week(*, week: str, scope: str = ReviewScope.TEAM) -> list[WeeklyReview]:
    return list(WeeklyReview.objects.filter(week=week, scope=scope).order_by("subject_id"))


def weekly_review_list(*, viewer: Viewer) -> QuerySet[WeeklyReview]:
    """Weekly reviews the viewer may see (a rep's review is the rep's, a team review its manager's)."""
    return WeeklyReview.objects.filter(weekly_reviews_visible_q(viewer))
