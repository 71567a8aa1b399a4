"""The management commands: mcp_token, mcp_config, and run_mcp_server started the way Claude Desktop does."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from fastmcp import Client
from fastmcp.client.transports import StdioTransport

from core.models import ApiToken
from tests.mcp.conftest import committed


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    committed(call_command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_mcp_token_creates_lists_and_revokes_tokens(world):
    email = world.gong["ada"].email
    token, note = _run("mcp_token", "--user", email, "--name", "laptop")
    token = token.strip()
    assert token.startswith("cc_") and "shown once, stored hashed" in note
    listed, _ = _run("mcp_token", "--user", email, "--list")
    assert f"{token[:11]}…  active" in listed and "laptop" in listed
    revoked, _ = _run("mcp_token", "--user", email, "--revoke", token[:11])
    assert revoked.startswith("Revoked 1 token(s)")
    assert ApiToken.objects.get(prefix=token[:11]).revoked_at is not None


def test_mcp_token_for_an_unknown_user_is_a_one_line_error(world):
    with pytest.raises(CommandError, match=r"No active user with email 'ghost@example\.com'\."):
        call_command("mcp_token", "--user", "ghost@example.com")


def test_run_mcp_server_over_stdio_needs_a_user(world):
    with pytest.raises(CommandError, match=r"--user EMAIL is required with --transport stdio"):
        call_command("run_mcp_server", "--transport", "stdio")
    with pytest.raises(CommandError, match="No active user"):
        call_command("run_mcp_server", "--transport", "stdio", "--user", "ghost@example.com")
    with pytest.raises(CommandError, match="--user applies to stdio only"):
        call_command("run_mcp_server", "--transport", "http", "--user", "ghost@example.com")


def _test_database_url() -> str:
    db = connections.settings["default"]
    host = db["HOST"] or "127.0.0.1"
    where = f"127.0.0.1:{db['PORT'] or 5432}/{db['NAME']}?host={host}" if host.startswith("/") else (
        f"{host}:{db['PORT'] or 5432}/{db['NAME']}"
    )  # fmt: skip
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{where}"


def test_claude_desktop_starts_the_server_from_the_mcp_config_block(world):
    out, _ = _run("mcp_config", "--user", world.gong["mia"].email)
    server = json.loads(out)["mcpServers"]["callcoach"]
    assert Path(server["command"]).is_absolute() and Path(server["args"][0]).is_absolute()
    assert server["args"][0] == str(Path(settings.BASE_DIR) / "manage.py")
    assert server["args"][1:] == ["run_mcp_server", "--transport", "stdio", "--user", world.gong["mia"].email]
    assert server["env"]["DJANGO_SETTINGS_MODULE"] == settings.SETTINGS_MODULE
    env = {**server["env"], "DATABASE_URL": _test_database_url()}  # the pytest database, not the dev one
    transport = StdioTransport(command=server["command"], args=server["args"], env=env, keep_alive=False)

    async def session():
        async with Client(transport, timeout=60) as client:
            tools = await client.list_tools()
            result = await client.call_tool("get_rep_insights", {"rep": "Ada Lovelace"}, raise_on_error=False)
            return tools, result

    tools, result = asyncio.run(session())
    assert len(tools) == 9
    assert not result.is_error, result.content[0].text
    assert json.loads(result.content[0].text)["rep"]["name"] == "Ada Lovelace"


def test_mcp_token_issues_a_read_only_token_for_bi_tools(world):
    email = world.gong["ada"].email
    token, note = _run("mcp_token", "--user", email, "--name", "tableau", "--scope", "read")
    assert "(read)" in note
    assert ApiToken.objects.get(prefix=token.strip()[:11]).scope == "read"
    listed, _ = _run("mcp_token", "--user", email, "--list")
    assert "read" in listed and "tableau" in listed
