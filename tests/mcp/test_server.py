"""The server as Claude Desktop sees it: exactly nine tools, described, with typed inputs; bad arguments come
back as one actionable line; nothing runs without an acting user."""

from __future__ import annotations

import asyncio
from unittest import mock

from fastmcp import Client

from mcp_bridge.server import TOOL_NAMES, build_server
from tests.mcp.conftest import call_as, list_tools_as

EXPECTED = {
    "analyze_call",
    "get_rep_insights",
    "search_calls",
    "compare_calls",
    "analyze_product_knowledge",
    "get_coaching_plan",
    "update_knowledge_base",
    "batch_analyze_calls",
    "export_coaching_report",
}


def test_the_tool_list_is_exactly_the_nine_tools_with_descriptions_and_input_schemas(world):
    tools = {tool.name: tool for tool in list_tools_as(world.users["ada"])}
    assert set(tools) == EXPECTED == set(TOOL_NAMES)
    for tool in tools.values():
        assert len(tool.description) > 150, tool.name  # written for the model, not a one-liner
        schema = tool.input_schema
        assert schema["type"] == "object" and schema["properties"], tool.name
        for name, prop in schema["properties"].items():
            assert "description" in prop or "$ref" in prop or "anyOf" in prop, (tool.name, name)
    assert tools["analyze_call"].input_schema["required"] == ["call_id"]
    assert tools["analyze_call"].input_schema["properties"]["call_id"]["pattern"] == "^[0-9]{1,20}$"
    limit = tools["search_calls"].input_schema["properties"]["limit"]
    assert (limit["minimum"], limit["maximum"]) == (1, 50)
    assert tools["get_rep_insights"].annotations.read_only_hint is True
    assert tools["update_knowledge_base"].annotations.read_only_hint is False


def test_an_out_of_range_limit_is_one_actionable_line(world):
    answer = call_as(world.users["ada"], "search_calls", {"limit": 500})
    assert answer.is_error
    assert answer.text == "Invalid `limit`: Input should be less than or equal to 50 (got 500)."


def test_a_malformed_date_says_which_format_to_use(world):
    answer = call_as(world.users["ada"], "get_rep_insights", {"rep": "me", "start": "2026/11/01"})
    assert answer.is_error
    assert answer.text.startswith("Invalid `start`:")
    assert "use a date like 2026-11-02" in answer.text
    assert "\n" not in answer.text and "Traceback" not in answer.text


def test_a_missing_required_argument_is_named(world):
    answer = call_as(world.users["ada"], "compare_calls", {})
    assert answer.is_error
    assert answer.text == "Invalid `call_ids`: Missing required argument; it is required."


def test_a_server_with_no_acting_user_runs_no_tool(world):
    async def call():
        async with Client(build_server(user_id=None)) as client:
            return await client.call_tool("get_rep_insights", {"rep": "me"}, raise_on_error=False)

    result = asyncio.run(call())
    assert result.is_error
    assert "Not authenticated" in result.content[0].text


def test_an_unexpected_failure_is_reported_without_a_traceback(world):
    with mock.patch("mcp_bridge.tools.coaching.rep_report", autospec=True, side_effect=RuntimeError("internals")):
        answer = call_as(world.users["ada"], "get_rep_insights", {"rep": "me"})
    assert answer.is_error
    assert answer.text == "get_rep_insights failed on our side (RuntimeError); it was logged. Try again."
