"""Serve the MCP tools: `--transport stdio --user EMAIL` for Claude Desktop on this machine, `--transport http` for
laptops (OAuth sign-in through SSO, or bearer tokens from `mcp_token`; see mcp_bridge.auth)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError, NotFound
from core.selectors import user_get_by_email
from mcp_bridge.auth import remote_auth
from mcp_bridge.server import build_server


class Command(BaseCommand):
    help = "Run the callcoach MCP server (stdio for Claude Desktop, or streamable HTTP with bearer tokens)."

    def add_arguments(self, parser):
        parser.add_argument("--transport", choices=["stdio", "http"], default="stdio")
        parser.add_argument("--host", default=getattr(settings, "MCP_HTTP_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=getattr(settings, "MCP_HTTP_PORT", 8001))
        parser.add_argument("--user", help="email (or username) of the Django user a stdio server acts as")

    def handle(self, *args, transport: str, host: str, port: int, user: str | None, **options):
        if transport == "stdio":
            if not user:
                raise CommandError("--user EMAIL is required with --transport stdio (the user Claude acts as).")
            try:
                acting = user_get_by_email(email=user)
            except NotFound as exc:
                raise CommandError(exc.message) from None
            # stdout carries the protocol: nothing else may be written there.
            build_server(user_id=acting.pk).run(transport="stdio", show_banner=False)
            return
        if user:
            raise CommandError("--user applies to stdio only; over HTTP each bearer token maps to its own user.")
        if not 0 < port < 65536:
            raise CommandError(f"--port must be 1–65535, got {port}.")
        sign_in = "OAuth via SSO and bearer tokens" if settings.SSO_ENABLED else "bearer tokens: manage.py mcp_token"
        self.stderr.write(f"MCP over streamable HTTP on http://{host}:{port}/mcp ({sign_in})")
        try:
            auth = remote_auth()
        except (ImproperlyConfigured, ApplicationError) as exc:
            raise CommandError(str(getattr(exc, "message", exc))) from None
        build_server(auth=auth).run(transport="http", host=host, port=port, show_banner=False)
