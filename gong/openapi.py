"""How drf-spectacular documents the webhook's three authentication methods (imported by gong/views.py)."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from gong.auth import SIGNATURE_HEADER


class GongJWTScheme(OpenApiAuthenticationExtension):
    target_class = "gong.auth.GongJWTAuthentication"
    name = "gongSignedJwt"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": (
                "Gong's *Signed JWT header*: an RS256 JWT in Authorization (Gong sends it without `Bearer `; "
                "both are accepted) with `body_sha256` (hex SHA-256 of the raw body), `webhook_url` and `exp`, "
                "verified with GONG_WEBHOOK_PUBLIC_KEY."
            ),
        }


class GongURLKeyScheme(OpenApiAuthenticationExtension):
    target_class = "gong.auth.GongURLKeyAuthentication"
    name = "gongUrlKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "query",
            "name": "key",
            "description": "Gong's *URL includes key*: the secret GONG_WEBHOOK_URL_KEY in `?key=`.",
        }


class GongHMACScheme(OpenApiAuthenticationExtension):
    target_class = "gong.auth.GongHMACAuthentication"
    name = "hmacSignature"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": SIGNATURE_HEADER,
            "description": "Other senders: `sha256=<hex HMAC-SHA256 of the raw body with GONG_WEBHOOK_HMAC_SECRET>`.",
        }
