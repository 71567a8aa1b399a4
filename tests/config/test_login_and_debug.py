"""DEBUG follows DJANGO_DEBUG under every settings module; signing in on the login page itself lands on the
dashboard; a guessed URL shows a rep the plain 404 page, never Django's technical one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.coaching.portal_world import login

BASE_DIR = Path(__file__).resolve().parents[2]


def _debug_under(module: str, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"} | env
    code = f"import {module} as s; print(s.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=environ, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_local_settings_honour_django_debug_and_default_to_off_as_env_example_says():
    assert _debug_under("config.settings.local", DJANGO_DEBUG="false") == "False"
    assert _debug_under("config.settings.local") == "False"
    assert _debug_under("config.settings.local", DJANGO_DEBUG="true") == "True"


@pytest.mark.django_db
def test_signing_in_on_the_login_page_itself_lands_on_the_dashboard(client):
    login("u-rep", group="rep")
    response = client.post("/admin/login/", {"username": "u-rep", "password": "pw"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_the_login_page_still_honours_next(client):
    login("u-rep", group="rep")
    response = client.post("/admin/login/?next=/admin/gong/call/search/", {"username": "u-rep", "password": "pw"})
    assert response.status_code == 302 and response["Location"] == "/admin/gong/call/search/"
    offsite = client.post("/admin/login/?next=https://evil.example/", {"username": "u-rep", "password": "pw"})
    assert offsite["Location"] == "/admin/"


@pytest.mark.django_db
def test_a_guessed_url_shows_a_rep_the_plain_not_found_page(client):
    client.force_login(login("u-rep", group="rep"))
    for path in ("/admin/no-such-page/", "/admin/gong/call/999999/change/", "/nowhere"):
        response = client.get(path)
        assert response.status_code in (302, 404), path
        assert b"URLconf" not in response.content and b"technical_404" not in response.content
