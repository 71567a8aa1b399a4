"""A dimension's score, computed from its criteria — never asked of the model. Pure functions, no I/O.

The scorer (Claude or the offline baseline) judges each rubric criterion: status met / missed / n_a and, unless
n_a, the criterion's 1–5 level from its anchors. The rubric then decides the dimension:

- score = the weight-weighted mean of the assessed criteria's levels (n_a criteria do not vote, and their
  weight is not counted), rounded half up;
- N/A when no criterion could be assessed (the rubric's N/A rule, applied criterion by criterion);
- caps: a criterion marked `caps_score` is a gate — the score is at most that criterion's level (one wrong
  product claim caps product knowledge however good the rest was); a rubric with `error_cap` caps the score at
  that level when the speaker made a verified product error.
The stored result keeps each criterion's status, level and evidence, and says in words when a cap applied.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Version of the scoring contract stored with each result: 1 = one holistic score per dimension (history),
# 2 = per-criterion evidence → status → level, dimension computed here.
SCORING_CONTRACT = 2
STATUSES = ("met", "missed", "n_a")


@dataclass(frozen=True)
class Judged:
    """One criterion as judged: its key, status and level (None when n_a)."""

    key: str
    status: str
    level: int | None


@dataclass(frozen=True)
class DimensionScore:
    score: int | None
    cap_reason: str = ""  # plain words, shown to the manager when a cap lowered the score


def round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def judged_level(status: str, level: int | None) -> int | None:
    """The level that votes: None for n_a, or for met/missed without a usable level."""
    if status not in ("met", "missed") or level is None or not 1 <= level <= 5:
        return None
    return int(level)


def dimension_score(*, rubric: dict, judged: list[Judged], product_errors: int = 0) -> DimensionScore:
    """The dimension's 1–5 score (or None = N/A) from its judged criteria and the rubric's weights and caps."""
    criteria = {c["key"]: c for c in rubric.get("criteria", [])}
    voting = [
        (criteria[j.key], level)
        for j in judged
        if j.key in criteria and (level := judged_level(j.status, j.level)) is not None
    ]
    if not voting:
        return DimensionScore(None)
    weight = sum(c["weight"] for c, _ in voting)
    score = round_half_up(sum(c["weight"] * level for c, level in voting) / weight)
    reasons = []
    for criterion, level in voting:
        if criterion.get("caps_score") and level < score:
            score = level
            reasons.append(f"capped at {level} by “{criterion.get('name', criterion['key'])}”")
    cap = rubric.get("error_cap")
    if cap is not None and product_errors and cap < score:
        score = cap
        reasons.append(f"capped at {cap}: {product_errors} product error{'s' if product_errors > 1 else ''}")
    return DimensionScore(score, "; ".join(reasons))


def overall_score(scores: list[int | None]) -> float | None:
    """Mean of the scored (non-N/A) dimensions, equal weights."""
    scored = [s for s in scores if s is not None]
    return round(sum(scored) / len(scored), 2) if scored else None
