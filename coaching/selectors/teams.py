"""The team page: a rep × dimension heat table, the team's skill gaps, and best calls to use as examples."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from coaching import metrics
from coaching.access import Viewer
from coaching.models import DimensionScore
from coaching.needs import RepNeed, rule_text
from coaching.selectors.common import (
    DIMENSION_LABELS,
    effective_score,
    rep_get_for_viewer,
    reps_visible,
    scores_for_averages,
    scores_visible,
    scoring_change_week,
    sessions_visible,
    weeks_back,
)
from coaching.selectors.needs import reps_needing_coaching
from coaching.selectors.reports import DimensionTrend, labelled_gaps, trends_from, weekly_dimension_means
from gong.models import GongUser
from gong.selectors import user_reports
from knowledgebase.dimensions import DIMENSIONS

EXAMPLES_PER_DIMENSION = 3
EXAMPLE_MIN_SCORE = 4


@dataclass(frozen=True)
class HeatCell:
    dimension: str
    mean: float | None
    count: int

    @property
    def level(self) -> str:
        """A CSS class for the heat colour."""
        if self.mean is None:
            return "none"
        for bound, name in ((2.0, "l1"), (2.75, "l2"), (3.25, "l3"), (4.0, "l4")):
            if self.mean < bound:
                return name
        return "l5"


@dataclass
class HeatRow:
    rep: GongUser
    cells: list[HeatCell]
    sessions: int
    mean: float | None


@dataclass(frozen=True)
class ExampleCall:
    score: DimensionScore  # with session and session.call joined
    effective: int
    quote: str
    start_ms: int | None

    @property
    def anchor(self) -> str:
        return f"t-{int(self.start_ms or 0)}"


@dataclass
class TeamReport:
    manager: GongUser
    window_start: dt.datetime
    weeks: list[dt.datetime]
    rows: list[HeatRow]
    team_means: list[HeatCell]
    trends: list[DimensionTrend]
    gaps: list[tuple[str, metrics.SkillGap]]  # (dimension label, gap), worst first
    examples: list[tuple[str, str, list[ExampleCall]]]  # (dimension, label, best calls)
    threshold: float
    needs: list[RepNeed]  # coaching.needs, for these reps
    needs_rule: str
    scoring_changed: dt.datetime | None = None  # the week criterion-level scoring replaced holistic scores


def _heat(viewer: Viewer, members: list[GongUser], since: dt.datetime) -> tuple[list[HeatRow], list[HeatCell]]:
    ids = [member.pk for member in members]
    scores = scores_for_averages(viewer=viewer).filter(rep_id__in=ids, call_started__gte=since)
    score = effective_score()
    cells: dict[tuple[str, str], dict] = {}
    totals: dict[str, dict] = {}
    # One aggregate: per rep × dimension sums and counts; the team row is recombined exactly from them.
    for row in scores.values("rep_id", "dimension").annotate(total=Sum(score), n=Count(score)).order_by():
        cells[(row["rep_id"], row["dimension"])] = row
        team = totals.setdefault(row["dimension"], {"total": 0, "n": 0})
        team["total"] += row["total"] or 0
        team["n"] += row["n"]
    sessions = dict(
        sessions_visible(viewer=viewer)
        .filter(rep_id__in=ids, call_started__gte=since)
        .values("rep_id")
        .annotate(n=Count("id"))
        .values_list("rep_id", "n")
        .order_by()
    )

    def cell(row: dict | None, dimension: str) -> HeatCell:
        if row is None or not row["n"]:
            return HeatCell(dimension, None, 0)
        return HeatCell(dimension, float(row["total"]) / row["n"], row["n"])

    rows = []
    for member in members:
        row_cells = [cell(cells.get((member.pk, dimension)), dimension) for dimension in DIMENSIONS]
        rows.append(
            HeatRow(
                rep=member,
                cells=row_cells,
                sessions=sessions.get(member.pk, 0),
                mean=metrics.mean(c.mean for c in row_cells),
            )
        )
    rows.sort(key=lambda row: (row.mean is None, row.mean if row.mean is not None else 0.0, row.rep.name))
    return rows, [cell(totals.get(dimension), dimension) for dimension in DIMENSIONS]


def _examples(viewer: Viewer, ids: list[str], since: dt.datetime) -> list[tuple[str, str, list[ExampleCall]]]:
    """Top-scored current scores per dimension in the window (one query: a row number per dimension)."""
    ranked = (
        scores_visible(viewer=viewer)
        .filter(rep_id__in=ids, call_started__gte=since)
        .annotate(effective=effective_score())
        .filter(effective__gte=EXAMPLE_MIN_SCORE)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("dimension")],
                order_by=[F("effective").desc(), F("call_started").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=EXAMPLES_PER_DIMENSION)
        .select_related("session__call")
        .order_by("dimension", "rank")
    )
    examples: dict[str, list[ExampleCall]] = {dimension: [] for dimension in DIMENSIONS}
    for score in ranked:
        first = (score.evidence or [{}])[0]
        examples.setdefault(score.dimension, []).append(
            ExampleCall(
                score=score, effective=score.effective, quote=first.get("quote", ""), start_ms=first.get("start_ms")
            )
        )
    return [(dimension, DIMENSION_LABELS[dimension], examples.get(dimension, [])) for dimension in DIMENSIONS]


def team_report(*, viewer: Viewer, manager_id: str, weeks: int = 4, now: dt.datetime | None = None) -> TeamReport:
    """The team page of a manager the viewer may see (NotFound otherwise): their reports at any depth that
    the viewer may see, over the last `weeks` weeks (heat, examples) and 12 weeks (trends, gaps)."""
    manager = rep_get_for_viewer(viewer=viewer, rep_id=manager_id)
    now = now or timezone.now()
    member_ids = user_reports(manager_id=manager.pk, recursive=True)
    members = list(
        reps_visible(viewer=viewer).filter(pk__in=member_ids, active=True).order_by("last_name", "first_name")
    )
    ids = [member.pk for member in members]
    since = now - dt.timedelta(weeks=weeks)
    rows, team_means = _heat(viewer, members, since)
    week_starts = weeks_back(now=now, weeks=metrics.TREND_WEEKS)
    means, counts = weekly_dimension_means(scores_for_averages(viewer=viewer).filter(rep_id__in=ids), weeks=week_starts)
    trends = trends_from(means, counts)
    threshold = settings.SKILL_GAP_THRESHOLD
    return TeamReport(
        manager=manager,
        window_start=since,
        weeks=week_starts,
        rows=rows,
        team_means=team_means,
        trends=trends,
        gaps=labelled_gaps({t.dimension: t.trend for t in trends}, threshold=threshold),
        examples=_examples(viewer, ids, since),
        threshold=threshold,
        needs=reps_needing_coaching(viewer=viewer, rep_ids=ids, end=now),
        needs_rule=rule_text(threshold),
        scoring_changed=scoring_change_week(
            sessions=sessions_visible(viewer=viewer).filter(rep_id__in=ids, call_started__gte=week_starts[0])
        ),
    )
