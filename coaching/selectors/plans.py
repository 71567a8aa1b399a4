"""A coaching plan for one rep: 2–3 focus areas, concrete practice, example calls and measurable goals.

A selector (it stores nothing): built on the rep page's report, so the numbers match the portal. Focus areas are
the rep's skill gaps (below SKILL_GAP_THRESHOLD or falling over 12 weeks) first, then the lowest dimensions.
Practice comes from the active rubric's criteria the rep misses most. Example calls are teammates' (same
manager) best-scored calls on that dimension — only those the viewer may see; a rep, who sees no colleague's
calls, gets their own best calls on it instead, marked `own`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from analysis.interaction import STAT_RANGES
from coaching import metrics
from coaching.access import Viewer
from coaching.needs import NeedReason
from coaching.selectors.common import DIMENSION_LABELS, effective_score, scores_visible
from coaching.selectors.needs import reps_needing_coaching
from coaching.selectors.reports import RepReport, rep_report
from core.errors import ApplicationError
from gong.selectors import user_reports
from knowledgebase.selectors import rubric_list

MAX_FOCUS = 3
EXAMPLES_PER_FOCUS = 2
GOAL_STEP = 0.5


@dataclass
class FocusArea:
    dimension: str
    label: str
    mean: float | None
    direction: str
    reasons: list[str]
    practice: list[str]
    examples: list[dict]
    goal: str


@dataclass
class CoachingPlan:
    report: RepReport
    weeks: int
    horizon_weeks: int
    focus: list[FocusArea] = field(default_factory=list)
    stat_goals: list[str] = field(default_factory=list)
    needs: list[NeedReason] = field(default_factory=list)  # coaching.needs: why the rep needs coaching, if they do


def report_gaps(report: RepReport) -> list[metrics.SkillGap]:
    """The report's skill gaps, worst first (the rep page pairs each with its display label)."""
    return [item[1] if isinstance(item, tuple) else item for item in report.gaps]


def _ranked_dimensions(report: RepReport, needs: list[NeedReason]) -> list[tuple[str, float | None, list[str]]]:
    """Dimensions the needs rule flags first (as the dashboard and team page say), then skill gaps, then the
    lowest."""
    flagged: dict[str, list[str]] = {}
    for reason in needs:
        flagged.setdefault(reason.dimension, []).append(reason.text)
    gaps = {gap.dimension: list(gap.reasons) for gap in report_gaps(report)}
    rows = []
    for trend in report.trends:
        level = metrics.mean(trend.weekly)
        if level is None:
            continue
        reasons = flagged.get(trend.dimension, []) + gaps.get(trend.dimension, [])
        rows.append((not reasons, trend.dimension not in flagged, level, trend.dimension, reasons))
    rows.sort(key=lambda row: (row[0], row[1], row[2], row[3]))
    rows = [(unflagged, level, dimension, reasons) for unflagged, _, level, dimension, reasons in rows]
    chosen = [row for row in rows if not row[0]][:MAX_FOCUS]
    chosen += [row for row in rows if row[0]][: max(0, 2 - len(chosen))]
    return [(dimension, level, reasons or ["lowest"]) for _, level, dimension, reasons in chosen]


def _criteria(dimension: str, role: str) -> list[dict]:
    rubrics = [rubric for rubric in rubric_list(dimension=dimension) if rubric.active_version_id]
    rubrics.sort(key=lambda rubric: (rubric.role != (role or "").upper(), rubric.role != "", rubric.call_type))
    return (rubrics[0].active_version.content or {}).get("criteria", []) if rubrics else []


def _practice(viewer: Viewer, rep_id: str, dimension: str, role: str, since: dt.datetime) -> list[str]:
    rows = scores_visible(viewer=viewer).filter(rep_id=rep_id, dimension=dimension, call_started__gte=since)
    missed = Counter(key for keys in rows.values_list("criteria_missed", flat=True) for key in keys or [])
    criteria = _criteria(dimension, role)
    ranked = sorted(criteria, key=lambda c: (-missed.get(c.get("key"), 0), -int(c.get("weight") or 0)))
    lines = []
    for criterion in ranked[:2]:
        indicators = [item.get("text", "") for item in criterion.get("positive_indicators", []) if item.get("text")]
        times = missed.get(criterion.get("key"), 0)
        prefix = f"{criterion.get('name', criterion.get('key'))}" + (f" (missed on {times} calls)" if times else "")
        lines.append(f"{prefix}: {indicators[0] if indicators else criterion.get('description', '')}".strip())
    return lines


