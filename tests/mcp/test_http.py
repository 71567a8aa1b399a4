"""The streamable-HTTP transport on a real port: bearer tokens from core_api_token map requests to users."""

from __future__ import annotations

import hashlib

import requests

from core.models import ApiToken
from core.services import token_create, token_revoke
from tests.mcp.conftest import call_not_found, committed

INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}}  # fmt: skip
HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def test_a_request_without_a_token_gets_401(http_server):
    response = requests.post(http_server.url, json=INIT, headers=HEADERS, timeout=10)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_gets_401(http_server):
    headers = {**HEADERS, "Authorization": "Bearer cc_not-a-real-token"}
    assert requests.post(http_server.url, json=INIT, headers=headers, timeout=10).status_code == 401


def test_a_token_acts_as_its_user_with_that_users_visibility(http_server, world):
    mia = committed(token_create, user_email=world.gong["mia"].email, name="laptop")
    zed = committed(token_create, user_email=world.gong["zed"].email)
    call_id = world.calls["ada"][5]
    seen = http_server.call("analyze_call", {"call_id": call_id}, token=mia.token).data
    assert [s["name"] for s in seen["speakers"]] == ["Ada Lovelace"]
    hidden = http_server.call("analyze_call", {"call_id": call_id}, token=zed.token)
    assert hidden.is_error and hidden.text == call_not_found(call_id)
    row = ApiToken.objects.get(pk=mia.token_id)
    assert row.last_used_at is not None


def test_only_the_hash_of_a_token_is_stored(world):
    issued = committed(token_create, user_email=world.gong["ada"].email, name="desk")
    row = ApiToken.objects.get(pk=issued.token_id)
    assert row.token_sha256 == hashlib.sha256(issued.token.encode()).hexdigest()
    assert issued.token not in {row.name, row.prefix, row.token_sha256}
    assert issued.token.startswith(row.prefix) and len(row.prefix) == 11


def test_a_revoked_token_gets_401(http_server, world):
    issued = committed(token_create, user_email=world.gong["ben"].email)
    assert not http_server.call("get_rep_insights", {"rep": "me"}, token=issued.token).is_error
    assert committed(token_revoke, user_email=world.gong["ben"].email, prefix=issued.prefix) == 1
    headers = {**HEADERS, "Authorization": f"Bearer {issued.token}"}
    assert requests.post(http_server.url, json=INIT, headers=headers, timeout=10).status_code == 401


def test_every_tool_answers_over_http(http_server, world, settings):
    settings.ANALYZER = "offline"
    ops = committed(token_create, user_email=world.users["ops"].email).token
    tools = {tool.name for tool in http_server.list_tools(token=ops)}
    assert len(tools) == 9
    ada_calls = world.calls["ada"]
    arguments = {
        "analyze_call": {"call_id": ada_calls[5]},
        "get_rep_insights": {"rep": "Ada Lovelace"},
        "search_calls": {"query": "pricing", "limit": 3},
        "compare_calls": {"call_ids": ada_calls[:2]},
        "analyze_product_knowledge": {"rep": "Ada Lovelace"},
        "get_coaching_plan": {"rep": "Ada Lovelace"},
        "update_knowledge_base": {"kind": "document", "key": "http-note", "title": "HTTP note", "content": "Hello."},
        "batch_analyze_calls": {"rep": "Ada Lovelace", "dry_run": True},
        "export_coaching_report": {"scope": "team", "subject": world.gong["mia"].email, "format": "json"},
    }
    assert set(arguments) == tools
    for name, args in arguments.items():
        answer = http_server.call(name, args, token=ops)
        assert not answer.is_error, (name, answer.text)
        assert answer.data, name
