"""The identity provider's endpoints, read from its OpenID Connect discovery document (cached per process)."""

from __future__ import annotations

import threading
import time

import requests
from django.conf import settings

from core.errors import ApplicationError

WELL_KNOWN = "/.well-known/openid-configuration"
CACHE_TTL_S = 300.0
_cache: dict[str, tuple[float, dict]] = {}
_lock = threading.Lock()


def discovery_url(*, issuer: str) -> str:
    """The discovery URL for an issuer (accepts the discovery URL itself too)."""
    issuer = issuer.rstrip("/")
    return issuer if issuer.endswith(WELL_KNOWN) else issuer + WELL_KNOWN


def provider_metadata(*, issuer: str | None = None) -> dict:
    """The provider's discovery document: endpoints, issuer, jwks_uri. Raises ApplicationError when unreachable."""
    url = discovery_url(issuer=issuer or settings.OIDC_ISSUER)
    now = time.monotonic()
    with _lock:
        cached = _cache.get(url)
        if cached and cached[0] > now:
            return cached[1]
    try:
        # Reference: https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ApplicationError(f"The sign-in provider's discovery document could not be read ({url})") from exc
    missing = [k for k in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri") if not document.get(k)]
    if missing:
        raise ApplicationError(f"The sign-in provider's discovery document lacks {', '.join(missing)}")
    with _lock:
        _cache[url] = (now + CACHE_TTL_S, document)
    return document


def cache_clear() -> None:
    with _lock:
        _cache.clear()


# mozilla-django-oidc setting name → discovery document key.
ENDPOINT_SETTINGS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}


def oidc_setting(attr: str, *args):
    """mozilla-django-oidc's `get_settings`, with the OIDC_OP_* endpoints taken from discovery."""
    from mozilla_django_oidc.utils import import_from_settings

    if attr in ENDPOINT_SETTINGS and not getattr(settings, attr, None):
        value = provider_metadata().get(ENDPOINT_SETTINGS[attr])
        if value:
            return value
    return import_from_settings(attr, *args)
