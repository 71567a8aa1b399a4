"""Report arithmetic, shared by weekly reviews, exports, the portal and the MCP tools.

Pure functions over plain values: no ORM, no I/O, no clock. Callers select rows (selectors) and pass numbers,
strings and dicts in; everything here is deterministic, so tests check it against hand-computed values.

Conventions: a score is an int 1–5 or None (N/A); "no data" is None, never 0; changes are `current − baseline`.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass

from coaching.themes import Theme, theme_keys, themes_by_side, themes_group  # noqa: F401 - re-exported

SCORE_LEVELS: tuple[int, ...] = (1, 2, 3, 4, 5)
TREND_WEEKS = 12
TRAILING_WEEKS = 4
# A slope (score points per week) smaller than this in magnitude is "flat": noise, not a trend.
FLAT_SLOPE = 0.05
# "Falling" needs at least this many weeks with data: two points always make a line.
MIN_TREND_POINTS = 3


def mean(values: Iterable[float | int | None]) -> float | None:
    """Arithmetic mean of the non-None values; None when there are none."""
    present = [float(value) for value in values if value is not None]
    return sum(present) / len(present) if present else None


def median(values: Iterable[float | int | None]) -> float | None:
    """Median of the non-None values; None when there are none."""
    present = [float(value) for value in values if value is not None]
    return float(statistics.median(present)) if present else None


def rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def distribution(scores: Iterable[int | None]) -> dict[str, int]:
    """Counts per level: {"1": n, …, "5": n, "na": n} (string keys so it survives JSON unchanged)."""
    counts = {str(level): 0 for level in SCORE_LEVELS}
    counts["na"] = 0
    for score in scores:
        counts["na" if score is None else str(int(score))] += 1
    return counts


def change(current: float | None, baseline: float | None) -> float | None:
    """current − baseline, or None when either side is missing."""
    if current is None or baseline is None:
        return None
    return current - baseline


def slope(points: Sequence[float | None]) -> float | None:
    """Least-squares slope of `points` against their index (one point per week), skipping None.

    Returns units per step (score points per week); None with fewer than two present points.
    """
    pairs = [(float(x), float(y)) for x, y in enumerate(points) if y is not None]
    if len(pairs) < 2:
        return None
    mean_x = sum(x for x, _ in pairs) / len(pairs)
    mean_y = sum(y for _, y in pairs) / len(pairs)
    sxx = sum((x - mean_x) ** 2 for x, _ in pairs)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in pairs)
    return sxy / sxx


@dataclass(frozen=True)
class Trend:
    """One series (e.g. a dimension's weekly means, oldest first, current week last) summarised."""

    current: float | None
    previous: float | None
    trailing: float | None  # mean of the TRAILING_WEEKS weeks before the current one (weeks with data only)
    change_vs_previous: float | None
    change_vs_trailing: float | None
    slope: float | None  # per week, over the last TREND_WEEKS weeks
    direction: str  # "up" | "down" | "flat" | "unknown"
    points: int = 0  # weeks with data in the slope window

    def as_dict(self, digits: int = 2) -> dict:
        values = asdict(self)
        return {key: rounded(value, digits) if isinstance(value, float) else value for key, value in values.items()}


def trend(weekly: Sequence[float | None]) -> Trend:
    """Summarise weekly values (oldest first; the last element is the week under review)."""
    series = list(weekly)[-TREND_WEEKS:]
    current = series[-1] if series else None
    previous = series[-2] if len(series) >= 2 else None
    trailing = mean(series[-1 - TRAILING_WEEKS : -1]) if len(series) >= 2 else None
    fitted = slope(series)
    if fitted is None:
        direction = "unknown"
    elif abs(fitted) < FLAT_SLOPE:
        direction = "flat"
    else:
        direction = "up" if fitted > 0 else "down"
    return Trend(
        current=current,
        previous=previous,
        trailing=trailing,
        change_vs_previous=change(current, previous),
        change_vs_trailing=change(current, trailing),
        slope=fitted,
        direction=direction,
        points=sum(value is not None for value in series),
    )


# ---------------------------------------------------------------------------------------------- interaction stats


@dataclass(frozen=True)
class StatSummary:
    name: str
    median: float | None
    count: int
    assessment: str | None  # "ok" | "high" | "low" | None (no published range, or no data)


def stat_medians(stats: Iterable[Mapping[str, object]]) -> dict[str, tuple[float | None, int]]:
    """Per stat name: (median of its numeric values across sessions, how many sessions had it)."""
    collected: dict[str, list[float]] = {}
    for row in stats:
        for name, value in (row or {}).items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            collected.setdefault(name, []).append(float(value))
    return {name: (median(values), len(values)) for name, values in sorted(collected.items())}


def stats_assess(
    stats: Iterable[Mapping[str, object]], *, assess: Callable[[str, float], str | None] | None = None
) -> list[StatSummary]:
    """Median of each interaction stat across sessions, assessed against the published ranges.

    `assess(name, value) -> "ok"|"high"|"low"|None` defaults to analysis.interaction.stat_assess (Gong's
    published ranges); pass your own in tests.
    """
    assess = assess or _default_assess()
    summaries = []
    for name, (value, count) in stat_medians(stats).items():
        verdict = assess(name, value) if (assess is not None and value is not None) else None
        summaries.append(StatSummary(name=name, median=value, count=count, assessment=verdict))
    return summaries


def _default_assess() -> Callable[[str, float], str | None] | None:
    try:
        from analysis.interaction import stat_assess
    except ImportError:  # analysis not built yet in this checkout: report medians without a verdict
        return None
    return stat_assess


# -------------------------------------------------------------------------------------------------- skill gaps


@dataclass(frozen=True)
class SkillGap:
    dimension: str
    mean: float | None
    slope: float | None
    reasons: tuple[str, ...]  # "below_threshold" and/or "falling"

    def as_dict(self) -> dict:
        return {
            "dimension": self.dimension,
            "mean": rounded(self.mean),
            "slope": rounded(self.slope, 3),
            "reasons": list(self.reasons),
        }


def skill_gaps(trends: Mapping[str, Trend], *, threshold: float, falling_slope: float = -FLAT_SLOPE) -> list[SkillGap]:
    """Dimensions whose current mean is below `threshold`, or whose 12-week slope is falling (over at least
    MIN_TREND_POINTS weeks with data).

    Ordered worst first (lowest mean; unknown means last). A dimension with no data this week is judged on its
    trailing mean, so one quiet week doesn't hide a known gap.
    """
    gaps = []
    for dimension, series in trends.items():
        level = series.current if series.current is not None else series.trailing
        reasons = []
        if level is not None and level < threshold:
            reasons.append("below_threshold")
        if series.slope is not None and series.slope <= falling_slope and series.points >= MIN_TREND_POINTS:
            reasons.append("falling")
        if reasons:
            gaps.append(SkillGap(dimension=dimension, mean=level, slope=series.slope, reasons=tuple(reasons)))
    gaps.sort(key=lambda gap: (gap.mean is None, gap.mean if gap.mean is not None else 0.0, gap.dimension))
    return gaps
