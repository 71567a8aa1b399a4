"""Test-retest: does the scorer give the same scores when it scores the same call again?

`evaluate_scorer --repeat N` re-scores a sample of analysed calls N times with the current analyzer, bypassing
the result cache (analysis.services.analysis_rescore), and reports per dimension how often the runs agree —
what a manager means by "consistent" (reference/coaching-domain.md §6.2). Per dimension, over every item
(call × speaker) and every pair of runs: exact and ±1 agreement of the scores both runs gave, QWK of run 1
against run 2, N/A disagreements (one run scored, the other said N/A), and the share of items where all N runs
gave the same answer (N/A included). The maths lives in coaching.evaluation, shared with the other references.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from analysis.services import analysis_rescore
from coaching.evaluation import quadratic_weighted_kappa, within_one
from coaching.models import CoachingSession
from core.errors import ApplicationError
from knowledgebase.dimensions import DIMENSIONS

# (call id, speaker id) → one {dimension: score or None} per run
Runs = dict[tuple[str, str], list[dict[str, int | None]]]


@dataclass
class RetestDimension:
    dimension: str
    items: int
    all_runs_agree: float | None  # share of items whose N runs gave one answer (N/A counts as an answer)
    pair_exact: float | None  # over run pairs where both scored
    pair_within_one: float | None
    qwk_first_two: float | None  # run 1 vs run 2, items both scored
    na_disagreements: int  # run pairs where one scored and the other said N/A


@dataclass
class Retest:
    analyzer: str
    repeats: int
    calls: int
    dimensions: list[RetestDimension] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _ratio(hits: int, total: int) -> float | None:
    return hits / total if total else None


def retest_dimension(dimension: str, series: list[list[int | None]]) -> RetestDimension:
    """Agreement between runs for one dimension; `series` holds each item's scores, one per run."""
    both, na_split = [], 0
    for scores in series:
        for a, b in itertools.combinations(scores, 2):
            if a is not None and b is not None:
                both.append((a, b))
            elif (a is None) != (b is None):
                na_split += 1
    first_two = [(s[0], s[1]) for s in series if len(s) >= 2 and None not in (s[0], s[1])]
    return RetestDimension(
        dimension=dimension,
        items=len(series),
        all_runs_agree=_ratio(sum(len(set(s)) == 1 for s in series), len(series)),
        pair_exact=_ratio(sum(a == b for a, b in both), len(both)),
        pair_within_one=within_one([a for a, _ in both], [b for _, b in both]),
        qwk_first_two=quadratic_weighted_kappa([a for a, _ in first_two], [b for _, b in first_two]),
        na_disagreements=na_split,
    )


def retest_compute(*, runs: Runs, analyzer: str, repeats: int, calls: int) -> Retest:
    retest = Retest(analyzer=analyzer, repeats=repeats, calls=calls)
    for dimension in DIMENSIONS:
        series = [[run.get(dimension) for run in item] for item in runs.values() if len(item) == repeats]
        retest.dimensions.append(retest_dimension(dimension, series))
    return retest


def retest_sample(*, analyzer: str, size: int) -> list[str]:
    """The `size` most recent calls with current sessions by `analyzer`."""
    rows = (
        CoachingSession.objects.filter(is_current=True, analyzer=analyzer)
        .order_by("-call_started")
        .values_list("call_id", flat=True)
    )
    return list(dict.fromkeys(rows))[:size]


def scorer_retest(
    *, call_ids: list[str], repeats: int, analyzer: str, progress: Callable[[int, int], None] | None = None
) -> Retest:
    """Score each call `repeats` times bypassing the result cache and compare the runs (see the module docs)."""
    runs: Runs = {}
    errors = []
    total = len(call_ids) * repeats
    for number, (call_id, _repeat) in enumerate(itertools.product(call_ids, range(repeats)), start=1):
        try:
            result = analysis_rescore(call_id=call_id)
        except ApplicationError as exc:
            errors.append(exc.message)
            continue
        finally:
            if progress:
                progress(number, total)
        for speaker in result.speakers:
            scores = {d.dimension: d.score for d in speaker.dimensions}
            runs.setdefault((call_id, speaker.speaker_id), []).append(scores)
    retest = retest_compute(runs=runs, analyzer=analyzer, repeats=repeats, calls=len(call_ids))
    retest.errors = list(dict.fromkeys(errors))
    return retest
