"""`mcp_config --remote`: what a rep pastes on a laptop — the server's URL, never a local path or database URL."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from core.models import ApiToken
from core.services import token_authenticate
from tests.mcp.test_commands import _run


def _assert_nothing_local(text: str) -> None:
    assert "manage.py" not in text and "DATABASE_URL" not in text and "postgres" not in text
    assert ".venv" not in text and "/work" not in text


@override_settings(SSO_ENABLED=True, MCP_PUBLIC_URL="https://coach.example.com")
def test_remote_config_with_sso_is_the_connector_url_and_an_oauth_bridge(world):
    out, note = _run("mcp_config", "--remote")
    block = json.loads(out)["mcpServers"]["callcoach"]
    assert block == {"command": "npx", "args": ["-y", "mcp-remote", "https://coach.example.com/mcp"]}
    assert "Add custom connector → https://coach.example.com/mcp" in note
    _assert_nothing_local(out)


@override_settings(SSO_ENABLED=False, MCP_PUBLIC_URL="")
def test_remote_config_with_a_bearer_token_acts_as_that_user(world):
    out, note = _run("mcp_config", "--remote", "--bearer", "--user", world.gong["ada"].email,
                     "--url", "https://coach.example.com/")  # fmt: skip
    block = json.loads(out)["mcpServers"]["callcoach"]
    assert block["args"] == ["-y", "mcp-remote", "https://coach.example.com/mcp", "--header",
                             "Authorization:${CALLCOACH_AUTH}"]  # fmt: skip
    token = block["env"]["CALLCOACH_AUTH"].removeprefix("Bearer ")
    assert token_authenticate(token=token) == world.users["ada"].pk
    assert ApiToken.objects.filter(user=world.users["ada"], name="callcoach via mcp-remote").exists()
    assert "revoke: mcp_token --revoke" in note
    _assert_nothing_local(out)


@override_settings(SSO_ENABLED=False, MCP_PUBLIC_URL="")
def test_remote_config_errors_are_one_line(world):
    with pytest.raises(CommandError, match="public origin"):
        call_command("mcp_config", "--remote")
    with pytest.raises(CommandError, match="needs SSO"):
        call_command("mcp_config", "--remote", "--url", "https://coach.example.com")
    with pytest.raises(CommandError, match="--bearer needs --user"):
        call_command("mcp_config", "--remote", "--bearer", "--url", "https://coach.example.com")
    with pytest.raises(CommandError, match="--user EMAIL is required"):
        call_command("mcp_config")
