"""The OpenID Connect authentication backend (mozilla-django-oidc) with our account rule and strict ID tokens.

Endpoints come from the provider's discovery document, read lazily: password sign-in never waits on the
provider. ID tokens are checked for signature (the provider's JWKS), issuer, audience (our client id), expiry
and nonce — the library checks only signature and nonce by itself.
"""

from __future__ import annotations

import logging

import jwt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from coaching.sso.discovery import oidc_setting, provider_metadata
from coaching.sso.services import SignInRefused, sso_account_for_claims

logger = logging.getLogger(__name__)
CLOCK_SKEW_S = 60


class SsoBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):  # no discovery request here: Django builds backends for every login
        self.UserModel = get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:
        return provider_metadata()["token_endpoint"]

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str:
        return provider_metadata().get("userinfo_endpoint", "")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:
        return provider_metadata()["jwks_uri"]

    def authenticate(self, request, **kwargs):
        if not settings.SSO_ENABLED:
            return None
        return super().authenticate(request, **kwargs)

    def get_payload_data(self, token, key):
        """Verify an ID token: RS256 by the provider's key, our audience, the provider's issuer, not expired."""
        algorithm = jwt.get_unverified_header(token).get("alg")
        if algorithm != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"ID token signed with {algorithm!r}, expected {self.OIDC_RP_SIGN_ALGO}")
        try:
            return jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=provider_metadata()["issuer"],
                leeway=CLOCK_SKEW_S,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID token rejected: {exc}") from exc

    def get_or_create_user(self, access_token, id_token, payload):
        """Sign in as the account our rule admits (see coaching.sso.services), or refuse with the reason shown."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT and access_token:
            userinfo = self.get_userinfo(access_token, id_token, payload)
            if userinfo.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("userinfo is about another subject than the ID token")
            claims.update(userinfo)
        try:
            return sso_account_for_claims(claims=claims)
        except SignInRefused as exc:
            logger.info("sso sign-in refused: %s", exc.message)
            if getattr(self, "request", None) is not None:
                self.request.sso_refused = exc.message
                messages.error(self.request, exc.message)
            return None
