"""Webhook authentication: Gong's "Signed JWT header" and "URL includes key", plus HMAC for other senders.

A method is enabled when its secret is set (config/settings/gong.py). A delivery is accepted when any enabled
method that the request carries credentials for verifies; otherwise the first failure is reported (401). One
DRF authentication class per method (below) applies these checks to the webhook view's request, in that order.

Signed JWT (reference/gong-api.md §6.3): RS256 JWT in `Authorization` (raw or `Bearer `), verified against one
of several public keys (bare base64 SPKI DER as Gong shows it, or PEM); `exp` required (with leeway);
`body_sha256` = hex SHA-256 of the raw body; `webhook_url` must match GONG_WEBHOOK_PUBLIC_URL when that is set.
`algorithms=["RS256"]` is passed explicitly so `alg: none` and HS256-signed-with-the-public-key are refused.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_der_public_key, load_pem_public_key
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from gong.models import WebhookAuthMethod

SIGNATURE_HEADER = "X-Gong-Signature"


class WebhookAuthError(Exception):
    """Authentication failed; the message is safe to return to the sender (it never contains secrets)."""


@dataclass(frozen=True)
class WebhookAuthConfig:
    public_keys: tuple[RSAPublicKey, ...]
    url_key: str
    hmac_secret: str
    public_url: str
    leeway_s: int

    @property
    def enabled(self) -> bool:
        return bool(self.public_keys or self.url_key or self.hmac_secret)


def public_key_load(text: str) -> RSAPublicKey:
    """An RSA public key from PEM or from the bare base64 SPKI DER Gong's "Show public key" displays."""
    text = text.strip().replace("\\n", "\n")
    try:
        if text.startswith("-----BEGIN"):
            key = load_pem_public_key(text.encode())
        else:
            key = load_der_public_key(base64.b64decode("".join(text.split()), validate=True))
    except (ValueError, binascii.Error, TypeError) as exc:
        raise ImproperlyConfigured(f"GONG_WEBHOOK_PUBLIC_KEY holds a key that cannot be read: {exc}") from exc
    if not isinstance(key, RSAPublicKey):
        raise ImproperlyConfigured("GONG_WEBHOOK_PUBLIC_KEY must be an RSA public key (Gong signs with RS256)")
    return key


@functools.lru_cache(maxsize=8)
def _config(keys: tuple[str, ...], url_key: str, hmac_secret: str, public_url: str, leeway_s: int):
    return WebhookAuthConfig(tuple(public_key_load(k) for k in keys), url_key, hmac_secret, public_url, leeway_s)


def webhook_auth_config() -> WebhookAuthConfig:
    """The enabled methods, built from settings (keys parsed once per distinct setting values)."""
    keys = settings.GONG_WEBHOOK_PUBLIC_KEY
    keys = (keys,) if isinstance(keys, str) else tuple(keys)
    return _config(
        tuple(k for k in keys if k.strip()),
        settings.GONG_WEBHOOK_URL_KEY,
        settings.GONG_WEBHOOK_HMAC_SECRET,
        settings.GONG_WEBHOOK_PUBLIC_URL,
        int(settings.GONG_WEBHOOK_JWT_LEEWAY_S),
    )


def webhook_expected(config: WebhookAuthConfig) -> str:
    """What credentials this endpoint accepts, for the 401 message when a delivery carried none."""
    wanted = []
    if config.public_keys:
        wanted.append("a signed JWT in the Authorization header")
    if config.url_key:
        wanted.append("the ?key= URL parameter")
    if config.hmac_secret:
        wanted.append(f"an {SIGNATURE_HEADER} header")
    return " or ".join(wanted)


def _verify_jwt(*, body: bytes, presented: str, config: WebhookAuthConfig) -> None:
    token = presented.strip()
    if token[:7].lower() == "bearer ":
        token = token[7:].strip()
    claims = _jwt_decode(token, config)
    expected_sha = hashlib.sha256(body).hexdigest()
    if not hmac.compare_digest(str(claims.get("body_sha256", "")).lower(), expected_sha):
        raise WebhookAuthError("JWT body_sha256 does not match the request body")
    if config.public_url and not _same_url(str(claims.get("webhook_url", "")), config.public_url):
        raise WebhookAuthError("JWT webhook_url does not match this endpoint's configured URL")


def _jwt_decode(token: str, config: WebhookAuthConfig) -> dict:
    options = {"require": ["exp", "body_sha256"]}
    last_error = "JWT signature does not verify with any configured public key"
    for key in config.public_keys:
        try:
            return jwt.decode(token, key=key, algorithms=["RS256"], options=options, leeway=config.leeway_s)
        except jwt.InvalidSignatureError:
            continue  # one key per Gong rule: try the next
        except jwt.ExpiredSignatureError as exc:
            raise WebhookAuthError("JWT has expired") from exc
        except jwt.MissingRequiredClaimError as exc:
            raise WebhookAuthError(f"JWT lacks the required {exc.claim!r} claim") from exc
        except jwt.InvalidAlgorithmError as exc:
            raise WebhookAuthError("JWT must be signed with RS256") from exc
        except jwt.InvalidTokenError as exc:
            last_error = f"JWT is invalid: {type(exc).__name__}"
            if isinstance(exc, jwt.DecodeError):
                break  # malformed token: no key will help
    raise WebhookAuthError(last_error)


