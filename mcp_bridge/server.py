"""The FastMCP app: nine coaching tools for Claude Desktop, acting as one Django user per request.

Built by `build_server` (called by `manage.py run_mcp_server` after django.setup(), and by tests):
- stdio: `build_server(user_id=…)` — every call acts as that user;
- HTTP: `build_server(auth=ApiTokenVerifier())` — a bearer token from `manage.py mcp_token` maps each request
  to its user; no or a bad token is answered 401 before any tool runs.
Tools are sync and run in FastMCP's worker threads (run_in_thread), so the ORM never runs on the event loop.
"""

from __future__ import annotations

from fastmcp import FastMCP
from fastmcp.server.auth import AuthProvider
from mcp_types import ToolAnnotations

from mcp_bridge.errors import ArgumentErrorMiddleware
from mcp_bridge.permissions import ActingUserMiddleware
from mcp_bridge.tools import calls, coaching, knowledge, reports

TOOL_NAMES = (
    "analyze_call",
    "get_rep_insights",
    "search_calls",
    "compare_calls",
    "analyze_product_knowledge",
    "get_coaching_plan",
    "update_knowledge_base",
    "batch_analyze_calls",
    "export_coaching_report",
)

INSTRUCTIONS = """\
callcoach scores recorded Gong sales calls on four dimensions (product_knowledge, discovery,
objection_handling, engagement; 1–5, null = not applicable) with verified quotes as evidence, and computes
interaction stats (talk ratio, longest monologue, customer story, patience, questions) against Gong's published
ranges. You only see the calls and reps the signed-in user may see.
Start with search_calls or get_rep_insights to find call ids and reps; pass them to analyze_call,
compare_calls, analyze_product_knowledge or get_coaching_plan. Lists are paged: pass `next_cursor` back as
`cursor`. Results labelled analyzer "offline" come from a deterministic baseline, not from Claude: say so.
"""

READ_ONLY = ToolAnnotations(readOnlyHint=True, openWorldHint=False)


def build_server(*, user_id: int | None = None, auth: AuthProvider | None = None) -> FastMCP:
    """The MCP server; `user_id` for a single-user (stdio) server, `auth` for a multi-user HTTP one."""
    mcp = FastMCP(
        "callcoach",
        instructions=INSTRUCTIONS,
        auth=auth,
        middleware=[ArgumentErrorMiddleware(), ActingUserMiddleware(user_id=user_id)],
        mask_error_details=True,
        on_duplicate="error",
    )
    read_tools = [
        calls.analyze_call,
        coaching.get_rep_insights,
        calls.search_calls,
        calls.compare_calls,
        knowledge.analyze_product_knowledge,
        coaching.get_coaching_plan,
        reports.export_coaching_report,
    ]
    for fn in read_tools:
        mcp.tool(fn, output_schema=None, annotations=READ_ONLY)
    mcp.tool(
        knowledge.update_knowledge_base,
        output_schema=None,
        annotations=ToolAnnotations(readOnlyHint=False, destructiveHint=False, idempotentHint=True),
    )
    mcp.tool(
        reports.batch_analyze_calls,
        output_schema=None,
        annotations=ToolAnnotations(readOnlyHint=False, destructiveHint=False, idempotentHint=True),
    )
    return mcp