def _examples(viewer: Viewer, rep, dimension: str, since: dt.datetime) -> list[dict]:
    teammates = user_reports(manager_id=rep.manager_id, recursive=False) - {rep.pk} if rep.manager_id else set()
    best = (
        scores_visible(viewer=viewer)
        .filter(dimension=dimension, call_started__gte=since)
        .annotate(effective=effective_score())
        .filter(effective__gte=4)
        .select_related("session__call")
        .order_by("-effective", "-call_started", "-id")
    )
    picks = list(best.filter(rep_id__in=teammates)[:EXAMPLES_PER_FOCUS]) if teammates else []
    own = not picks
    if own:
        picks = list(best.filter(rep_id=rep.pk)[:EXAMPLES_PER_FOCUS])
    return [
        {"call_id": score.session.call_id, "title": score.session.call.title, "rep": score.session.speaker_name,
         "date": score.call_started.date().isoformat(), "score": score.effective, "own": own,
         "quote": (score.evidence or [{}])[0].get("quote", ""), "start_ms": (score.evidence or [{}])[0].get("start_ms")}
        for score in picks
    ]  # fmt: skip


def _goal(label: str, level: float | None, horizon_weeks: int) -> str:
    if level is None:
        return f"Get {label.lower()} scored on your next 3 calls."
    target = min(5.0, round(level + GOAL_STEP, 1))
    return (
        f"Raise {label.lower()} from {level:.1f} to {target:.1f} (mean of scored calls) within {horizon_weeks} weeks."
    )


def _stat_goals(report: RepReport) -> list[str]:
    goals = []
    for view in report.stats:
        spec = STAT_RANGES.get(view.name)
        if not view.flagged or spec is None:
            continue
        if view.assessment == "high" and spec.flag_above is not None:
            limit = f"{spec.flag_above * 100:.0f}%" if spec.unit == "share" else f"{spec.flag_above:g} {spec.unit}"
            goals.append(f"Bring {view.label.lower()} under {limit} (now {view.display}).")
        elif view.assessment == "low" and spec.flag_below is not None:
            unit = "" if spec.unit == "questions" else f" {spec.unit}"
            goals.append(
                f"Raise {view.label.lower()} to at least {spec.flag_below:g}{unit} per call (now {view.display})."
            )
    return goals


def coaching_plan_get(
    *, viewer: Viewer, rep_id: str, weeks: int = 8, horizon_weeks: int = 4, now: dt.datetime | None = None
) -> CoachingPlan:
    """The plan for a rep the viewer may see (NotFound otherwise), from the last `weeks` weeks of scores."""
    report = rep_report(viewer=viewer, rep_id=rep_id, weeks=weeks, now=now)
    if not report.session_count:
        raise ApplicationError(
            f"No analysed calls for {report.rep.name or rep_id} in the last {weeks} weeks; "
            "analyse some first (batch_analyze_calls) or widen `weeks`."
        )
    since = report.weeks[0]
    flagged = reps_needing_coaching(viewer=viewer, rep_ids=[report.rep.pk], end=now)
    needs = flagged[0].reasons if flagged else []
    plan = CoachingPlan(
        report=report, weeks=weeks, horizon_weeks=horizon_weeks, stat_goals=_stat_goals(report), needs=needs
    )
    trends = {trend.dimension: trend for trend in report.trends}
    for dimension, level, reasons in _ranked_dimensions(report, needs):
        label = DIMENSION_LABELS.get(dimension, dimension)
        plan.focus.append(
            FocusArea(
                dimension=dimension,
                label=label,
                mean=level,
                direction=trends[dimension].trend.direction,
                reasons=reasons,
                practice=_practice(viewer, report.rep.pk, dimension, report.rep.role, since),
                examples=_examples(viewer, report.rep, dimension, since - dt.timedelta(weeks=4)),
                goal=_goal(label, level, horizon_weeks),
            )
        )
    return plan
