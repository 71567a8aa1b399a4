"""A small but real OpenID Connect provider, run by the tests as its own process.

It speaks the protocol a company IdP (Google Workspace, Okta, Entra) speaks to callcoach, over real HTTP:
discovery (`/.well-known/openid-configuration`), the authorization-code flow with a login form, PKCE (S256),
client authentication (`client_secret_basic` or `client_secret_post`), RS256 ID tokens verifiable through
`/jwks`, `/userinfo`, refresh tokens and revocation. Nothing in it knows callcoach: the tests drive it the way a
browser would (GET the authorize URL, POST the login form, follow the redirect back).

    python -m tests.fakes.oidc_provider --config provider.json [--port 0]

prints `listening http://127.0.0.1:PORT` once it accepts connections. The config file names the clients
(`client_id`, `client_secret`, `redirect_uris` — a trailing `*` matches any suffix) and the users (`email`,
`password`, `email_verified`, `name`; `sub` defaults to a hash of the email).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import html
import json
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

KID = "test-key-1"
TOKEN_TTL_S = 3600


class Provider:
    """The provider's state: one RSA key, registered clients and users, pending logins, codes and tokens."""

    def __init__(self, *, config: dict, issuer: str, config_path: Path | None = None) -> None:
        self.issuer = issuer
        self.config_path = config_path
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.clients = {c["client_id"]: c for c in config.get("clients", [])}
        self.users = {u["email"].lower(): u for u in config.get("users", [])}
        self.pending: dict[str, dict] = {}
        self.codes: dict[str, dict] = {}
        self.refresh: dict[str, dict] = {}
        self.revoked: set[str] = set()
        self.lock = threading.Lock()

    def user_find(self, email: str) -> dict | None:
        """A user by email; the config file is read again for people added after start (tests add them)."""
        email = email.lower()
        if email not in self.users and self.config_path is not None:
            config = json.loads(self.config_path.read_text())
            with self.lock:
                self.users = {u["email"].lower(): u for u in config.get("users", [])}
        return self.users.get(email)

    # -- documents ---------------------------------------------------------------------------------------
    def discovery(self) -> dict:
        base = self.issuer
        return {
            "issuer": base,
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token",
            "userinfo_endpoint": f"{base}/userinfo",
            "jwks_uri": f"{base}/jwks",
            "revocation_endpoint": f"{base}/revoke",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile", "offline_access"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "claims_supported": ["sub", "email", "email_verified", "name", "iss", "aud", "nonce"],
        }

    def jwks(self) -> dict:
        numbers = self.key.public_key().public_numbers()

        def b64(value: int) -> str:
            raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
            return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

        return {
            "keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": KID, "n": b64(numbers.n), "e": b64(numbers.e)}]
        }

    # -- helpers -----------------------------------------------------------------------------------------
    def redirect_allowed(self, client: dict, uri: str) -> bool:
        for pattern in client.get("redirect_uris", []):
            if (pattern.endswith("*") and uri.startswith(pattern[:-1])) or uri == pattern:
                return True
        return False

    def user_claims(self, user: dict) -> dict:
        email = user["email"]
        return {
            "sub": user.get("sub") or hashlib.sha256(email.lower().encode()).hexdigest()[:24],
            "email": email,
            "email_verified": bool(user.get("email_verified", True)),
            "name": user.get("name", email),
        }

    def sign(self, claims: dict) -> str:
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": KID})

    def tokens_for(self, *, client_id: str, user: dict, scope: str, nonce: str | None) -> dict:
        now = int(time.time())
        claims = self.user_claims(user)
        id_claims = {**claims, "iss": self.issuer, "aud": client_id, "iat": now, "exp": now + TOKEN_TTL_S}
        if nonce:
            id_claims["nonce"] = nonce
        access = self.sign(
            {
                "iss": self.issuer,
                "sub": claims["sub"],
                "aud": client_id,
                "iat": now,
                "exp": now + TOKEN_TTL_S,
                "scope": scope,
                "client_id": client_id,
                "jti": secrets.token_hex(8),
            }
        )
        refresh = secrets.token_urlsafe(24)
        with self.lock:
            self.refresh[refresh] = {"client_id": client_id, "email": user["email"].lower(), "scope": scope}
        return {
            "access_token": access,
            "id_token": self.sign(id_claims),
            "refresh_token": refresh,
            "token_type": "Bearer",
            "expires_in": TOKEN_TTL_S,
            "scope": scope,
        }


