"""Print the `claude_desktop_config.json` block that starts this project's MCP server as a given user."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.errors import NotFound
from core.selectors import user_get_by_email


class Command(BaseCommand):
    help = "Print the Claude Desktop config block (absolute paths) for `run_mcp_server --transport stdio`."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="email (or username) of the Django user Claude acts as")
        parser.add_argument("--name", default="callcoach", help="server name shown in Claude Desktop")

    def handle(self, *args, user: str, name: str, **options):
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
        block = {
            "mcpServers": {
                name: {
                    "command": str(python.absolute()),
                    "args": [
                        str(base_dir / "manage.py"),
                        "run_mcp_server",
                        "--transport",
                        "stdio",
                        "--user",
                        acting.email or acting.get_username(),
                    ],
                    "env": env,
                }
            }
        }
        self.stdout.write(json.dumps(block, indent=2))
