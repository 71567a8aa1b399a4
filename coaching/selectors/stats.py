"""Interaction stats shown against Gong's published ranges (analysis.interaction.STAT_RANGES)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from analysis.interaction import STAT_NAMES, STAT_RANGES, stat_assess
from coaching.metrics import stats_assess
from core.display import clock, percent_display


@dataclass(frozen=True)
class StatView:
    name: str
    label: str
    value: float | None
    display: str
    target: str
    assessment: str | None  # "ok" | "high" | "low" | None (no published threshold, or no value)
    source: str
    count: int = 1  # sessions behind a median

    @property
    def flagged(self) -> bool:
        return self.assessment in {"high", "low"}


# Pauses are about a second: they read in seconds. Every other duration reads as m:ss, whatever its length.
SECONDS_STATS = frozenset({"patience_s"})


def stat_display(name: str, value: float | None) -> str:
    """One unit per stat everywhere (portal, email, exports): shares as %, durations as m:ss, pauses in s."""
    return _format(name, value)


def stat_target(name: str) -> str:
    """The published range in the stat's own unit ("ideal 43% talking, flag > 65%", "≤ 2:00")."""
    return _target(name)


def _format(name: str, value: float | None) -> str:
    if value is None:
        return "—"
    unit = STAT_RANGES[name].unit if name in STAT_RANGES else ""
    if unit == "share":
        return percent_display(value)
    if unit == "s":
        return f"{value:.1f} s" if name in SECONDS_STATS else clock(value * 1000)
    if unit == "questions":
        return f"{value:.0f}"
    return f"{value:.2f} {unit}".strip()


def _target(name: str) -> str:
    spec = STAT_RANGES.get(name)
    if spec is None:
        return ""
    parts = []
    if spec.unit == "share":
        if spec.low is not None:
            parts.append(f"ideal {percent_display(spec.low)} talking")
        if spec.flag_above is not None:
            parts.append(f"flag > {percent_display(spec.flag_above)}")
        return ", ".join(parts)
    if spec.low is not None and spec.high is not None and spec.low != spec.high:
        parts.append(f"{_format(name, spec.low)}–{_format(name, spec.high)}")
    elif spec.high is not None:
        parts.append(f"≤ {_format(name, spec.high)}")
    elif spec.low is not None:
        parts.append(f"≥ {_format(name, spec.low)}")
    if spec.flag_below is not None:
        parts.append(f"flag < {_format(name, spec.flag_below)}")
    if spec.flag_above is not None and spec.flag_above != spec.high:
        parts.append(f"flag > {_format(name, spec.flag_above)}")
    return ", ".join(parts) or "no published range"


def _view(name: str, value: float | None, assessment: str | None, count: int = 1) -> StatView:
    spec = STAT_RANGES[name]
    return StatView(
        name=name,
        label=spec.label,
        value=value,
        display=_format(name, value),
        target=_target(name),
        assessment=assessment,
        source=spec.source,
        count=count,
    )


def stats_view(stats: Mapping[str, object] | None) -> list[StatView]:
    """One session's stats, in the published order, each assessed against its range."""
    stats = stats or {}
    views = []
    for name in STAT_NAMES:
        raw = stats.get(name)
        value = float(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else None
        views.append(_view(name, value, stat_assess(name, value)))
    return views


def stats_median_view(stats: Iterable[Mapping[str, object]]) -> list[StatView]:
    """Medians across sessions (a rep over weeks), assessed against the published ranges."""
    summaries = {summary.name: summary for summary in stats_assess(stats, assess=stat_assess)}
    views = []
    for name in STAT_NAMES:
        summary = summaries.get(name)
        if summary is None:
            views.append(_view(name, None, None, count=0))
        else:
            views.append(_view(name, summary.median, summary.assessment, count=summary.count))
    return views
