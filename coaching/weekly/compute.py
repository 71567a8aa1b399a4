"""Turn a period's rows into a review: metrics, trends and skill gaps, as JSON-ready dicts.

Shared by the weekly review (one week) and exports (any period). No queries here: rows come from
`review_data_load`, arithmetic from coaching.metrics.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from analysis.interaction import STAT_RANGES, stat_assess
from coaching import metrics
from coaching.needs import rule_text
from coaching.weekly.picks import calls_to_review
from coaching.weekly.selectors import ReviewData
from coaching.weekly.weeks import week_for_date, week_starts_ending
from knowledgebase.dimensions import DIMENSIONS, Dimension

DIMENSION_LABELS: dict[str, str] = dict(Dimension.choices)


@dataclass(frozen=True)
class ReviewContent:
    metrics: dict
    trends: dict
    skill_gaps: list[dict]


class RepIndex:
    """ReviewData rows grouped by rep once, so slicing per rep or per team is a dict lookup."""

    def __init__(self, data: ReviewData) -> None:
        self.data = data
        self.sessions = _group(data.sessions)
        self.scores = _group(data.scores)
        self.previous_scores = _group(data.previous_scores)
        self.weekly = _group(data.weekly)

    def rows(self, kind: str, rep_ids: Iterable[str]) -> list[dict]:
        grouped = getattr(self, kind)
        return [row for rep_id in rep_ids for row in grouped.get(rep_id, ())]


def _group(rows: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[row["rep_id"]].append(row)
    return grouped


def weekly_series(weekly_rows: list[dict], week_starts: list[date]) -> dict[str, list[float | None]]:
    """Per dimension (and "overall"): the mean effective score of each week, None for weeks without scores."""
    sums: dict[tuple[str, date], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in weekly_rows:
        if row["effective"] is None:
            continue
        for key in (row["dimension"], "overall"):
            acc = sums[(key, row["week"])]
            acc[0] += row["effective"] * row["n"]
            acc[1] += row["n"]
    series = {}
    for key in (*DIMENSIONS, "overall"):
        series[key] = [
            (sums[(key, week)][0] / sums[(key, week)][1]) if sums.get((key, week), (0, 0))[1] else None
            for week in week_starts
        ]
    return series


def _dimension_block(scores: list[dict], previous: list[dict]) -> dict[str, dict]:
    block = {}
    for dimension in DIMENSIONS:
        values = [row["effective"] for row in scores if row["dimension"] == dimension]
        before = metrics.mean(row["effective"] for row in previous if row["dimension"] == dimension)
        current = metrics.mean(values)
        block[dimension] = {
            "label": DIMENSION_LABELS[dimension],
            "mean": metrics.rounded(current),
            "scored": sum(value is not None for value in values),
            "distribution": metrics.distribution(values),
            "previous_mean": metrics.rounded(before),
            "change_vs_previous_period": metrics.rounded(metrics.change(current, before)),
        }
    return block


def dimensions_for(index: RepIndex, rep_ids: Iterable[str]) -> dict[str, dict]:
    """Per-dimension mean, distribution and change vs the previous period for these reps."""
    rep_ids = list(rep_ids)
    return _dimension_block(index.rows("scores", rep_ids), index.rows("previous_scores", rep_ids))


def _stats_block(sessions: list[dict]) -> list[dict]:
    rows = []
    for summary in metrics.stats_assess((s["interaction_stats"] for s in sessions), assess=stat_assess):
        spec = STAT_RANGES.get(summary.name)
        if spec is None:
            continue  # only the stats with a published definition are shown
        rows.append(
            {
                "name": summary.name,
                "label": spec.label,
                "unit": spec.unit,
                "median": metrics.rounded(summary.median),
                "sessions": summary.count,
                "target_low": spec.low,
                "target_high": spec.high,
                "assessment": summary.assessment,
            }
        )
    return rows


def _overrides(scores: list[dict]) -> dict[str, int]:
    reviewed = [row for row in scores if row["manager_score"] is not None]
    return {
        "reviewed": len(reviewed),
        "overridden": sum(row["manager_score"] != row["score"] for row in reviewed),
    }


def _rep_rows(index: RepIndex, rep_ids: Iterable[str], week_starts: list[date], threshold: float) -> list[dict]:
    """One compact line per rep for a team report: who needs coaching (coaching.needs) first, then the lowest."""
    needs = {need.rep_id: need for need in index.data.needs}
    out = []
    for rep_id in rep_ids:
        sessions = index.rows("sessions", [rep_id])
        scores = index.rows("scores", [rep_id])
        user = index.data.users.get(rep_id)
        series = weekly_series(index.rows("weekly", [rep_id]), week_starts)
        overall = metrics.trend(series["overall"])
        dims = {d: metrics.mean(r["effective"] for r in scores if r["dimension"] == d) for d in DIMENSIONS}
        out.append(
            {
                "rep_id": rep_id,
                "name": (user.name if user else "") or (user.email if user else rep_id),
                "calls": len({s["call_id"] for s in sessions}),
                "mean": metrics.rounded(metrics.mean(r["effective"] for r in scores)),
                "dimensions": {d: metrics.rounded(mean) for d, mean in dims.items()},
                "change_vs_trailing": metrics.rounded(overall.change_vs_trailing),
                "needs": [reason.text for reason in needs[rep_id].reasons] if rep_id in needs else [],
            }
        )
    rank = {need.rep_id: position for position, need in enumerate(index.data.needs)}
    out.sort(
        key=lambda row: (
            rank.get(row["rep_id"], len(rank)),
            row["mean"] is None,
            row["mean"] if row["mean"] is not None else 0,
            row["name"],
        )
    )
    return out


def scoring_changed_week(weekly_rows: list[dict]) -> str | None:
    """The week (ISO date of its Monday) the scoring contract changed within these weekly rows — criterion-level
    scores replacing holistic ones — so the review says where its trend line breaks; None when it did not."""
    contracts = {row.get("contract", 1) for row in weekly_rows}
    if len(contracts) < 2:
        return None
    latest = max(contracts)
    last_old = max(row["week"] for row in weekly_rows if row.get("contract", 1) != latest)
    first_new = min(
        (row["week"] for row in weekly_rows if row.get("contract", 1) == latest and row["week"] >= last_old),
        default=None,
    )
    return first_new.isoformat() if first_new else None


def review_compute(
    *, index: RepIndex, scope: str, subject, rep_ids: Iterable[str], threshold: float, missing: list[dict]
) -> ReviewContent:
    """Metrics, trends and skill gaps of `rep_ids` over the index's period (a rep review passes one id)."""
    rep_ids = sorted(set(rep_ids))
    data = index.data
    sessions = index.rows("sessions", rep_ids)
    scores = index.rows("scores", rep_ids)
    week_starts = week_starts_ending(week_for_date(data.period.last_day).start, weeks=metrics.TREND_WEEKS)
    series = weekly_series(index.rows("weekly", rep_ids), week_starts)
    trends = {key: metrics.trend(values) for key, values in series.items()}
    gaps = metrics.skill_gaps({d: trends[d] for d in DIMENSIONS}, threshold=threshold)
    strengths, improvements = metrics.themes_by_side(
        strengths=[(s["call_id"], text) for s in sessions for text in s["strengths"] or []],
        improvements=[(s["call_id"], text) for s in sessions for text in s["improvements"] or []],
        limit=3,
    )
    content = {
        "scope": scope,
        "subject": {"id": subject.pk, "name": subject.name or subject.email, "email": subject.email},
        "period": data.period.as_dict(),
        "previous_period": data.previous.as_dict(),
        "no_calls": not sessions,
        "volume": {
            "calls": len({s["call_id"] for s in sessions}),
            "sessions": len(sessions),
            "reps": len(rep_ids),
            "reps_with_calls": len({s["rep_id"] for s in sessions}),
        },
        "analyzers": dict(Counter(s["analyzer"] for s in sessions)),
        "overall_mean": metrics.rounded(metrics.mean(row["effective"] for row in scores)),
        "dimensions": _dimension_block(scores, index.rows("previous_scores", rep_ids)),
        "stats": _stats_block(sessions),
        "improvement_themes": [theme.as_dict() for theme in improvements],  # counts are calls
        "strength_themes": [theme.as_dict() for theme in strengths],
        "calls_to_review": calls_to_review(sessions=sessions, scores=scores, gaps=gaps, threshold=threshold),
        "overrides": _overrides(scores),
        "scoring_changed": scoring_changed_week(index.rows("weekly", rep_ids)),
        "missing": missing,
        "threshold": threshold,
    }
    if scope == "team":
        content["reps"] = _rep_rows(index, rep_ids, week_starts, threshold)
        members = set(rep_ids)
        content["needs_coaching"] = [need.as_dict() for need in data.needs if need.rep_id in members]
        content["needs_rule"] = rule_text(threshold)
    trend_dict = {
        key: {**trend.as_dict(), "weekly": [metrics.rounded(v) for v in series[key]]} for key, trend in trends.items()
    }
    trend_dict["weeks"] = [week.isoformat() for week in week_starts]
    return ReviewContent(metrics=content, trends=trend_dict, skill_gaps=[gap.as_dict() for gap in gaps])
