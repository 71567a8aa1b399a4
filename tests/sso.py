"""Single sign-on test kit: the OIDC provider process (tests/fakes/oidc_provider.py), its people, and a
"browser" that signs in at the provider the way a person would (GET the authorize URL, POST the login form,
approve FastMCP's consent page, follow every redirect)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import requests

from coaching.sso.discovery import cache_clear

CLIENT_ID = "callcoach-test"
CLIENT_SECRET = "test-client-secret"
PASSWORD = "correct horse"
DOMAIN = "acme.test"
# (email, email_verified) of everyone the provider knows; who of them callcoach admits is the test's business.
PEOPLE = [
    ("rita@acme.test", True),
    ("rob@acme.test", True),
    ("boss@acme.test", True),
    ("gone@acme.test", True),
    ("stranger@acme.test", True),
    ("unverified@acme.test", False),
    ("eve@elsewhere.test", True),
]
REDIRECT_URIS = ["http://testserver/oidc/callback/", "http://127.0.0.1:*"]


@dataclass
class Provider:
    issuer: str
    process: subprocess.Popen
    config_path: Path

    def people_add(self, emails: list[str]) -> None:
        """Let more people sign in at the provider (all verified, the shared password)."""
        config = json.loads(self.config_path.read_text())
        known = {u["email"].lower() for u in config["users"]}
        config["users"] += [_person(e, True) for e in emails if e.lower() not in known]
        self.config_path.write_text(json.dumps(config))

    def settings(self, **extra) -> dict:
        """Django settings that turn SSO on against this provider."""
        return {
            "OIDC_ISSUER": self.issuer,
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "SSO_ENABLED": True,
            "SSO_ALLOWED_DOMAINS": [DOMAIN],
            "AUTHENTICATION_BACKENDS": [
                "django.contrib.auth.backends.ModelBackend",
                "coaching.sso.backend.SsoBackend",
            ],
            **extra,
        }


def provider_start(tmp_dir: Path) -> Provider:
    config = {
        "clients": [{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": REDIRECT_URIS}],
        "users": [_person(e, v) for e, v in PEOPLE],
    }
    path = tmp_dir / "provider.json"
    path.write_text(json.dumps(config))
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.oidc_provider", "--config", str(path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    line = process.stdout.readline().strip()
    assert line.startswith("listening "), f"OIDC provider did not start: {line!r}"
    cache_clear()
    return Provider(issuer=line.split(" ", 1)[1], process=process, config_path=path)


def _person(email: str, verified: bool) -> dict:
    return {"email": email, "password": PASSWORD, "email_verified": verified, "name": email.split("@")[0]}


def provider_stop(provider: Provider) -> None:
    provider.process.terminate()
    provider.process.wait(timeout=10)
    cache_clear()


def _hidden(html: str, name: str) -> str | None:
    match = re.search(rf'name="?{name}"?\s+value="?([^"\s>]+)', html)
    return match.group(1) if match else None


def browse(url: str, *, email: str, password: str = PASSWORD, stop_at: str | None = None, timeout_s: float = 20):
    """Follow a sign-in from `url` as a browser would; returns the last response (or the first redirect whose
    location starts with `stop_at`, unfollowed). A loopback callback that is not listening yet is retried."""
    session = requests.Session()
    response = session.get(url, allow_redirects=False, timeout=10)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if stop_at and location.startswith(stop_at):
                return response
            response = _get_retrying(session, location, deadline)
            continue
        body = response.text
        if 'id="consentForm"' in body:  # FastMCP's consent page: the person allows the client
            data = {
                "txn_id": _hidden(body, "txn_id"),
                "csrf_token": _hidden(body, "csrf_token"),
                "submit": "true",
                "action": "approve",
            }
            response = session.post(response.url, data=data, allow_redirects=False, timeout=10)
            continue
        if "name=request_id" in body:  # the provider's login form
            login = urljoin(response.url, "/login")
            data = {"request_id": _hidden(body, "request_id"), "email": email, "password": password}
            response = session.post(login, data=data, allow_redirects=False, timeout=10)
            continue
        return response
    raise AssertionError(f"sign-in did not finish within {timeout_s}s")


def _get_retrying(session: requests.Session, url: str, deadline: float):
    while True:
        try:
            return session.get(url, allow_redirects=False, timeout=10)
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
