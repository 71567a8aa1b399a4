"""Do the behaviours we coach predict wins? Scores on calls of won deals against calls of lost deals.

For every dimension (and every rubric criterion) over the current sessions on calls whose opportunity is now
won or lost (gong_opportunity, re-read daily with Gong's contextTiming "Now"):

* **difference of means** (won − lost) of the effective score (one analyzer: Claude's when there are any, else
  the offline baseline's, as every average in the portal) — the manager's override where there is one,
  otherwise the AI's; for criteria, the share of calls where the criterion was met (both stored shapes: the
  older `criteria_met` / `criteria_missed` key lists and the per-criterion `criteria` records with status and
  level) and, where levels exist, the mean criterion level;
* a **95% confidence interval clustered by opportunity**: several calls of one deal share its outcome and are
  not independent, so we resample whole opportunities (a stratified cluster bootstrap: won deals and lost deals
  each drawn with replacement, 2,000 times, seeded so the page is stable) and take the 2.5th–97.5th
  percentiles of the difference. We chose the bootstrap over a cluster-robust (sandwich) standard error because
  with the few dozen deals a team has, sandwich errors are biased low and assume normality of a bounded 1–5
  mean; the bootstrap needs neither, and it is exact enough for a question answered at this resolution;
* **AUC**: the chance that a score on a won deal's call is higher than one on a lost deal's call (ties half);
  0.5 = no signal.

Only where there are at least MIN_DEALS won and MIN_DEALS lost deals with a score; otherwise the row says how
many there are and shows no numbers. Open deals are left out. This is association in our own pipeline, not a
cause: strong reps are strong at several things at once, so a dimension can look predictive through another.
"""

from __future__ import annotations

import random
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from django.db.models import Count

from coaching.access import Viewer
from coaching.models import DimensionScore
from coaching.selectors.common import scores_for_averages
from gong.models import Opportunity, Outcome
from gong.selectors import user_reports
from knowledgebase.dimensions import DIMENSIONS, Dimension

MIN_DEALS = 8
RESAMPLES = 2000
SEED = 17

Clusters = dict[str, list[float]]


# ------------------------------------------------------------------------------------------------- statistics


def auc(won: list[float], lost: list[float]) -> float | None:
    """P(a won value > a lost value) + ½ P(equal) (Mann–Whitney); None when a side is empty."""
    if not won or not lost:
        return None
    ordered = sorted(lost)
    wins = sum(bisect_left(ordered, w) + 0.5 * (bisect_right(ordered, w) - bisect_left(ordered, w)) for w in won)
    return wins / (len(won) * len(lost))


def _pooled_mean(clusters: list[tuple[float, int]]) -> float:
    total, count = sum(s for s, _ in clusters), sum(n for _, n in clusters)
    return total / count if count else 0.0


def cluster_bootstrap_diff(
    won: Clusters, lost: Clusters, *, resamples: int = RESAMPLES, seed: int = SEED
) -> tuple[float, float, float]:
    """(difference of means won − lost, 2.5th and 97.5th percentile) resampling whole clusters per side."""
    won_sums = [(sum(values), len(values)) for values in won.values() if values]
    lost_sums = [(sum(values), len(values)) for values in lost.values() if values]
    point = _pooled_mean(won_sums) - _pooled_mean(lost_sums)
    rng = random.Random(seed)  # noqa: S311 - a seeded resampler, not a secret
    diffs = sorted(
        _pooled_mean(rng.choices(won_sums, k=len(won_sums))) - _pooled_mean(rng.choices(lost_sums, k=len(lost_sums)))
        for _ in range(resamples)
    )
    return point, diffs[int(0.025 * (resamples - 1))], diffs[int(0.975 * (resamples - 1) + 0.5)]


# ------------------------------------------------------------------------------------------------------ report


@dataclass
class OutcomeEffect:
    dimension: str
    label: str  # the dimension's name, or the criterion's rubric name (never a key)
    measure: str  # "score" (dimension, 1–5), "met" (criterion met share, 0–1), "level" (criterion level, 1–5)
    criterion: str = ""
    n_won: int = 0
    n_lost: int = 0
    deals_won: int = 0
    deals_lost: int = 0
    mean_won: float | None = None
    mean_lost: float | None = None
    diff: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    auc: float | None = None
    enough: bool = False
    reason: str = ""

    @property
    def dimension_label(self) -> str:
        return dict(Dimension.choices).get(self.dimension, self.dimension)

    @property
    def clear(self) -> bool:
        """The interval excludes 0: a difference the data supports at the 95% level."""
        return self.enough and self.ci_low is not None and (self.ci_low > 0 or self.ci_high < 0)