class Handler(BaseHTTPRequestHandler):
    provider: Provider

    def log_message(self, format, *args):
        return

    # -- plumbing ----------------------------------------------------------------------------------------
    def _send(self, status: int, body: str | dict, *, content_type: str = "application/json", headers=None) -> None:
        data = (json.dumps(body) if isinstance(body, dict) else body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}

    def _error(self, status: int, error: str, description: str = "") -> None:
        self._send(status, {"error": error, "error_description": description})

    # -- routes ------------------------------------------------------------------------------------------
    def do_GET(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        routes = {
            "/.well-known/openid-configuration": lambda: self._send(200, self.provider.discovery()),
            "/jwks": lambda: self._send(200, self.provider.jwks()),
            "/authorize": lambda: self._authorize(query),
            "/userinfo": self._userinfo,
        }
        route = routes.get(url.path)
        return route() if route else self._error(404, "not_found")

    def do_POST(self):
        url = urlsplit(self.path)
        routes = {"/login": self._login, "/token": self._token, "/revoke": self._revoke, "/userinfo": self._userinfo}
        route = routes.get(url.path)
        return route() if route else self._error(404, "not_found")

    def _authorize(self, query: dict) -> None:
        provider = self.provider
        client = provider.clients.get(query.get("client_id", ""))
        redirect_uri = query.get("redirect_uri", "")
        if client is None or not provider.redirect_allowed(client, redirect_uri):
            return self._error(400, "invalid_request", "unknown client or redirect_uri not registered")
        if query.get("response_type") != "code" or "openid" not in query.get("scope", "").split():
            return self._error(400, "invalid_request", "response_type=code and scope openid are required")
        if query.get("code_challenge") and query.get("code_challenge_method", "plain") != "S256":
            return self._error(400, "invalid_request", "only S256 PKCE is supported")
        request_id = secrets.token_urlsafe(16)
        with provider.lock:
            provider.pending[request_id] = query
        page = (
            "<!doctype html><title>Test IdP sign-in</title><form method=post action=/login>"
            f"<input type=hidden name=request_id value={html.escape(request_id)}>"
            "<input name=email><input name=password type=password><button>Sign in</button></form>"
        )
        return self._send(200, page, content_type="text/html; charset=utf-8")

    def _login(self) -> None:
        provider = self.provider
        form = self._form()
        with provider.lock:
            query = provider.pending.pop(form.get("request_id", ""), None)
        if query is None:
            return self._error(400, "invalid_request", "unknown or used sign-in request")
        user = provider.user_find(form.get("email", ""))
        if user is None or not secrets.compare_digest(user.get("password", ""), form.get("password", "")):
            return self._send(401, "<p>Wrong email or password</p>", content_type="text/html")
        code = secrets.token_urlsafe(24)
        with provider.lock:
            provider.codes[code] = {**query, "email": user["email"].lower(), "issued": time.time()}
        params = {"code": code, "iss": provider.issuer}
        if query.get("state"):
            params["state"] = query["state"]
        sep = "&" if "?" in query["redirect_uri"] else "?"
        return self._redirect(f"{query['redirect_uri']}{sep}{urlencode(params)}")

    def _client_auth(self, form: dict) -> dict | None:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        header = self.headers.get("Authorization", "")
        if header.startswith("Basic "):
            from urllib.parse import unquote

            decoded = base64.b64decode(header[6:]).decode()
            client_id, _, secret = decoded.partition(":")
            client_id, secret = unquote(client_id), unquote(secret)
        client = self.provider.clients.get(client_id)
        if client is None or not secrets.compare_digest(client.get("client_secret", ""), secret):
            return None
        return client

    def _token(self) -> None:
        form = self._form()
        client = self._client_auth(form)
        if client is None:
            return self._error(401, "invalid_client")
        grant = form.get("grant_type")
        if grant == "authorization_code":
            return self._token_from_code(client, form)
        if grant == "refresh_token":
            return self._token_from_refresh(client, form)
        return self._error(400, "unsupported_grant_type")

    def _token_from_code(self, client: dict, form: dict) -> None:
        provider = self.provider
        with provider.lock:
            grant = provider.codes.pop(form.get("code", ""), None)
        if grant is None or grant["client_id"] != client["client_id"] or time.time() - grant["issued"] > 120:
            return self._error(400, "invalid_grant", "unknown, used or expired code")
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return self._error(400, "invalid_grant", "redirect_uri does not match the authorization request")
        challenge = grant.get("code_challenge")
        if challenge:
            verifier = form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if not secrets.compare_digest(digest, challenge):
                return self._error(400, "invalid_grant", "PKCE verification failed")
        user = provider.users[grant["email"]]
        tokens = provider.tokens_for(
            client_id=client["client_id"], user=user, scope=grant.get("scope", "openid"), nonce=grant.get("nonce")
        )
        return self._send(200, tokens)

    def _token_from_refresh(self, client: dict, form: dict) -> None:
        provider = self.provider
        with provider.lock:
            grant = provider.refresh.pop(form.get("refresh_token", ""), None)
        if grant is None or grant["client_id"] != client["client_id"]:
            return self._error(400, "invalid_grant", "unknown refresh token")
        user = provider.users[grant["email"]]
        return self._send(
            200, provider.tokens_for(client_id=client["client_id"], user=user, scope=grant["scope"], nonce=None)
        )

    def _userinfo(self) -> None:
        provider = self.provider
        header = self.headers.get("Authorization", "")
        token = header[7:] if header.startswith("Bearer ") else ""
        try:
            claims = jwt.decode(
                token,
                provider.key.public_key(),
                algorithms=["RS256"],
                options={"verify_aud": False},
                issuer=provider.issuer,
            )
        except jwt.PyJWTError:
            return self._error(401, "invalid_token")
        if claims.get("jti") in provider.revoked:
            return self._error(401, "invalid_token")
        user = next((u for u in provider.users.values() if provider.user_claims(u)["sub"] == claims["sub"]), None)
        if user is None:
            return self._error(401, "invalid_token")
        return self._send(200, provider.user_claims(user))

    def _revoke(self) -> None:
        form = self._form()
        with self.provider.lock:
            self.provider.refresh.pop(form.get("token", ""), None)
        return self._send(200, {})


def serve(*, config_path: Path, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """Bind and return the server (not yet serving); its issuer is http://host:port."""
    server = ThreadingHTTPServer((host, port), Handler)
    issuer = f"http://{host}:{server.server_address[1]}"
    Handler.provider = Provider(config=json.loads(config_path.read_text()), issuer=issuer, config_path=config_path)
    return server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, type=Path)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    server = serve(config_path=args.config, port=args.port)
    print(f"listening http://127.0.0.1:{server.server_address[1]}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    sys.exit(0)


if __name__ == "__main__":
    main()
