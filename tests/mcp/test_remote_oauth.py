"""Claude Desktop from a laptop: the HTTP MCP server's OAuth 2.1 authorization (dynamic client registration,
PKCE, consent) backed by the company's OpenID Connect provider — a real provider process — and the bearer-token
path beside it. A real FastMCP client completes the flow, a scripted browser signs in, and every call acts as
exactly the user who signed in."""

from __future__ import annotations

import asyncio
import threading

import pytest
import requests
from django.test import override_settings
from fastmcp import Client
from fastmcp.client.auth import OAuth
from key_value.aio.stores.memory import MemoryStore

from core.models import ApiToken
from core.services import OAUTH_PREFIX, token_create, token_revoke
from mcp_bridge.auth import _grant_user, remote_auth
from mcp_bridge.server import build_server
from tests.mcp.conftest import call_as, committed, free_socket, served
from tests.sso import browse

INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}}  # fmt: skip
HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
DOMAIN = "lumina-labs.example"  # the seeded world's Gong users


class BrowserOAuth(OAuth):
    """FastMCP's OAuth client, with a scripted person instead of `webbrowser.open` for the sign-in."""

    def __init__(self, *, email: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.email = email

    async def redirect_handler(self, authorization_url: str) -> None:
        # The client starts its callback server after this returns, so the "browser" runs beside it.
        threading.Thread(target=browse, args=(authorization_url,), kwargs={"email": self.email}, daemon=True).start()


@pytest.fixture(scope="module")
def remote(world, oidc_provider):
    oidc_provider.people_add([world.gong[name].email for name in ("ada", "ben", "mia", "zed")])
    sock = free_socket()
    origin = f"http://127.0.0.1:{sock.getsockname()[1]}"
    with override_settings(**oidc_provider.settings(SSO_ALLOWED_DOMAINS=[DOMAIN], MCP_PUBLIC_URL=origin)):
        app = build_server(auth=remote_auth(client_storage=MemoryStore())).http_app(path="/mcp")
        with served(app, sock):
            yield f"{origin}/mcp"


async def _signed_in_calls(url: str, email: str, calls: list[tuple[str, dict]]):
    auth = BrowserOAuth(email=email, client_name="Claude Desktop (test)", callback_timeout=30)
    async with Client(url, auth=auth) as client:
        answers = [await client.call_tool(name, args, raise_on_error=False) for name, args in calls]
        tokens = await auth.token_storage_adapter.get_tokens()
    return answers, tokens.access_token


def signed_in(url: str, email: str, calls: list[tuple[str, dict]]):
    return asyncio.run(_signed_in_calls(url, email, calls))


def test_the_server_advertises_oauth_authorization_for_mcp_clients(remote):
    origin = remote.rsplit("/mcp", 1)[0]
    unauthorized = requests.post(remote, json=INIT, headers=HEADERS, timeout=10)
    assert unauthorized.status_code == 401
    assert "resource_metadata" in unauthorized.headers["WWW-Authenticate"]
    metadata = requests.get(f"{origin}/.well-known/oauth-authorization-server", timeout=10).json()
    assert metadata["registration_endpoint"].startswith(origin)  # dynamic client registration
    assert "S256" in metadata["code_challenge_methods_supported"]


def test_a_rep_completes_the_authorization_flow_and_calls_tools_as_that_rep(remote, world):
    ada = world.gong["ada"]
    own, other = world.calls["ada"][0], world.calls["zed"][0]
    answers, token = signed_in(
        remote, ada.email, [("analyze_call", {"call_id": own}), ("analyze_call", {"call_id": other})]
    )
    assert not answers[0].is_error and "Ada Lovelace" in answers[0].content[0].text
    assert answers[1].is_error and "not found" in answers[1].content[0].text
    grant = ApiToken.objects.get(user=world.users["ada"], prefix__startswith=OAUTH_PREFIX)
    assert grant.revoked_at is None and grant.name.startswith("MCP OAuth")
    assert token not in {grant.prefix, grant.token_sha256}  # only a hash of the grant id is stored

    # Revoking the grant (mcp_token --revoke, or deactivating the user) ends the token at once.
    with_token = {**HEADERS, "Authorization": f"Bearer {token}"}
    assert requests.post(remote, json=INIT, headers=with_token, timeout=10).status_code == 200
    assert committed(token_revoke, user_email=ada.email, prefix=grant.prefix) == 1
    assert requests.post(remote, json=INIT, headers=with_token, timeout=10).status_code == 401


@pytest.mark.parametrize("person", ["ada", "mia", "zed"])
def test_over_oauth_each_person_sees_exactly_what_they_see_locally(remote, world, person):
    call_ids = [c for calls in world.calls.values() for c in calls]
    answers, _ = signed_in(remote, world.gong[person].email, [("analyze_call", {"call_id": c}) for c in call_ids])
    remote_visible = {c for c, a in zip(call_ids, answers, strict=True) if not a.is_error}
    local_visible = {c for c in call_ids if not call_as(world.users[person], "analyze_call", {"call_id": c}).is_error}
    assert remote_visible == local_visible and remote_visible  # the same rule, and not vacuously


def test_bearer_tokens_still_work_beside_oauth_for_clients_without_it(remote, world):
    issued = committed(token_create, user_email=world.gong["mia"].email, name="mcp-remote")
    answer = asyncio.run(_bearer_call(remote, issued.token))
    assert not answer.is_error


async def _bearer_call(url: str, token: str):
    async with Client(url, auth=token) as client:
        return await client.call_tool("get_rep_insights", {"rep": "me"}, raise_on_error=False)


def test_a_person_the_sign_in_rule_refuses_gets_no_user(world, oidc_provider):
    with override_settings(**oidc_provider.settings(SSO_ALLOWED_DOMAINS=[DOMAIN])):
        outsider = {"email": "eve@elsewhere.test", "email_verified": True}
        assert committed(_grant_user, grant_id="g-eve", claims=outsider, client_id="c") is None
        unverified = {"email": world.gong["ada"].email, "email_verified": False}
        assert committed(_grant_user, grant_id="g-unverified", claims=unverified, client_id="c") is None
        assert not ApiToken.objects.filter(name="MCP OAuth (c)").exists()