def _same_url(claimed: str, configured: str) -> bool:
    """Scheme, host and path compared case-insensitively (trailing slash ignored); the query too when ours has one."""
    a, b = urlsplit(claimed.strip()), urlsplit(configured.strip())
    same_base = (a.scheme.lower(), a.netloc.lower(), a.path.rstrip("/")) == (
        b.scheme.lower(),
        b.netloc.lower(),
        b.path.rstrip("/"),
    )
    if not b.query:
        return same_base
    return same_base and sorted(parse_qsl(a.query)) == sorted(parse_qsl(b.query))


def _verify_url_key(*, body: bytes, presented: str, config: WebhookAuthConfig) -> None:
    if not hmac.compare_digest(presented.encode(), config.url_key.encode()):
        raise WebhookAuthError("URL key is wrong")


def _verify_hmac(*, body: bytes, presented: str, config: WebhookAuthConfig) -> None:
    signature = presented.strip().removeprefix("sha256=").lower()
    expected = hmac.new(config.hmac_secret.encode(), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(signature.encode(), expected.encode()):
        raise WebhookAuthError(f"{SIGNATURE_HEADER} does not match the request body")


def hmac_signature(*, body: bytes, secret: str) -> str:
    """The header value an HMAC sender puts in X-Gong-Signature for this body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# --- DRF: one authentication class per method, and the permission that reports why none verified -----------------


@dataclass(frozen=True)
class WebhookSender:
    """`request.user` of an authenticated delivery: a sender, not a Django user."""

    method: WebhookAuthMethod
    is_authenticated = True


def webhook_raw_body(request: Request) -> bytes:
    """The raw body the view's parser read (already size-checked); b"" for an empty delivery."""
    return getattr(request.data, "raw", b"")


class _WebhookAuthentication(BaseAuthentication):
    method: WebhookAuthMethod

    def presented(self, request: Request) -> str:
        raise NotImplementedError

    def enabled(self, config: WebhookAuthConfig) -> bool:
        raise NotImplementedError

    def verify(self, *, body: bytes, presented: str, config: WebhookAuthConfig) -> None:
        raise NotImplementedError

    def authenticate(self, request: Request):
        config = webhook_auth_config()
        presented = self.presented(request)
        if not (self.enabled(config) and presented):
            return None
        try:
            self.verify(body=webhook_raw_body(request), presented=presented, config=config)
        except WebhookAuthError as exc:
            # Not raised: the next method may still verify (a Gong rule signs, another sender uses HMAC).
            request.webhook_auth_failures = [*getattr(request, "webhook_auth_failures", []), str(exc)]
            return None
        return WebhookSender(self.method), self.method

    def authenticate_header(self, request: Request) -> str:
        return "Bearer"


class GongJWTAuthentication(_WebhookAuthentication):
    """Gong's "Signed JWT header": RS256 JWT in Authorization (raw or Bearer) over the body's SHA-256."""

    method = WebhookAuthMethod.JWT

    def presented(self, request: Request) -> str:
        return request.META.get("HTTP_AUTHORIZATION", "")

    def enabled(self, config: WebhookAuthConfig) -> bool:
        return bool(config.public_keys)

    def verify(self, *, body: bytes, presented: str, config: WebhookAuthConfig) -> None:
        _verify_jwt(body=body, presented=presented, config=config)


class GongURLKeyAuthentication(_WebhookAuthentication):
    """Gong's "URL includes key": the secret in `?key=`."""

    method = WebhookAuthMethod.URL_KEY

    def presented(self, request: Request) -> str:
        return request.query_params.get("key", "")

    def enabled(self, config: WebhookAuthConfig) -> bool:
        return bool(config.url_key)

    def verify(self, *, body: bytes, presented: str, config: WebhookAuthConfig) -> None:
        _verify_url_key(body=body, presented=presented, config=config)


class GongHMACAuthentication(_WebhookAuthentication):
    """Other senders: `X-Gong-Signature: sha256=<hex HMAC-SHA256 of the raw body>`."""

    method = WebhookAuthMethod.HMAC

    def presented(self, request: Request) -> str:
        return request.META.get("HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_"), "")

    def enabled(self, config: WebhookAuthConfig) -> bool:
        return bool(config.hmac_secret)

    def verify(self, *, body: bytes, presented: str, config: WebhookAuthConfig) -> None:
        _verify_hmac(body=body, presented=presented, config=config)


class WebhookAuthenticated(BasePermission):
    """Lets a delivery through when one method verified; otherwise 401 with the first failure, or with what
    credentials the endpoint expects when the delivery carried none."""

    def has_permission(self, request: Request, view) -> bool:
        if isinstance(request.auth, WebhookAuthMethod):
            return True
        failures = getattr(request, "webhook_auth_failures", [])
        raise exceptions.AuthenticationFailed(
            failures[0] if failures else f"Missing credentials: expected {webhook_expected(webhook_auth_config())}"
        )
