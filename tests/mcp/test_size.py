"""Every response stays under Claude Desktop's 25K-token limit on a large dataset (a year of calls, a
250K-token transcript), and paging reaches every item exactly once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from mcp_bridge.budget import estimate_tokens, fit
from tests.mcp.bigworld import big_world_build
from tests.mcp.conftest import call_as, committed_module_data

LIMIT_TOKENS = 25_000


def _days_ago(days: int) -> str:
    """A period start relative to today: the big world is a year up to now, and a report covers ≤ 366 days."""
    return (timezone.localdate() - dt.timedelta(days=days)).isoformat()


@pytest.fixture(scope="module")
def big(django_db_setup, django_db_blocker):
    with committed_module_data(django_db_blocker), django_db_blocker.unblock():
        call_command("seed_knowledgebase", "--demo", verbosity=0)
        yield big_world_build()


def _walk(user, tool: str, args: dict, items_of) -> tuple[list, int]:
    items, cursor, largest = [], None, 0
    while True:
        answer = call_as(user, tool, {**args, **({"cursor": cursor} if cursor else {})})
        largest = max(largest, estimate_tokens(answer.text))
        data = answer.data
        page_items, cursor = items_of(data)
        items += page_items
        if not cursor:
            return items, largest


def test_search_pages_over_a_year_of_calls_stay_bounded_and_reach_every_call_once(big):
    ids, largest = _walk(
        big.manager, "search_calls", {"query": "pricing", "limit": 50},
        lambda data: ([r["id"] for r in data["results"]], data["next_cursor"]),
    )  # fmt: skip
    assert largest < LIMIT_TOKENS
    assert len(ids) == len(set(ids)) == len(big.call_ids)


def test_a_huge_transcript_comes_in_bounded_pages_that_cover_every_turn_once(big):
    args = {"call_id": big.huge_call, "include_transcript": True, "transcript_limit": 200}

    def turns(data: dict) -> tuple[list, str | None]:
        return [t["at"] + t["text"][:20] for t in data["transcript"]["turns"]], data["transcript"]["next_cursor"]

    starts, largest = _walk(big.manager, "analyze_call", args, turns)
    assert largest < LIMIT_TOKENS
    assert len(starts) == big.huge_turns


def test_product_errors_over_a_year_are_paged_within_the_limit(big):
    errors, largest = _walk(
        big.manager, "analyze_product_knowledge", {"rep": "Rex Rep", "start": _days_ago(396), "limit": 50},
        lambda data: ([(e["call_id"], e["said"]) for e in data["errors"]], data["next_cursor"]),
    )  # fmt: skip
    assert largest < LIMIT_TOKENS
    assert len(errors) == len(set(errors)) == 3 * 300  # the review reads at most 300 sessions, and says so:
    first = call_as(big.manager, "analyze_product_knowledge", {"rep": "Rex Rep", "start": _days_ago(396)}).data
    assert first["calls"] == 300 and first["calls_in_scope"] > 300
    assert first["covered"].startswith(f"the 300 most recent calls of {first['calls_in_scope']}")


def test_year_long_insights_plan_comparison_and_export_stay_under_the_limit(big):
    calls = big.call_ids[:5]
    for tool, args in [
        ("get_rep_insights", {"rep": "Rex Rep", "start": _days_ago(365)}),
        ("get_coaching_plan", {"rep": "Rex Rep", "weeks": 26}),
        ("compare_calls", {"call_ids": calls}),
        ("analyze_call", {"call_id": big.huge_call}),
        ("export_coaching_report", {"scope": "rep", "subject": "Rex Rep", "start": _days_ago(365), "format": "html"}),
    ]:
        answer = call_as(big.manager, tool, args)
        assert not answer.is_error, (tool, answer.text)
        assert estimate_tokens(answer.text) < LIMIT_TOKENS, tool


def test_the_last_guard_trims_the_longest_list_and_says_so():
    payload = {"rep": "x", "results": [{"text": "word " * 200} for _ in range(500)]}
    trimmed, text = fit(payload, budget=5_000)
    assert estimate_tokens(text) <= 5_000
    assert trimmed["truncated"]["dropped"]["results"] > 400
    assert "narrow the request" in trimmed["truncated"]["hint"]


def test_a_trimmed_page_says_its_dropped_items_are_not_on_the_next_page():
    payload = {"results": [{"text": "word " * 200} for _ in range(500)], "next_cursor": "abc"}
    trimmed, _ = fit(payload, budget=5_000)
    assert "not on the next page" in trimmed["truncated"]["hint"]
