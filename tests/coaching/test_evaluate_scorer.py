"""evaluate_scorer's numbers against values computed by hand on tiny sets."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from coaching import evaluation
from coaching.evaluation import Pair
from tests.coaching.weekly_rows import session_create, team_create

# Reference 1,2,3,3 vs scorer 1,3,3,2 (worked by hand in the comments below).
REFERENCE = [1, 2, 3, 3]
PREDICTED = [1, 3, 3, 2]


def test_quadratic_weighted_kappa_matches_the_hand_computation():
    # Weighted observed disagreement: (2,3) and (3,2), each (1/4)² → 2/16.
    # Expected: Σ ref_i·pred_j·(i−j)²/16 / n = (9 + 3 + 10) / 16 / 4 = 22/64. κ = 1 − (2/16)/(22/64) = 7/11.
    assert evaluation.quadratic_weighted_kappa(REFERENCE, PREDICTED) == pytest.approx(7 / 11)


def test_exact_and_within_one_agreement():
    assert evaluation.exact_agreement(REFERENCE, PREDICTED) == 0.5
    assert evaluation.within_one(REFERENCE, PREDICTED) == 1.0
    assert evaluation.within_one([1, 5], [3, 4]) == 0.5


def test_pearson_r_matches_the_hand_computation():
    # Both means 2.25; covariance sum 1.75; both variance sums 2.75 → r = 1.75 / 2.75.
    assert evaluation.pearson_r(REFERENCE, PREDICTED) == pytest.approx(1.75 / 2.75)
    assert evaluation.pearson_r([1, 2, 3], [3, 3, 3]) is None


def test_confusion_matrix_rows_are_reference_levels():
    matrix = evaluation.confusion_matrix(REFERENCE, PREDICTED)
    assert matrix[0] == [1, 0, 0, 0, 0]
    assert matrix[1] == [0, 0, 1, 0, 0]
    assert matrix[2] == [0, 1, 1, 0, 0]
    assert matrix[3] == matrix[4] == [0, 0, 0, 0, 0]


def test_perfect_agreement_is_kappa_one_and_a_constant_scorer_is_kappa_zero():
    assert evaluation.quadratic_weighted_kappa([1, 3, 5], [1, 3, 5]) == pytest.approx(1.0)
    assert evaluation.quadratic_weighted_kappa(REFERENCE, [3, 3, 3, 3]) == pytest.approx(0.0)
    assert evaluation.quadratic_weighted_kappa([3, 3], [3, 3]) is None  # no spread: undefined, not 1


def test_evaluation_counts_na_separately_and_reports_the_constant_baseline():
    pairs = [Pair("discovery", r, p) for r, p in zip(REFERENCE, PREDICTED, strict=True)]
    pairs += [Pair("discovery", None, None), Pair("discovery", None, 4), Pair("discovery", 2, None)]
    result = evaluation.evaluation_compute(pairs=pairs, source="test")
    discovery = next(d for d in result.dimensions if d.dimension == "discovery")
    assert discovery.scorer.n == 4
    assert (discovery.na_both, discovery.na_reference_only, discovery.na_scorer_only) == (1, 1, 1)
    assert discovery.baseline_level == 3
    assert discovery.baseline.exact == 0.5
    assert discovery.baseline.within_one == 0.75
    assert discovery.baseline.qwk == pytest.approx(0.0)
    assert result.overall.scorer.qwk == pytest.approx(7 / 11)


@pytest.mark.django_db
def test_evaluate_scorer_on_manager_reviews_prints_a_table_and_writes_json(tmp_path):
    _, (rep, _) = team_create()
    start = dt.datetime(2026, 3, 3, 10, tzinfo=dt.UTC)
    for index, (manager, ai) in enumerate(zip(REFERENCE, PREDICTED, strict=True)):
        session_create(
            rep=rep,
            started=start + dt.timedelta(hours=index),
            scores={"discovery": ai, "engagement": 3},
            manager_scores={"discovery": manager},
        )
    out = tmp_path / "eval.json"
    stdout = StringIO()
    call_command("evaluate_scorer", "--manager-reviews", "--out", str(out), stdout=stdout)
    printed = stdout.getvalue()
    assert "discovery" in printed and "0.636" in printed
    saved = json.loads(out.read_text())
    discovery = next(d for d in saved["dimensions"] if d["dimension"] == "discovery")
    assert discovery["scorer"]["n"] == 4
    assert discovery["scorer"]["qwk"] == pytest.approx(7 / 11)
    assert discovery["confusion"][2] == [0, 1, 1, 0, 0]


@pytest.mark.django_db
def test_gold_pairs_match_sessions_by_call_and_speaker(tmp_path):
    _, (rep, _) = team_create()
    session = session_create(
        rep=rep, started=dt.datetime(2026, 3, 3, 10, tzinfo=dt.UTC), scores={"discovery": 4, "engagement": None}
    )
    gold = {
        session.call_id: {session.speaker_id: {"user_id": rep.pk, "levels": {"discovery": 5, "engagement": None}}},
        "9999": {"1": {"user_id": "1", "levels": {"discovery": 2}}},
    }
    pairs, unmatched = evaluation.pairs_from_gold(gold=gold)
    assert unmatched == 1
    by_dim = {p.dimension: (p.reference, p.predicted) for p in pairs}
    assert by_dim["discovery"] == (5, 4)
    assert by_dim["engagement"] == (None, None)
