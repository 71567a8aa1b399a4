"""The dimension score is computed from criteria: weights, caps and N/A (analysis.scoring)."""

from __future__ import annotations

from analysis.scoring import Judged, dimension_score, overall_score

RUBRIC = {
    "criteria": [
        {"key": "accuracy", "name": "Accuracy", "weight": 40, "caps_score": True},
        {"key": "precision", "name": "Precision", "weight": 20},
        {"key": "relevance", "name": "Relevance", "weight": 40},
    ],
    "error_cap": 2,
}


def score(*judged: tuple[str, str, int | None], errors: int = 0, rubric: dict = RUBRIC):
    return dimension_score(rubric=rubric, judged=[Judged(*j) for j in judged], product_errors=errors)


def test_the_score_is_the_weighted_mean_of_the_criteria_levels_rounded_half_up():
    assert score(("accuracy", "met", 5), ("precision", "missed", 2), ("relevance", "met", 4)).score == 4  # 4.0
    # 0.4·3 + 0.2·5 + 0.4·3 = 3.4 → 3;  0.4·4 + 0.2·2 + 0.4·3 = 3.2 → 3;  0.4·4 + 0.2·3 + 0.4·3 = 3.4
    assert score(("accuracy", "met", 3), ("precision", "met", 5), ("relevance", "met", 3)).score == 3
    assert score(("accuracy", "met", 4), ("precision", "met", 5), ("relevance", "met", 3)).score == 4  # 3.6


def test_a_half_rounds_up():
    rubric = {"criteria": [{"key": "a", "weight": 50}, {"key": "b", "weight": 50}]}
    assert score(("a", "met", 4), ("b", "missed", 3), rubric=rubric).score == 4  # 3.5


def test_n_a_criteria_do_not_vote_and_their_weight_is_not_counted():
    assert score(("accuracy", "n_a", None), ("precision", "missed", 2), ("relevance", "n_a", None)).score == 2
    assert score(("accuracy", "n_a", 5), ("precision", "met", 4)).score == 4  # an n_a level is ignored


def test_a_dimension_with_no_assessable_criterion_is_n_a():
    assert score(("accuracy", "n_a", None), ("precision", "n_a", None), ("relevance", "n_a", None)).score is None
    assert score().score is None
    assert score(("accuracy", "met", None)).score is None  # met without a level cannot vote
    assert score(("unknown_key", "met", 5)).score is None  # a key the rubric does not have cannot vote


def test_a_gate_criterion_caps_the_score_and_says_so():
    result = score(("accuracy", "missed", 2), ("precision", "met", 5), ("relevance", "met", 5))
    assert result.score == 2 and "Accuracy" in result.cap_reason  # the mean would be 3.8
    assert score(("accuracy", "met", 5), ("precision", "met", 3), ("relevance", "met", 3)).cap_reason == ""


def test_a_verified_product_error_caps_the_score_when_the_rubric_says_so():
    clean = score(("accuracy", "met", 4), ("precision", "met", 5), ("relevance", "met", 5))
    assert clean.score == 4  # 4.6, capped by the gate criterion at its level 4
    with_error = score(("accuracy", "met", 4), ("precision", "met", 5), ("relevance", "met", 5), errors=1)
    assert with_error.score == 2 and "product error" in with_error.cap_reason
    no_cap = {"criteria": RUBRIC["criteria"][1:]}
    assert score(("precision", "met", 5), ("relevance", "met", 5), errors=3, rubric=no_cap).score == 5


def test_overall_is_the_mean_of_scored_dimensions():
    assert overall_score([4, None, 3, 2]) == 3.0
    assert overall_score([None, None]) is None
