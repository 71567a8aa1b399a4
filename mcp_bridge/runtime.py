"""What every tool does around its one selector/service call: connections, identity, errors, size.

Tools are sync functions that FastMCP runs in a worker thread (never on the event loop). `tool_scope` closes
stale connections before and after (a long-running server otherwise keeps dead or over-age connections),
resolves the acting user's Viewer, and turns expected failures into a one-line ToolError. `respond` renders
the compact JSON the model reads, bounded by `budget.fit`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import structlog
from django.db import close_old_connections
from fastmcp.exceptions import ToolError
from fastmcp.tools import ToolResult

from coaching.access import Viewer
from core.errors import ApplicationError, NotFound
from mcp_bridge.budget import fit
from mcp_bridge.permissions import viewer_current

logger = structlog.get_logger(__name__)


_NOT_FOUND_HINTS = {
    "Call ": "find call ids with search_calls.",
    "Rep ": "name a rep by email, full name or Gong user id.",
}


def one_line(message: str) -> str:
    return " ".join(str(message).split())


def not_found_line(message: str) -> str:
    """`Call 123 not found (or not visible to you); find call ids with search_calls.`"""
    text = one_line(message).rstrip(".")
    if not text.endswith("not found"):
        return text + "."
    hint = next((hint for prefix, hint in _NOT_FOUND_HINTS.items() if text.startswith(prefix)), "")
    return f"{text} (or not visible to you)" + (f"; {hint}" if hint else ".")


@contextmanager
def tool_scope(tool: str) -> Iterator[Viewer]:
    """Run a tool body as the acting user; expected errors become ToolError, others a logged generic one."""
    close_old_connections()
    try:
        yield viewer_current()
    except ToolError:
        raise
    except NotFound as exc:  # the same words for missing and not visible: no existence leak
        raise ToolError(not_found_line(exc.message)) from None
    except ApplicationError as exc:
        raise ToolError(one_line(exc.message)) from None
    except Exception as exc:
        logger.exception("mcp_tool_failed", tool=tool)
        raise ToolError(f"{tool} failed on our side ({exc.__class__.__name__}); it was logged. Try again.") from None
    finally:
        close_old_connections()


def respond(payload: dict) -> ToolResult:
    """The tool result: one compact JSON text block under the response budget."""
    _, text = fit(payload)
    return ToolResult(content=text)
