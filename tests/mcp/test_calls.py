"""analyze_call, search_calls and compare_calls on the seeded world: what each user sees, and what they don't."""

from __future__ import annotations

from tests.mcp.conftest import call_as, call_not_found

NOT_FOUND_ID = "9999999999999999999"


def _same_answer_for_hidden_and_missing(user, tool: str, hidden_id: str, extra: dict | None = None):
    hidden = call_as(user, tool, {"call_id": hidden_id, **(extra or {})})
    missing = call_as(user, tool, {"call_id": NOT_FOUND_ID, **(extra or {})})
    assert hidden.is_error and missing.is_error
    assert hidden.text.replace(hidden_id, "<id>") == missing.text.replace(NOT_FOUND_ID, "<id>")
    return hidden.text


# --- analyze_call --------------------------------------------------------------------------------------------


def test_analyze_call_returns_scores_rationale_evidence_and_stats_for_each_speaker(world):
    call_id = world.calls["ada"][5]
    data = call_as(world.users["mia"], "analyze_call", {"call_id": call_id}).data
    assert data["call"]["id"] == call_id
    assert data["analysis"]["analyzer"] == "offline" and "not Claude" in data["analysis"]["note"]
    (ada,) = data["speakers"]
    assert ada["name"] == "Ada Lovelace" and ada["rep_id"] == world.gong["ada"].pk
    assert ada["scores"]["discovery"]["s"] == 4
    assert ada["scores"]["objection_handling"]["missed"] == ["explore"]
    assert ada["scores"]["discovery"]["ev"] == [{"q": "How do you coach your forty reps today?", "at": "0:08"}]
    assert ada["stats"]["talk_ratio"]["flag"] == "high"
    assert ada["product_errors"][0]["doc"] == "pricing-and-packaging"


def test_a_rep_sees_only_their_own_results_on_a_shared_call(world):
    call_id = world.shared_call

    def names(user):
        return [s["name"] for s in call_as(world.users[user], "analyze_call", {"call_id": call_id}).data["speakers"]]

    assert names("mia") == ["Ada Lovelace", "Ben Sengineer"]
    assert names("ada") == ["Ada Lovelace"]
    assert names("ben") == ["Ben Sengineer"]


def test_analyze_call_can_be_narrowed_to_one_speaker(world):
    data = call_as(world.users["mia"], "analyze_call", {"call_id": world.shared_call, "speaker": "ben"}).data
    assert [s["name"] for s in data["speakers"]] == ["Ben Sengineer"]
    answer = call_as(world.users["mia"], "analyze_call", {"call_id": world.shared_call, "speaker": "nobody"})
    assert answer.is_error
    assert answer.text == "No analysed speaker matches 'nobody' on this call; speakers: Ada Lovelace, Ben Sengineer."


def test_an_invisible_call_gets_the_same_not_found_as_a_missing_one(world):
    text = _same_answer_for_hidden_and_missing(world.users["zed"], "analyze_call", world.calls["ada"][0])
    assert "not found" in text
    # a manager does not see a report's private call either
    _same_answer_for_hidden_and_missing(world.users["mia"], "analyze_call", world.private_call)


def test_analyze_call_rejects_a_malformed_call_id(world):
    answer = call_as(world.users["ada"], "analyze_call", {"call_id": "12ab"})
    assert answer.is_error
    assert answer.text == "Invalid `call_id`: a Gong call id is 1–20 digits (got '12ab')."


def test_the_transcript_pages_reach_every_turn_once(world):
    call_id, turns, cursor = world.calls["ada"][4], [], None
    while True:
        args = {"call_id": call_id, "include_transcript": True, "transcript_limit": 2}
        page = call_as(world.users["ada"], "analyze_call", {**args, **({"cursor": cursor} if cursor else {})}).data
        transcript = page["transcript"]
        assert transcript["from_turn"] == len(turns)
        turns += transcript["turns"]
        cursor = transcript["next_cursor"]
        if not cursor:
            break
    assert len(turns) == transcript["of"] == 7
    assert turns[0]["side"] == "rep" and turns[1]["who"] == "Pat Buyer"


def test_a_tampered_cursor_is_refused(world):
    args = {"call_id": world.calls["ada"][4], "include_transcript": True, "transcript_limit": 2}
    cursor = call_as(world.users["ada"], "analyze_call", args).data["transcript"]["next_cursor"]
    answer = call_as(world.users["ada"], "analyze_call", {**args, "cursor": cursor[:-3] + "abc"})
    assert answer.is_error and answer.text.startswith("Invalid or expired cursor")
    other_call = call_as(
        world.users["ada"], "analyze_call", {**args, "call_id": world.calls["ada"][3], "cursor": cursor}
    )
    assert other_call.is_error and other_call.text.startswith("Invalid or expired cursor")


# --- search_calls ---------------------------------------------------------------------------------------------


