"""How well does the scorer agree with a reference? QWK, exact and ±1 agreement, Pearson r, confusion matrices.

Two references (reference/coaching-domain.md §6.1): the Gong simulator's planted skill levels (a gold file from
gong.simulator.corpus.corpus_gold_write) and managers' overrides (coaching_dimension_score.manager_score). Every
figure is also computed for a constant-score baseline (the reference's most common level per dimension), so
"the scorer beats guessing" is a number, not a claim.

N/A handling: a pair counts only when both sides scored the dimension; pairs where one or both said N/A are
counted separately (`na_both`, `na_reference_only`, `na_scorer_only`) and shown, never silently dropped.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from coaching.models import CoachingSession, DimensionScore
from gong.simulator.corpus import gold_read
from knowledgebase.dimensions import DIMENSIONS

LEVELS: tuple[int, ...] = (1, 2, 3, 4, 5)


# ------------------------------------------------------------------------------------------ agreement maths


def confusion_matrix(reference: Sequence[int], predicted: Sequence[int]) -> list[list[int]]:
    """5×5 counts: row = reference level, column = predicted level (index 0 = level 1)."""
    matrix = [[0] * len(LEVELS) for _ in LEVELS]
    for ref, pred in zip(reference, predicted, strict=True):
        matrix[ref - 1][pred - 1] += 1
    return matrix


def quadratic_weighted_kappa(reference: Sequence[int], predicted: Sequence[int]) -> float | None:
    """Cohen's kappa with quadratic weights over levels 1–5; None when undefined (no pairs, or no spread at all).

    κ = 1 − Σ w·O / Σ w·E, w_ij = (i − j)² / (k − 1)², E = outer product of the marginals / n.
    """
    n = len(reference)
    if n == 0:
        return None
    observed = confusion_matrix(reference, predicted)
    ref_hist = [sum(row) for row in observed]
    pred_hist = [sum(observed[i][j] for i in range(len(LEVELS))) for j in range(len(LEVELS))]
    k = len(LEVELS)
    numerator = denominator = 0.0
    for i in range(k):
        for j in range(k):
            weight = (i - j) ** 2 / (k - 1) ** 2
            numerator += weight * observed[i][j]
            denominator += weight * ref_hist[i] * pred_hist[j] / n
    if denominator == 0:
        return None
    return 1.0 - numerator / denominator


def exact_agreement(reference: Sequence[int], predicted: Sequence[int]) -> float | None:
    if not reference:
        return None
    return sum(r == p for r, p in zip(reference, predicted, strict=True)) / len(reference)


def within_one(reference: Sequence[int], predicted: Sequence[int]) -> float | None:
    """Share of pairs at most one level apart ("the coaching would be the same")."""
    if not reference:
        return None
    return sum(abs(r - p) <= 1 for r, p in zip(reference, predicted, strict=True)) / len(reference)


def pearson_r(reference: Sequence[float], predicted: Sequence[float]) -> float | None:
    """Pearson correlation; None with fewer than two pairs or when either side has no variance."""
    n = len(reference)
    if n < 2:
        return None
    mean_r, mean_p = sum(reference) / n, sum(predicted) / n
    cov = sum((r - mean_r) * (p - mean_p) for r, p in zip(reference, predicted, strict=True))
    var_r = sum((r - mean_r) ** 2 for r in reference)
    var_p = sum((p - mean_p) ** 2 for p in predicted)
    if var_r == 0 or var_p == 0:
        return None
    return cov / math.sqrt(var_r * var_p)


# ------------------------------------------------------------------------------------------------ evaluation


@dataclass(frozen=True)
class Pair:
    dimension: str
    reference: int | None
    predicted: int | None
    key: str = ""  # e.g. "call:speaker", for tracing a disagreement


@dataclass
class Agreement:
    n: int
    qwk: float | None
    exact: float | None
    within_one: float | None
    pearson_r: float | None

    @classmethod
    def of(cls, reference: Sequence[int], predicted: Sequence[int]) -> Agreement:
        return cls(
            n=len(reference),
            qwk=quadratic_weighted_kappa(reference, predicted),
            exact=exact_agreement(reference, predicted),
            within_one=within_one(reference, predicted),
            pearson_r=pearson_r(reference, predicted),
        )


@dataclass
class DimensionEvaluation:
    dimension: str
    scorer: Agreement
    baseline: Agreement
    baseline_level: int | None
    confusion: list[list[int]]
    na_both: int = 0
    na_reference_only: int = 0
    na_scorer_only: int = 0


@dataclass
class Evaluation:
    source: str
    analyzer: str
    dimensions: list[DimensionEvaluation] = field(default_factory=list)
    overall: DimensionEvaluation | None = None
    unmatched: int = 0  # reference items with no stored score to compare

    def as_dict(self) -> dict:
        return asdict(self)


def _evaluate_pairs(dimension: str, pairs: list[Pair]) -> DimensionEvaluation:
    scored = [(p.reference, p.predicted) for p in pairs if p.reference is not None and p.predicted is not None]
    reference = [r for r, _ in scored]
    predicted = [p for _, p in scored]
    baseline_level = Counter(reference).most_common(1)[0][0] if reference else None
    baseline = [baseline_level] * len(reference) if baseline_level is not None else []
    return DimensionEvaluation(
        dimension=dimension,
        scorer=Agreement.of(reference, predicted),
        baseline=Agreement.of(reference, baseline),
        baseline_level=baseline_level,
        confusion=confusion_matrix(reference, predicted),
        na_both=sum(p.reference is None and p.predicted is None for p in pairs),
        na_reference_only=sum(p.reference is None and p.predicted is not None for p in pairs),
        na_scorer_only=sum(p.reference is not None and p.predicted is None for p in pairs),
    )


def evaluation_compute(*, pairs: Iterable[Pair], source: str, analyzer: str = "any", unmatched: int = 0) -> Evaluation:
    """Agreement per dimension and pooled over all dimensions, with the constant baseline next to each."""
    pairs = list(pairs)
    evaluation = Evaluation(source=source, analyzer=analyzer, unmatched=unmatched)
    for dimension in DIMENSIONS:
        evaluation.dimensions.append(_evaluate_pairs(dimension, [p for p in pairs if p.dimension == dimension]))
    pooled = _evaluate_pairs("all", pairs)
    # Pooled baseline: each dimension's own constant (a fairer baseline than one level for everything).
    ref = [
        p.reference for d in DIMENSIONS for p in pairs if p.dimension == d and None not in (p.reference, p.predicted)
    ]
    base = [e.baseline_level for e in evaluation.dimensions for _ in range(e.scorer.n)]
    pooled.baseline, pooled.baseline_level = Agreement.of(ref, base), None
    evaluation.overall = pooled
    return evaluation


# ------------------------------------------------------------------------------------------- reference data


def _scores_by_session(analyzer: str | None) -> dict[tuple[str, str], dict[str, int | None]]:
    everything = CoachingSession.objects.all()
    sessions = everything.filter(analyzer=analyzer) if analyzer else everything.filter(is_current=True)
    # Latest session per (call, speaker) for this analyzer.
    latest: dict[tuple[str, str], int] = {}
    for row in sessions.order_by("created_at", "id").values("id", "call_id", "speaker_id"):
        latest[(row["call_id"], row["speaker_id"])] = row["id"]
    scores: dict[int, dict[str, int | None]] = {}
    rows = DimensionScore.objects.filter(session_id__in=list(latest.values())).values(
        "session_id", "dimension", "score"
    )
    for row in rows:
        scores.setdefault(row["session_id"], {})[row["dimension"]] = row["score"]
    return {key: scores.get(session_id, {}) for key, session_id in latest.items()}


def pairs_from_gold(
    *, gold: dict, analyzer: str | None = None, progress: Callable[[int, int], None] | None = None
) -> tuple[list[Pair], int]:
    """(pairs, unmatched): gold levels of each (call, speaker) against the stored AI score of that speaker.
    `progress(done, total)` is called per gold call."""
    stored = _scores_by_session(analyzer)
    pairs, unmatched = [], 0
    for done, (call_id, speakers) in enumerate(gold.items(), start=1):
        if progress:
            progress(done, len(gold))
        for speaker_id, label in speakers.items():
            predicted = stored.get((call_id, speaker_id))
            if predicted is None:
                unmatched += 1
                continue
            for dimension in DIMENSIONS:
                level = label["levels"].get(dimension)
                pairs.append(Pair(dimension, level, predicted.get(dimension), f"{call_id}:{speaker_id}"))
    return pairs, unmatched


def pairs_from_manager_reviews(*, analyzer: str | None = None) -> list[Pair]:
    """Manager score (reference) against the AI score it replaced, for every overridden or confirmed score."""
    rows = DimensionScore.objects.filter(manager_score__isnull=False)
    if analyzer:
        rows = rows.filter(session__analyzer=analyzer)
    return [
        Pair(row["dimension"], row["manager_score"], row["score"], str(row["session_id"]))
        for row in rows.values("dimension", "manager_score", "score", "session_id")
    ]


def gold_load(path: Path | str) -> dict:
    """The gold labels written by the simulator (call id → speaker id → {user_id, levels, …})."""
    return gold_read(path)
