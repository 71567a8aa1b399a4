"""Report arithmetic on hand-made numbers (coaching.metrics is pure: no database)."""

from __future__ import annotations

import pytest

from coaching import metrics


def test_mean_and_median_ignore_missing_values():
    assert metrics.mean([1, None, 2, 4]) == pytest.approx(7 / 3)
    assert metrics.median([5, None, 1, 3, 2]) == 2.5
    assert metrics.mean([None, None]) is None
    assert metrics.median([]) is None


def test_distribution_counts_every_level_and_na():
    assert metrics.distribution([1, 3, 3, None, 5]) == {"1": 1, "2": 0, "3": 2, "4": 0, "5": 1, "na": 1}


def test_slope_is_the_least_squares_fit_per_week():
    # x = 0..3, y = 1, 2, 2, 3: mean_x = 1.5, mean_y = 2.
    # Sxy = (-1.5)(-1) + (-0.5)(0) + (0.5)(0) + (1.5)(1) = 3.0; Sxx = 2.25 + 0.25 + 0.25 + 2.25 = 5.0
    assert metrics.slope([1, 2, 2, 3]) == pytest.approx(0.6)


def test_slope_skips_weeks_without_data_but_keeps_their_position():
    # Points at x = 0 and x = 3 only: rise 3 over run 3.
    assert metrics.slope([1, None, None, 4]) == pytest.approx(1.0)
    assert metrics.slope([None, 2.0, None]) is None


def test_trend_compares_with_previous_week_and_trailing_four_weeks():
    weekly = [2.0, 2.0, 3.0, 3.0, 2.0, 4.0, 4.5]  # the last element is the week under review
    result = metrics.trend(weekly)
    assert result.current == 4.5
    assert result.previous == 4.0
    assert result.trailing == pytest.approx((3.0 + 3.0 + 2.0 + 4.0) / 4)
    assert result.change_vs_previous == pytest.approx(0.5)
    assert result.change_vs_trailing == pytest.approx(4.5 - 3.0)
    assert result.direction == "up"


def test_trend_uses_only_the_last_twelve_weeks_for_the_slope():
    falling_long_ago = [5.0] * 10 + [1.0] * 12
    assert metrics.trend(falling_long_ago).slope == pytest.approx(0.0)
    assert metrics.trend(falling_long_ago).direction == "flat"


def test_trend_of_a_week_without_data_has_no_current_value():
    result = metrics.trend([3.0, 3.5, None])
    assert result.current is None
    assert result.change_vs_previous is None
    assert result.trailing == pytest.approx(3.25)


def test_trend_as_dict_rounds_for_storage():
    assert metrics.trend([1.0, 2.0, 2.0]).as_dict()["trailing"] == 1.5
    assert metrics.trend([1.0, 1.0, 2.0]).as_dict()["slope"] == 0.5


def test_skill_gap_flags_low_and_falling_dimensions_worst_first():
    trends = {
        "discovery": metrics.trend([3.0, 2.8, 2.6, 2.5]),  # below 3 and falling
        "engagement": metrics.trend([4.5, 4.2, 3.9, 3.6]),  # above 3 but falling
        "product_knowledge": metrics.trend([3.9, 4.0, 4.1, 4.0]),  # fine
        "objection_handling": metrics.trend([None, 2.0, None, None]),  # quiet week: judged on trailing mean
    }
    gaps = metrics.skill_gaps(trends, threshold=3.0)
    assert [gap.dimension for gap in gaps] == ["objection_handling", "discovery", "engagement"]
    assert gaps[1].reasons == ("below_threshold", "falling")
    assert gaps[2].reasons == ("falling",)
    assert gaps[0].as_dict() == {
        "dimension": "objection_handling",
        "mean": 2.0,
        "slope": None,
        "reasons": ["below_threshold"],
    }


def test_recurring_improvements_are_grouped_into_themes_most_frequent_first():
    improvements = [
        "Ask more open-ended questions",
        "Confirm next steps before ending the call",
        "Asking open questions earlier",
        "Agree on clear next steps",
        "Ask more open-ended questions",
        "Quantify the business impact",
    ]
    themes = metrics.themes_group(improvements)
    assert [(theme.label, theme.count) for theme in themes] == [
        ("Ask more open-ended questions", 3),
        ("Agree on clear next steps", 2),
        ("Quantify the business impact", 1),
    ]
    assert "question" in themes[0].keywords


def test_themes_are_counted_per_call_and_shown_on_the_side_most_calls_put_them():
    strengths = [("c1", "Asked about budget early"), ("c2", "Asked about the budget early on")]
    strengths.append(("c6", "Clear next steps agreed"))
    improvements = [
        ("c3", "Ask about budget earlier"),
        ("c3", "Ask about the budget earlier"),  # twice on one call: one call
        ("c4", "Ask about budget earlier"),
        ("c5", "Ask about budget early"),
        ("c1", "Summarise next steps"),
        ("c2", "Summarise the next steps"),
    ]
    strong, weak = metrics.themes_by_side(strengths=strengths, improvements=improvements)
    assert strong == []  # budget is a miss on 3 calls and a strength on 2: an improvement only
    budget, steps = weak
    assert (budget.count, budget.strength_calls, budget.improvement_calls, budget.side) == (3, 2, 3, "improvement")
    assert budget.label == "Ask about budget earlier" and budget.other_calls == 2
    assert (steps.count, steps.strength_calls) == (2, 1)
    assert metrics.themes_by_side(strengths=strengths, improvements=improvements, min_calls=3)[1] == [budget]


def test_a_theme_tied_between_the_sides_counts_as_an_improvement():
    strong, weak = metrics.themes_by_side(
        strengths=[("c1", "Handled pricing objection")], improvements=[("c2", "Handle the pricing objection")]
    )
    assert strong == [] and [(t.count, t.strength_calls) for t in weak] == [(1, 1)]


def test_theme_grouping_does_not_depend_on_input_order():
    texts = ["Handle pricing objections", "Talk less, listen more", "Address the pricing objection directly"]
    assert metrics.themes_group(texts) == metrics.themes_group(list(reversed(texts)))


def test_interaction_stat_medians_are_assessed_against_ranges():
    def assess(name: str, value: float) -> str | None:
        return {"talk_ratio": "high" if value > 0.65 else "ok"}.get(name)

    sessions = [{"talk_ratio": 0.7, "question_count": 4}, {"talk_ratio": 0.8}, {"talk_ratio": 0.5, "note": "x"}]
    summaries = {summary.name: summary for summary in metrics.stats_assess(sessions, assess=assess)}
    assert summaries["talk_ratio"].median == 0.7
    assert summaries["talk_ratio"].count == 3
    assert summaries["talk_ratio"].assessment == "high"
    assert summaries["question_count"].assessment is None
    assert "note" not in summaries
