"""A NUL character (PostgreSQL cannot store or compare it) in a URL, a query, an admin form or an MCP parameter is
a clear 400 / tool error, never a 500."""

from __future__ import annotations

import pytest

from tests.coaching.portal_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize(
    "path",
    [
        "/admin/gong/call/search/?q=price%00less",
        "/admin/gong/call/search/?account=Acme%00&start=2026-01-01",
        "/admin/gong/call/search/export.csv?q=%00",
        "/admin/gong/call/7%00/change/",
        "/admin/gong/gonguser/%00/change/",
        "/admin/gong/gonguser/u%00x/team/",
        "/admin/coaching/dimensionscore/?q=%00",
        "/admin/gong/call/?q=a%00b",
    ],
)
def test_a_nul_in_an_admin_url_is_a_400_for_a_signed_in_user(client, world, path):
    client.force_login(world.logins["manager"])
    response = client.get(path)
    assert response.status_code == 400, (path, response.status_code)
    assert b"NUL" in response.content


def test_a_nul_elsewhere_is_a_json_400(client):
    response = client.get("/healthz?x=%00")
    assert response.status_code == 400 and "NUL" in response.json()["error"]
    response = client.post("/webhooks/gong/?key=%00", data=b"{}", content_type="application/json")
    assert response.status_code == 400 and "NUL" in response.json()["error"]


def test_a_nul_in_an_admin_form_post_is_a_400_and_nothing_is_saved(client, world):
    client.force_login(world.logins["manager"])
    score = world.scores["own"][0]
    payload = {"score_id": score.pk, "call_started": score.call_started.isoformat(), "manager_score": "4",
               "note": "good\x00"}  # fmt: skip
    response = client.post(f"/admin/gong/call/{world.calls['own'].pk}/change/", payload)
    assert response.status_code == 400
    score.refresh_from_db()
    assert score.manager_score is None


def test_ordinary_urls_still_work(client, world):
    client.force_login(world.logins["manager"])
    assert client.get("/admin/gong/call/search/?q=price").status_code == 200
    assert client.get("/admin/gong/call/search/?q=100%25").status_code == 200
