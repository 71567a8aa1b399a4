"""Who may call the remote (HTTP) MCP server, and as whom.

Two ways in, both ending at exactly one active Django user whose visibility every tool applies:
- **OAuth 2.1** (what Claude Desktop's custom connectors speak): FastMCP's OIDC proxy serves the MCP
  authorization endpoints — dynamic client registration, PKCE, a consent page — and sends the person to the
  company's identity provider (the same one the portal signs in with). The ID token's verified email is then
  admitted by the portal's rule (coaching.sso.services): allowed domain, an active Gong user, role from Gong.
  Each access token the server issues is bound to that user on first use and listed with the user's API tokens,
  so `mcp_token --revoke` (or deactivating the user) ends it.
- **Bearer API tokens** (`manage.py mcp_token`), for clients without OAuth, through a local bridge such as
  `mcp-remote --header "Authorization: Bearer …"`.
Without SSO configured only bearer tokens are accepted.
"""

from __future__ import annotations

import asyncio

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import close_old_connections
from fastmcp.server.auth import AuthProvider, MultiAuth, TokenVerifier
from fastmcp.server.auth.auth import AccessToken
from fastmcp.server.auth.oidc_proxy import OIDCProxy

from coaching.sso.discovery import discovery_url
from coaching.sso.services import SignInRefused, sso_account_for_claims
from core.services import oauth_grant_record, oauth_grant_state
from mcp_bridge.permissions import USER_CLAIM, ApiTokenVerifier

SCOPES = ["openid", "email", "profile"]


def _grant_user(*, grant_id: str, claims: dict, client_id: str) -> int | None:
    """The user this grant acts as: bound on first use after the sign-in rule admits its email."""
    close_old_connections()
    try:
        state = oauth_grant_state(grant_id=grant_id)
        if state.known:
            return state.user_id
        try:
            account = sso_account_for_claims(claims=claims)
        except SignInRefused:
            return None
        return oauth_grant_record(grant_id=grant_id, user_id=account.pk, name=f"MCP OAuth ({client_id})"[:100])
    finally:
        close_old_connections()


class BearerTokenVerifier(ApiTokenVerifier):
    """API tokens beside OAuth: a token stands for its whole user, so it carries the scopes OAuth tokens need."""

    async def verify_token(self, token: str) -> AccessToken | None:
        access = await super().verify_token(token)
        return access.model_copy(update={"scopes": list(SCOPES)}) if access is not None else None


class SsoOAuthProxy(OIDCProxy):
    """FastMCP's OIDC proxy, whose tokens act as the Django user the company's identity provider vouched for."""

    async def load_access_token(self, token: str) -> AccessToken | None:  # type: ignore[override]
        access = await super().load_access_token(token)
        if access is None:
            return None
        grant_id = self.jwt_issuer.verify_token(token)["jti"]  # verified again by super(): a cheap HMAC check
        claims = dict(access.claims or {})
        user_id = await asyncio.to_thread(_grant_user, grant_id=grant_id, claims=claims, client_id=access.client_id)
        if user_id is None:
            return None
        return access.model_copy(update={"claims": {**claims, USER_CLAIM: user_id}})


def remote_auth(*, client_storage=None) -> AuthProvider | TokenVerifier:
    """The HTTP server's auth: OAuth through SSO plus bearer tokens when SSO is configured, else bearer tokens.

    `client_storage` keeps client registrations and the encrypted upstream tokens (FastMCP's encrypted file
    store in its data directory when None).
    """
    if not settings.SSO_ENABLED:
        return ApiTokenVerifier()
    if not settings.MCP_PUBLIC_URL:
        raise ImproperlyConfigured("MCP_PUBLIC_URL must be set (the server's public origin) to offer OAuth sign-in")
    proxy = SsoOAuthProxy(
        config_url=discovery_url(issuer=settings.OIDC_ISSUER),
        client_id=settings.OIDC_RP_CLIENT_ID,
        client_secret=settings.OIDC_RP_CLIENT_SECRET,
        verify_id_token=True,  # company IdPs issue opaque access tokens; the ID token is always a verifiable JWT
        required_scopes=SCOPES,
        valid_scopes=SCOPES,
        base_url=settings.MCP_PUBLIC_URL,
        client_storage=client_storage,
        fastmcp_access_token_expiry_seconds=settings.MCP_OAUTH_TOKEN_TTL_S,
        require_authorization_consent=True,
    )
    return MultiAuth(server=proxy, verifiers=[BearerTokenVerifier()])
