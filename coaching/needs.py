"""Who needs coaching: the one rule the dashboard, the team page, the weekly review and the coaching plan share.

Pure arithmetic over per rep × dimension sums (no ORM, no clock); `coaching.selectors.needs` loads them.
A rep needs coaching on a dimension when, judged on effective scores (a manager's override replaces the AI
score; N/A is left out) of non-private calls:

* **below the bar**: the mean over the last WINDOW_WEEKS weeks is under SKILL_GAP_THRESHOLD, from at least
  MIN_SCORED_CALLS scored calls; or
* **dropping**: the mean over the last WINDOW_WEEKS weeks fell by at least MIN_DROP points against the
  BASELINE_WEEKS weeks before, and by more than its noise (NOISE_Z standard errors of the difference of the
  two means), with at least MIN_SCORED_CALLS scored calls on each side.

Reps are ranked by the number of flagged dimensions, then by their lowest flagged mean.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

WINDOW_WEEKS = 4
BASELINE_WEEKS = 8
MIN_SCORED_CALLS = 3
MIN_DROP = 0.5
NOISE_Z = 2.0


@dataclass(frozen=True)
class Side:
    """Scores of one rep on one dimension over one window: count, sum and sum of squares."""

    n: int = 0
    total: float = 0.0
    squares: float = 0.0

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def variance(self) -> float | None:
        """Sample variance (n − 1); None below two scores."""
        if self.n < 2:
            return None
        return max(0.0, (self.squares - self.total * self.total / self.n) / (self.n - 1))


@dataclass(frozen=True)
class NeedReason:
    dimension: str
    label: str
    kind: str  # "below_bar" | "dropping"
    mean: float
    calls: int
    before: float | None = None
    drop: float | None = None
    noise: float | None = None
    threshold: float | None = None

    @property
    def text(self) -> str:
        """The reason as a manager reads it."""
        if self.kind == "below_bar":
            return f"{self.label} {self.mean:.1f} over {self.calls} calls (bar {self.threshold:g})"
        return f"{self.label} down {self.drop:.1f} ({self.before:.1f} → {self.mean:.1f}, noise ±{self.noise:.1f})"

    def as_dict(self) -> dict:
        return {
            "dimension": self.dimension,
            "kind": self.kind,
            "mean": round(self.mean, 2),
            "calls": self.calls,
            "before": None if self.before is None else round(self.before, 2),
            "drop": None if self.drop is None else round(self.drop, 2),
            "text": self.text,
        }


@dataclass
class RepNeed:
    rep_id: str
    name: str
    reasons: list[NeedReason] = field(default_factory=list)

    @property
    def worst_mean(self) -> float:
        return min(reason.mean for reason in self.reasons)

    @property
    def dimensions(self) -> list[str]:
        return list(dict.fromkeys(reason.dimension for reason in self.reasons))

    def as_dict(self) -> dict:
        return {"rep_id": self.rep_id, "name": self.name, "reasons": [reason.as_dict() for reason in self.reasons]}


def rule_text(threshold: float) -> str:
    """The rule in one sentence, shown under every list of reps needing coaching."""
    return (
        f"Needs coaching: a dimension's mean below {threshold:g} over at least {MIN_SCORED_CALLS} scored calls in "
        f"the last {WINDOW_WEEKS} weeks, or a drop of {MIN_DROP:g}+ against the {BASELINE_WEEKS} weeks before that "
        "is larger than its noise. Manager overrides count; private calls do not."
    )


def noise_of(recent: Side, before: Side) -> float:
    """NOISE_Z standard errors of (recent mean − before mean); 0 when either side has one score."""
    if recent.variance is None or before.variance is None:
        return 0.0
    return NOISE_Z * math.sqrt(recent.variance / recent.n + before.variance / before.n)


def dimension_reasons(*, dimension: str, label: str, recent: Side, before: Side, threshold: float) -> list[NeedReason]:
    """Why one rep needs coaching on one dimension (empty: they don't)."""
    if recent.n < MIN_SCORED_CALLS:
        return []
    reasons = []
    if recent.mean < threshold:
        reasons.append(NeedReason(dimension, label, "below_bar", recent.mean, recent.n, threshold=threshold))
    if before.n >= MIN_SCORED_CALLS:
        drop = before.mean - recent.mean
        noise = noise_of(recent, before)
        if drop >= MIN_DROP and drop > noise:
            reasons.append(NeedReason(dimension, label, "dropping", recent.mean, recent.n, before.mean, drop, noise))
    return reasons


def needs_rank(needs: list[RepNeed]) -> list[RepNeed]:
    """Flagged reps only, most flagged dimensions first, then lowest mean, then name."""
    flagged = [need for need in needs if need.reasons]
    flagged.sort(key=lambda need: (-len(need.dimensions), need.worst_mean, need.name, need.rep_id))
    return flagged