@dataclass
class OutcomeValidity:
    dimensions: list[OutcomeEffect] = field(default_factory=list)
    criteria: list[OutcomeEffect] = field(default_factory=list)
    deals: dict[str, int] = field(default_factory=dict)  # won / lost / open among the scope's deals
    analyzers: list[str] = field(default_factory=list)
    min_deals: int = MIN_DEALS

    @property
    def enough(self) -> bool:
        return any(effect.enough for effect in self.dimensions)

    def as_dict(self) -> dict:
        return asdict(self)


def _effect(dimension: str, label: str, measure: str, won: Clusters, lost: Clusters, criterion: str = ""):
    effect = OutcomeEffect(dimension, label, measure, criterion)
    effect.deals_won, effect.deals_lost = len(won), len(lost)
    won_values = [v for values in won.values() for v in values]
    lost_values = [v for values in lost.values() for v in values]
    effect.n_won, effect.n_lost = len(won_values), len(lost_values)
    if effect.deals_won < MIN_DEALS or effect.deals_lost < MIN_DEALS:
        effect.reason = (
            f"too thin: {effect.deals_won} won and {effect.deals_lost} lost deals with a score "
            f"(at least {MIN_DEALS} of each needed)"
        )
        return effect
    effect.enough = True
    effect.mean_won, effect.mean_lost = sum(won_values) / len(won_values), sum(lost_values) / len(lost_values)
    effect.diff, effect.ci_low, effect.ci_high = cluster_bootstrap_diff(won, lost)
    effect.auc = auc(won_values, lost_values)
    return effect


def _criterion_values(row: dict, names: dict[tuple[str, str], str]) -> Iterable[tuple[str, str, float]]:
    """(criterion key, measure, value) from either stored shape; n/a criteria give nothing. Records' rubric
    names are noted in `names` by (dimension, key)."""
    records = row.get("criteria") or []
    if records:
        for record in records:
            if not isinstance(record, dict) or not record.get("key"):
                continue
            if record.get("name"):
                names.setdefault((row["dimension"], str(record["key"])), str(record["name"]))
            status, level = record.get("status"), record.get("level")
            if status in ("met", "missed"):
                yield str(record["key"]), "met", 1.0 if status == "met" else 0.0
            if status != "n_a" and isinstance(level, int | float):
                yield str(record["key"]), "level", float(level)
        return
    for key in row.get("criteria_met") or []:
        yield str(key), "met", 1.0
    for key in row.get("criteria_missed") or []:
        yield str(key), "met", 0.0


def _has_criteria_records() -> bool:
    return any(f.name == "criteria" for f in DimensionScore._meta.get_fields())


def _scores(viewer: Viewer | None):
    """The current scores `viewer` may see (every one for the system: the weekly job), of one analyzer as every
    average in the portal (coaching.selectors.common.scores_for_averages): Claude's when there are any, otherwise
    the offline baseline's — never the two together."""
    if viewer is not None:
        return scores_for_averages(viewer=viewer)
    scores = DimensionScore.objects.filter(session__is_current=True)
    analyzer = "claude" if scores.filter(session__analyzer="claude").exists() else "offline"
    return scores.filter(session__analyzer=analyzer)