def test_search_finds_calls_by_words_said_with_timestamped_matches(world):
    data = call_as(world.users["mia"], "search_calls", {"query": "expensive pricing"}).data
    found = {result["id"] for result in data["results"]}
    assert set(world.calls["ada"][3:]) <= found
    assert world.private_call not in found  # Ada's private call is not Mia's to see
    assert not found & set(world.calls["zed"])
    hit = next(result for result in data["results"] if result["id"] == world.calls["ada"][5])
    assert hit["matches"][0] == {
        "at": "0:32", "side": "customer", "text": "Honestly the pricing looks expensive compared to what we pay now."
    }  # fmt: skip
    assert hit["scores"]["discovery"] == 4.0


def test_search_filters_by_rep_account_type_dates_and_score(world):
    mia = world.users["mia"]
    by_rep = call_as(mia, "search_calls", {"rep": "Ben Sengineer"}).data["results"]
    assert {r["id"] for r in by_rep} == {*world.calls["ben"], world.shared_call}
    by_type = call_as(mia, "search_calls", {"call_type": "demo", "account": "glob"}).data["results"]
    assert {r["id"] for r in by_type} == set(world.calls["ben"])
    low = call_as(mia, "search_calls", {"rep": "ada", "dimension": "discovery", "max_score": 2}).data["results"]
    assert {r["id"] for r in low} == set(world.calls["ada"][:2])
    recent = call_as(mia, "search_calls", {"start": world.gong["fresh_day"].isoformat()}).data["results"]
    assert {r["id"] for r in recent} == {world.unanalysed_call}


def test_search_pages_reach_every_call_once(world):
    seen, cursor = [], None
    while True:
        data = call_as(world.users["boss"], "search_calls", {"limit": 4, **({"cursor": cursor} if cursor else {})}).data
        seen += [result["id"] for result in data["results"]]
        cursor = data["next_cursor"]
        if not cursor:
            break
    everything = {
        *world.calls["ada"],
        *world.calls["ben"],
        *world.calls["zed"],
        world.private_call,
        world.unanalysed_call,
    }
    assert len(seen) == len(set(seen)) == len(everything)
    assert set(seen) == everything


def test_a_rep_searching_sees_only_their_own_calls(world):
    results = call_as(world.users["zed"], "search_calls", {"query": "pricing"}).data["results"]
    assert {r["id"] for r in results} == set(world.calls["zed"])
    hidden = call_as(world.users["zed"], "search_calls", {"rep": "Ada Lovelace"})
    missing = call_as(world.users["zed"], "search_calls", {"rep": "Nobody Known"})
    assert hidden.is_error and missing.is_error
    assert hidden.text.replace("Ada Lovelace", "X") == missing.text.replace("Nobody Known", "X")


def test_search_rejects_a_reversed_score_range(world):
    answer = call_as(world.users["mia"], "search_calls", {"min_score": 4, "max_score": 2})
    assert answer.is_error and answer.text == "`min_score` (4) is above `max_score` (2); swap them."


# --- compare_calls --------------------------------------------------------------------------------------------


def test_compare_calls_puts_scores_side_by_side_and_explains_the_gaps(world):
    first, last = world.calls["ada"][0], world.calls["ada"][5]
    data = call_as(world.users["mia"], "compare_calls", {"call_ids": [first, last]}).data
    assert [side["call"]["id"] for side in data["calls"]] == [first, last]
    assert [side["scores"]["discovery"] for side in data["calls"]] == [2, 4]
    (difference,) = data["differences"]
    assert difference["dimension"] == "discovery" and difference["gap"] == 2
    assert difference["best"]["call_id"] == last and difference["worst"]["call_id"] == first
    assert difference["best"]["ev"][0]["q"] == "How do you coach your forty reps today?"


def test_compare_calls_of_someone_else_is_not_found(world):
    answer = call_as(world.users["zed"], "compare_calls", {"call_ids": [world.calls["zed"][0], world.calls["ada"][0]]})
    assert answer.is_error and answer.text == call_not_found(world.calls["ada"][0])


def test_compare_calls_needs_two_to_five_distinct_calls(world):
    one = call_as(world.users["ada"], "compare_calls", {"call_ids": [world.calls["ada"][0]]})
    assert one.is_error and one.text.startswith("Invalid `call_ids`: List should have at least 2 items")
    six = call_as(world.users["ada"], "compare_calls", {"call_ids": world.calls["ada"][:6]})
    assert six.is_error and "at most 5 items" in six.text
    twice = call_as(world.users["ada"], "compare_calls", {"call_ids": [world.calls["ada"][0]] * 2})
    assert twice.is_error and twice.text == "`call_ids` lists the same call twice; give 2–5 different calls."


def test_a_nul_in_any_tool_parameter_is_a_clear_tool_error(world):
    user = world.users["mia"]
    cases = [
        ("search_calls", {"query": "pricing\x00"}, "query"),
        ("search_calls", {"account": "\x00Acme"}, "account"),
        ("get_rep_insights", {"rep": "rita\x00@x"}, "rep"),
        ("compare_calls", {"call_ids": ["1", "2\x00"]}, "call_ids[1]"),
        ("export_coaching_report", {"scope": "rep", "subject": "me\x00", "format": "md"}, "subject"),
    ]
    for tool, arguments, where in cases:
        answer = call_as(user, tool, arguments)
        assert answer.is_error, (tool, answer.text)
        assert answer.text.startswith(f"Invalid `{where}`: it contains a NUL character"), answer.text
