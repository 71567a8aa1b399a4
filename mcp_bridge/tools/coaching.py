"""Rep tools: get_rep_insights, get_coaching_plan."""

from __future__ import annotations

import math
from typing import Annotated

from fastmcp.tools import ToolResult
from pydantic import Field

from coaching.calibration.outcomes import outcome_validity_report
from coaching.selectors.plans import coaching_plan_get, report_gaps
from coaching.selectors.reports import rep_report
from coaching.selectors.reps import rep_resolve
from mcp_bridge.budget import clip
from mcp_bridge.params import EndDate, RepRef, StartDate, end_of_day, period
from mcp_bridge.runtime import respond, tool_scope
from mcp_bridge.serializers import clock, num, outcomes_compact, rep_brief, said, stats_compact, weighted_mean


def get_rep_insights(rep: RepRef = "me", start: StartDate = None, end: EndDate = None) -> ToolResult:
    """How a rep is doing over a period (default: the last 90 days): per dimension the mean score, the trend
    (`dir` up/down/flat, `slope` points per week) and weekly means (oldest first); skill gaps; recurring
    strengths and improvements (`calls`: how many calls name them; each theme is on the side most of its calls
    put it, with the other side's count); median interaction stats against Gong's
    published ranges (`flag` high/low); and the 10 most recent analysed calls with their scores.
    `outcomes` is context for what to coach: over the deals you may see (not only this rep's), how scores on
    calls of won deals differ from lost ones per dimension (`diff` won − lost with a 95% interval `ci` that
    resamples whole deals, `auc` 0.5 = no signal), or `thin` saying why there are too few closed deals to tell.

    `rep` is an email, a full or partial name, a Gong user id, or "me" (the default: you). Call ids in
    `recent` chain into analyze_call and compare_calls. Scores are 1–5; `offline` counts analyses from the
    non-Claude baseline.
    """
    with tool_scope("get_rep_insights") as viewer:
        start, end = period(start, end)
        person = rep_resolve(viewer=viewer, ref=rep)
        weeks = max(1, math.ceil(((end - start).days + 1) / 7))
        report = rep_report(viewer=viewer, rep_id=person.pk, weeks=weeks, now=end_of_day(end))
        outcomes = outcome_validity_report(viewer=viewer)
        return respond(
            {
                "rep": rep_brief(report.rep),
                "period": {"start": start.isoformat(), "end": end.isoformat(), "weeks": weeks},
                "calls": report.session_count,
                "offline": report.offline_sessions,
                "dimensions": {
                    trend.dimension: {
                        "mean": num(weighted_mean(trend.weekly, trend.counts)),
                        "scored": sum(trend.counts),
                        "dir": trend.trend.direction,
                        "slope": num(trend.trend.slope, 3),
                        "weekly": [num(value, 1) for value in trend.weekly],
                    }
                    for trend in report.trends
                },
                "gaps": [gap.as_dict() for gap in report_gaps(report)],
                "strengths": [
                    {"theme": clip(t.label, 160), "calls": t.count, "missed_on_calls": t.improvement_calls}
                    for t in report.strengths
                ],
                "improve": [
                    {"theme": clip(t.label, 160), "calls": t.count, "strength_on_calls": t.strength_calls}
                    for t in report.improvements
                ],
                "stats": stats_compact(report.stats),
                "recent": [
                    {
                        "id": item.session.call_id,
                        "date": item.session.call_started.date().isoformat(),
                        "title": clip(item.session.call.title, 100),
                        "overall": num(item.session.overall_score),
                        "scores": item.scores,
                    }
                    for item in report.recent
                ],
                "outcomes": outcomes_compact(outcomes),
            }
        )


def get_coaching_plan(
    rep: RepRef = "me",
    weeks: Annotated[int, Field(ge=2, le=26, description="Weeks of history to base the plan on (2–26).")] = 8,
    horizon_weeks: Annotated[int, Field(ge=1, le=12, description="Weeks the goals are set for (1–12).")] = 4,
) -> ToolResult:
    """A coaching plan for a rep: 2–3 focus areas chosen from their skill gaps (below threshold or falling)
    and lowest dimensions, each with concrete practice taken from the rubric criteria they miss most, example
    calls (`examples`: call id, quote and `at` m:ss) from teammates who score 4+ on it — or, when you cannot
    see teammates' calls, the rep's own best calls on it (`own`: true) — and a measurable goal for the next
    `horizon_weeks`; plus goals for interaction stats outside Gong's published ranges.

    `needs_coaching` gives the portal's reasons when the rep needs coaching (the dashboard's rule).
    `rep` is an email, a full or partial name, a Gong user id, or "me" (the default: you).
    """
    with tool_scope("get_coaching_plan") as viewer:
        person = rep_resolve(viewer=viewer, ref=rep)
        plan = coaching_plan_get(viewer=viewer, rep_id=person.pk, weeks=weeks, horizon_weeks=horizon_weeks)
        return respond(
            {
                "rep": rep_brief(plan.report.rep),
                "based_on": {
                    "weeks": weeks,
                    "calls": plan.report.session_count,
                    "offline": plan.report.offline_sessions,
                },
                "needs_coaching": [reason.text for reason in plan.needs],
                "focus": [
                    {
                        "dimension": area.dimension,
                        "mean": num(area.mean),
                        "dir": area.direction,
                        "why": area.reasons,
                        "practice": [clip(line, 300) for line in area.practice],
                        "examples": [
                            {
                                "call_id": ex["call_id"],
                                "title": clip(ex["title"], 100),
                                "rep": ex["rep"],
                                "date": ex["date"],
                                "s": ex["score"],
                                "own": ex["own"],
                                "q": said(ex["quote"], 240),
                                "at": clock(ex["start_ms"]),
                            }
                            for ex in area.examples
                        ],
                        "goal": area.goal,
                    }
                    for area in plan.focus
                ],
                "stat_goals": plan.stat_goals,
                "improve_themes": [clip(t.label, 160) for t in plan.report.improvements[:3]],
            }
        )