def outcome_validity_report(*, viewer: Viewer | None, rep_ids: list[str] | None = None) -> OutcomeValidity:
    """Won-vs-lost differences per dimension and criterion over the scores `viewer` may see (optionally only
    these reps'), on calls of deals that are now won or lost."""
    scores = _scores(viewer).filter(
        session__call__opportunity_link__opportunity__outcome__in=[Outcome.WON, Outcome.LOST]
    )
    if rep_ids is not None:
        scores = scores.filter(rep_id__in=rep_ids)
    deal = "session__call__opportunity_link__opportunity"
    fields = ["score", "manager_score", "dimension", "criteria_met", "criteria_missed", "session__analyzer",
              f"{deal}_id", f"{deal}__outcome"]  # fmt: skip
    if _has_criteria_records():
        fields.append("criteria")
    by_dimension: dict[str, dict[str, Clusters]] = defaultdict(
        lambda: {"won": defaultdict(list), "lost": defaultdict(list)}
    )
    by_criterion: dict[tuple[str, str, str], dict[str, Clusters]] = defaultdict(
        lambda: {"won": defaultdict(list), "lost": defaultdict(list)}
    )
    analyzers: set[str] = set()
    names: dict[tuple[str, str], str] = {}
    versions: dict[tuple[str, str], int] = {}
    for row in scores.values(*fields, "rubric_version_id"):
        opportunity, side = row[f"{deal}_id"], row[f"{deal}__outcome"]
        analyzers.add(row["session__analyzer"])
        value = row["manager_score"] if row["manager_score"] is not None else row["score"]
        if value is not None:
            by_dimension[row["dimension"]][side][opportunity].append(float(value))
        for key, measure, criterion_value in _criterion_values(row, names):
            by_criterion[(row["dimension"], key, measure)][side][opportunity].append(criterion_value)
            if row["rubric_version_id"]:
                versions.setdefault((row["dimension"], key), row["rubric_version_id"])
    report = OutcomeValidity(analyzers=sorted(analyzers), deals=_deal_counts(viewer, rep_ids))
    labels = dict(Dimension.choices)
    for dimension in DIMENSIONS:
        sides = by_dimension.get(dimension, {"won": {}, "lost": {}})
        report.dimensions.append(_effect(dimension, labels[dimension], "score", sides["won"], sides["lost"]))
    names = _criterion_names(names, versions)
    for (dimension, key, measure), sides in sorted(by_criterion.items()):
        label = names.get((dimension, key)) or key.replace("_", " ").capitalize()
        report.criteria.append(_effect(dimension, label, measure, sides["won"], sides["lost"], criterion=key))
    return report


def _criterion_names(names: dict, versions: dict) -> dict[tuple[str, str], str]:
    """Criterion names from the stored records, else from the rubric version that scored them."""
    from knowledgebase.models import RubricVersion

    missing = {key: version for key, version in versions.items() if key not in names}
    contents = dict(RubricVersion.objects.filter(id__in=set(missing.values())).values_list("id", "content"))
    for (dimension, key), version in missing.items():
        for item in (contents.get(version) or {}).get("criteria", []):
            if isinstance(item, dict) and item.get("key") == key and item.get("name"):
                names[(dimension, key)] = str(item["name"])
    return names


def _deal_counts(viewer: Viewer | None, rep_ids: list[str] | None) -> dict[str, int]:
    """Deals (any outcome) with at least one visible scored call in scope, by outcome."""
    scores = _scores(viewer)
    if rep_ids is not None:
        scores = scores.filter(rep_id__in=rep_ids)
    deal_ids = scores.values("session__call__opportunity_link__opportunity_id")
    counts = Opportunity.objects.filter(id__in=deal_ids).order_by().values("outcome").annotate(n=Count("id"))
    found = {row["outcome"]: row["n"] for row in counts}
    return {outcome: found.get(outcome, 0) for outcome in (Outcome.WON, Outcome.LOST, Outcome.OPEN)}


def team_outcome_validity(*, viewer: Viewer, manager_id: str, rep_ids: list[str] | None = None) -> OutcomeValidity:
    """The won-vs-lost report over a manager's reports (any depth; pass `rep_ids` when the caller has them) and
    the manager, as `viewer` may see them."""
    reps = rep_ids if rep_ids is not None else list(user_reports(manager_id=manager_id, recursive=True))
    return outcome_validity_report(viewer=viewer, rep_ids=[*reps, manager_id])


def _signed(value: float) -> str:
    return f"{value:+.2f}"


def effect_text(effect: OutcomeEffect) -> str:
    """One line in plain words, e.g. "won 3.60 vs lost 2.80: +0.80 (95%: +0.35 to +1.22), AUC 0.71"."""
    if not effect.enough:
        return effect.reason
    return (
        f"won {effect.mean_won:.2f} vs lost {effect.mean_lost:.2f}: {_signed(effect.diff)} "
        f"(95%: {_signed(effect.ci_low)} to {_signed(effect.ci_high)}), AUC {effect.auc:.2f}"
        + ("" if effect.clear else "; could be zero")
    )


def outcome_validity_block(*, rep_ids: list[str]) -> dict:
    """The per-dimension won-vs-lost lines for a team's weekly review (JSON, stored with the review's metrics)."""
    report = outcome_validity_report(viewer=None, rep_ids=rep_ids)
    return {
        "deals": report.deals,
        "min_deals": report.min_deals,
        "enough": report.enough,
        "rows": [
            {"dimension": e.dimension, "label": e.label, "enough": e.enough, "clear": e.clear, "text": effect_text(e)}
            for e in report.dimensions
        ],
    }
