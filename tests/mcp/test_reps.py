"""get_rep_insights and get_coaching_plan: a rep over a period, as their manager, themself, or an outsider."""

from __future__ import annotations

import datetime as dt

from tests.mcp.conftest import call_as, rep_not_found


def test_rep_insights_show_dimension_trends_themes_stats_and_recent_calls(world):
    data = call_as(world.users["mia"], "get_rep_insights", {"rep": world.gong["ada"].email}).data
    assert data["rep"]["name"] == "Ada Lovelace" and data["rep"]["manager"] == "Mia Manager"
    assert data["calls"] == 6  # the private call is Ada's own, not her manager's to see
    discovery = data["dimensions"]["discovery"]
    assert discovery["dir"] == "up" and discovery["slope"] > 0
    assert discovery["weekly"][-1] == 4.0
    assert data["dimensions"]["objection_handling"]["mean"] == 2.0
    assert [gap["dimension"] for gap in data["gaps"]] == ["objection_handling"]
    assert {"theme": "Explore the pricing objection before answering", "calls": 6, "strength_on_calls": 0} in data[
        "improve"
    ]
    assert data["stats"]["talk_ratio"]["flag"] == "high"
    assert data["stats"]["question_count"]["flag"] == "low"
    assert [call["id"] for call in data["recent"][:2]] == [world.calls["ada"][5], world.calls["ada"][4]]


def test_a_rep_can_be_named_by_partial_name_id_or_me(world):
    ada = world.gong["ada"]
    for ref, user in [("lovelace", "mia"), (ada.pk, "mia"), ("me", "ada")]:
        assert call_as(world.users[user], "get_rep_insights", {"rep": ref}).data["rep"]["rep_id"] == ada.pk


def test_rep_defaults_to_the_person_asking(world):
    ada = world.gong["ada"]
    assert call_as(world.users["ada"], "get_rep_insights").data["rep"]["rep_id"] == ada.pk
    assert call_as(world.users["ada"], "get_coaching_plan").data["rep"]["rep_id"] == ada.pk
    unlinked = call_as(world.users["ops"], "get_rep_insights")
    assert unlinked.is_error and "not linked to a Gong user" in unlinked.text


def test_the_period_bounds_the_insights(world):
    day = world.gong["fresh_day"].isoformat()
    data = call_as(world.users["ada"], "get_rep_insights", {"rep": "me", "start": day, "end": day}).data
    assert data["period"] == {"start": day, "end": day, "weeks": 1}


def test_nothing_after_the_period_end_counts_in_the_insights(world):
    from django.utils import timezone

    end = timezone.localdate() - dt.timedelta(days=11)  # after Ada's 4th weekly call, before her 5th
    start = end - dt.timedelta(days=60)
    args = {"rep": "ada", "start": start.isoformat(), "end": end.isoformat()}
    data = call_as(world.users["mia"], "get_rep_insights", args).data
    assert data["calls"] == 4
    assert [call["id"] for call in data["recent"]] == world.calls["ada"][3::-1]


def test_an_invisible_rep_is_the_same_not_found_as_an_unknown_one(world):
    hidden = call_as(world.users["ada"], "get_rep_insights", {"rep": world.gong["zed"].email})
    missing = call_as(world.users["ada"], "get_rep_insights", {"rep": "nobody@lumina-labs.example"})
    assert hidden.is_error and missing.is_error
    assert hidden.text == rep_not_found(f"{world.gong['zed'].email}")
    assert missing.text == rep_not_found("nobody@lumina-labs.example")


def test_rep_insights_reject_a_reversed_period(world):
    answer = call_as(world.users["mia"], "get_rep_insights", {"rep": "ada", "start": "2026-11-02", "end": "2026-10-01"})
    assert answer.is_error and answer.text == "`start` (2026-11-02) is after `end` (2026-10-01); swap them."


def test_a_coaching_plan_focuses_on_gaps_with_practice_teammate_examples_and_goals(world):
    data = call_as(world.users["mia"], "get_coaching_plan", {"rep": "Ada Lovelace"}).data
    focus = data["focus"]
    assert 2 <= len(focus) <= 3
    assert data["needs_coaching"] == ["Objection handling 2.0 over 4 calls (bar 3)"]  # coaching.needs, as the portal
    assert focus[0]["dimension"] == "objection_handling"
    assert focus[0]["why"] == ["Objection handling 2.0 over 4 calls (bar 3)", "below_threshold"]
    assert focus[0]["practice"][0].startswith("Explore (missed on")
    examples = focus[0]["examples"]
    assert examples and {ex["rep"] for ex in examples} == {"Ben Sengineer"} and not examples[0]["own"]
    assert examples[0]["s"] == 5 and examples[0]["call_id"] in {*world.calls["ben"], world.shared_call}
    assert focus[0]["goal"] == "Raise objection handling from 2.0 to 2.5 (mean of scored calls) within 4 weeks."
    assert "Bring talk ratio under 65% (now 71%)." in data["stat_goals"]


def test_a_rep_asking_for_their_own_plan_gets_their_own_best_calls_as_examples(world):
    data = call_as(world.users["ada"], "get_coaching_plan", {"rep": "me"}).data
    for area in data["focus"]:
        assert all(ex["own"] and ex["rep"] == "Ada Lovelace" for ex in area["examples"])


def test_a_coaching_plan_for_someone_else_is_not_found(world):
    answer = call_as(world.users["zed"], "get_coaching_plan", {"rep": "Ada Lovelace"})
    assert answer.is_error and answer.text == rep_not_found("'Ada Lovelace'")


def test_a_coaching_plan_rejects_too_long_a_history(world):
    answer = call_as(world.users["mia"], "get_coaching_plan", {"rep": "ada", "weeks": 100})
    assert answer.is_error and answer.text == "Invalid `weeks`: Input should be less than or equal to 26 (got 100)."


def test_rep_insights_carry_deal_outcomes_as_context_and_say_when_they_are_too_thin(world):
    data = call_as(world.users["mia"], "get_rep_insights", {"rep": world.gong["ada"].email}).data
    outcomes = data["outcomes"]
    assert set(outcomes["by_dimension"]) == {"product_knowledge", "discovery", "objection_handling", "engagement"}
    assert all("too thin" in row["thin"] for row in outcomes["by_dimension"].values())
    assert outcomes["deals"] == {"won": 0, "lost": 0, "open": 0}
