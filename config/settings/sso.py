"""Single sign-on (OpenID Connect) for the portal and the remote MCP server.

Enabled when OIDC_ISSUER and OIDC_CLIENT_ID are set. The provider's endpoints come from its discovery document
(`<issuer>/.well-known/openid-configuration`), so Google Workspace, Okta, Microsoft Entra or any standard
provider is configured the same way. Password login stays for the first admin and for the demo.
"""

from config.env import EnvError, env_bool, env_int, env_list, env_str

# The provider's issuer URL (e.g. https://accounts.google.com, https://<org>.okta.com,
# https://login.microsoftonline.com/<tenant>/v2.0) or its full discovery URL.
OIDC_ISSUER = env_str("OIDC_ISSUER").rstrip("/")
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
SSO_ENABLED = bool(OIDC_ISSUER and OIDC_RP_CLIENT_ID)
# Who may sign in: email domains (exact, case-insensitive). Required when SSO is on: an empty list admits nobody.
SSO_ALLOWED_DOMAINS = [d.strip().lower().lstrip("@") for d in env_list("SSO_ALLOWED_DOMAINS") if d.strip()]
SSO_BUTTON_LABEL = env_str("SSO_BUTTON_LABEL", "Sign in with your company account")
# Require the provider's `email_verified` claim to be true (Entra omits it for work accounts: set false there).
SSO_REQUIRE_EMAIL_VERIFIED = env_bool("SSO_REQUIRE_EMAIL_VERIFIED", True)
if SSO_ENABLED and not SSO_ALLOWED_DOMAINS:
    raise EnvError("SSO_ALLOWED_DOMAINS must name the email domains that may sign in (e.g. acme.com)")
if SSO_ENABLED and not OIDC_RP_CLIENT_SECRET:
    raise EnvError("OIDC_CLIENT_SECRET must be set when OIDC_ISSUER and OIDC_CLIENT_ID are (confidential client)")

# mozilla-django-oidc: endpoints are read from discovery by coaching.sso (not set here).
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_TIMEOUT = 10
OIDC_CREATE_USER = True
OIDC_AUTHENTICATE_CLASS = "coaching.sso.views.SsoAuthenticationRequestView"
OIDC_CALLBACK_CLASS = "coaching.sso.views.SsoCallbackView"
LOGIN_REDIRECT_URL_FAILURE = "/admin/login/?sso=failed"

# --- Remote MCP (OAuth 2.1 authorization for Claude Desktop, backed by the same provider) -----------------
# The public https origin the MCP server is reached at (Claude Desktop's connector URL is MCP_PUBLIC_URL/mcp).
# The provider must allow MCP_PUBLIC_URL/auth/callback as a redirect URI for OIDC_CLIENT_ID.
MCP_PUBLIC_URL = env_str("MCP_PUBLIC_URL").rstrip("/")
# Lifetime of the access tokens the MCP server issues (re-checked against the provider and the user on each use).
MCP_OAUTH_TOKEN_TTL_S = env_int("MCP_OAUTH_TOKEN_TTL_S", 3600)
