"""Who a tool call acts as: a bearer token over HTTP, or the `--user` given to a stdio server.

The identity is resolved once per call in `ActingUserMiddleware` (on the event loop, no ORM) and carried in a
context variable, which AnyIO copies into the worker thread that runs the (sync) tool. The tool then resolves
the Django user to a `coaching.access.Viewer` in that thread, so every visibility rule lives in the selectors.
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar

from django.db import close_old_connections
from fastmcp.exceptions import ToolError
from fastmcp.server.auth import TokenVerifier
from fastmcp.server.auth.auth import AccessToken
from fastmcp.server.dependencies import get_access_token
from fastmcp.server.middleware import Middleware

from coaching.access import Viewer, viewer_for_user
from core.selectors import user_get_active
from core.services import token_authenticate

ACTING_USER_ID: ContextVar[int | None] = ContextVar("mcp_acting_user_id", default=None)
USER_CLAIM = "callcoach_user_id"


def _authenticate(token: str) -> int | None:
    close_old_connections()
    try:
        return token_authenticate(token=token)
    finally:
        close_old_connections()


class ApiTokenVerifier(TokenVerifier):
    """Bearer tokens issued by `manage.py mcp_token`, looked up by SHA-256 in core_api_token.

    An unknown, revoked or inactive-user token returns None, which FastMCP answers with HTTP 401.
    """

    async def verify_token(self, token: str) -> AccessToken | None:
        user_id = await asyncio.to_thread(_authenticate, token)
        if user_id is None:
            return None
        return AccessToken(token=token, client_id=f"user:{user_id}", scopes=[], claims={USER_CLAIM: user_id})


class ActingUserMiddleware(Middleware):
    """Sets ACTING_USER_ID for each tool call: the token's user over HTTP, else the server's fixed user."""

    def __init__(self, *, user_id: int | None) -> None:
        self.user_id = user_id

    async def on_call_tool(self, context, call_next):
        access = get_access_token()
        user_id = access.claims.get(USER_CLAIM) if access is not None else self.user_id
        if user_id is None:
            raise ToolError("Not authenticated: start the server with --user EMAIL or send a bearer token.")
        reset = ACTING_USER_ID.set(int(user_id))
        try:
            return await call_next(context)
        finally:
            ACTING_USER_ID.reset(reset)


def viewer_current() -> Viewer:
    """The Viewer of the user this call acts as (call from the tool's worker thread: it queries)."""
    user_id = ACTING_USER_ID.get()
    if user_id is None:
        raise ToolError("Not authenticated: start the server with --user EMAIL or send a bearer token.")
    return viewer_for_user(user_get_active(user_id=user_id))
