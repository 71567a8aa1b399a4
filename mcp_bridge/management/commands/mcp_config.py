"""Print the Claude Desktop configuration for this project's MCP server.

- `--remote` (a rep's laptop): the server's public URL to add as a custom connector (OAuth sign-in through the
  company's identity provider), and a `claude_desktop_config.json` block for the `mcp-remote` bridge — signing in
  with OAuth, or with `--bearer` a new API token for `--user`. No local paths, no database URL.
- without `--remote` (the machine that holds the database): a block that starts `run_mcp_server --transport
  stdio --user EMAIL` from this checkout.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError, NotFound
from core.selectors import user_get_by_email
from core.services import token_create

BRIDGE = ["-y", "mcp-remote"]


class Command(BaseCommand):
    help = "Print the Claude Desktop config: --remote for a laptop (URL / mcp-remote), else a local stdio block."

    def add_arguments(self, parser):
        parser.add_argument("--user", help="email (or username) of the Django user Claude acts as")
        parser.add_argument("--name", default="callcoach", help="server name shown in Claude Desktop")
        parser.add_argument("--remote", action="store_true", help="config for a laptop reaching the HTTP server")
        parser.add_argument("--url", help="the server's public origin (default MCP_PUBLIC_URL)")
        parser.add_argument("--bearer", action="store_true", help="with --remote: issue an API token for --user")

    def handle(self, *args, user: str | None, name: str, remote: bool, url: str | None, bearer: bool, **options):
        if remote:
            return self._remote(user=user, name=name, url=url, bearer=bearer)
        if not user:
            raise CommandError("--user EMAIL is required (the user a local stdio server acts as); or use --remote.")
        if bearer or url:
            raise CommandError("--bearer and --url go with --remote.")
        self.stdout.write(json.dumps(self._local_block(user=user, name=name), indent=2))

    def _remote(self, *, user: str | None, name: str, url: str | None, bearer: bool) -> None:
        origin = (url or settings.MCP_PUBLIC_URL or "").rstrip("/")
        if not origin.startswith(("https://", "http://")):
            raise CommandError("Give the server's public origin: --url https://coach.example.com (or MCP_PUBLIC_URL).")
        endpoint = f"{origin}/mcp"
        if not bearer and not settings.SSO_ENABLED:
            raise CommandError("OAuth sign-in needs SSO (OIDC_ISSUER, OIDC_CLIENT_ID): add --bearer --user EMAIL.")
        server: dict = {"command": "npx", "args": [*BRIDGE, endpoint]}
        if bearer:
            if not user:
                raise CommandError("--bearer needs --user EMAIL (the token acts as that user).")
            try:
                issued = token_create(user_email=user, name=f"{name} via mcp-remote")
            except ApplicationError as exc:
                raise CommandError(exc.message) from None
            # mcp-remote splits arguments on spaces: the header value travels in an env var.
            server["args"] += ["--header", "Authorization:${CALLCOACH_AUTH}"]
            server["env"] = {"CALLCOACH_AUTH": f"Bearer {issued.token}"}
            self.stderr.write(f"Token {issued.prefix}… issued for {user} (revoke: mcp_token --revoke {issued.prefix}).")
        else:
            self.stderr.write(
                f"Claude Desktop: Settings → Connectors → Add custom connector → {endpoint} (signs in with SSO).\n"
                "Or paste this block into claude_desktop_config.json (the bridge opens the sign-in in a browser):"
            )
        self.stdout.write(json.dumps({"mcpServers": {name: server}}, indent=2))

    def _local_block(self, *, user: str, name: str) -> dict:
        try:
            acting = user_get_by_email(email=user)
        except NotFound as exc:
            raise CommandError(exc.message) from None
        base_dir = Path(settings.BASE_DIR).resolve()
        venv_python = base_dir / ".venv" / "bin" / "python"
        python = venv_python if venv_python.exists() else Path(sys.executable)
        env = {"DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
        if getattr(settings, "DATABASE_URL", ""):
            env["DATABASE_URL"] = settings.DATABASE_URL
        args = [str(base_dir / "manage.py"), "run_mcp_server", "--transport", "stdio"]
        return {
            "mcpServers": {
                name: {
                    "command": str(python.absolute()),
                    "args": [*args, "--user", acting.email or acting.get_username()],
                    "env": env,
                }
            }
        }
