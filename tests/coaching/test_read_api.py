"""The read API at /api/v1/: a token sees exactly what its user sees in the admin (per role and per resource),
read tokens stay out of the MCP server, and bad requests get the JSON errors of the rest of the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from coaching.models import WeeklyReview
from core.models import TokenScope
from core.services import token_authenticate, token_create, token_revoke
from tests.coaching.portal_world import build_world

pytestmark = pytest.mark.django_db

ROLES = ["rep", "manager", "ops", "staff"]
# resource -> (API path, admin changelist, query that makes the API list what the admin lists)
RESOURCES = {
    "calls": ("/api/v1/calls/", "admin:gong_call_changelist", {}),
    "sessions": ("/api/v1/sessions/", "admin:coaching_coachingsession_changelist", {"include_superseded": "true"}),
    "scores": ("/api/v1/scores/", "admin:coaching_dimensionscore_changelist", {"include_superseded": "true"}),
    "weekly-reviews": ("/api/v1/weekly-reviews/", "admin:coaching_weeklyreview_changelist", {}),
}


@pytest.fixture
def world():
    world = build_world()
    for rep in [world.rep, world.rep2, world.rep3]:
        WeeklyReview.objects.create(scope="rep", subject=rep, week="2026-W47", week_start=dt.date(2026, 11, 16))
    for manager in [world.manager, world.manager2]:
        WeeklyReview.objects.create(scope="team", subject=manager, week="2026-W47", week_start=dt.date(2026, 11, 16))
    # A re-analysed call: the old session is kept, superseded (the admin lists it; the API only on request).
    old = world.sessions["own"]
    old.is_current = False
    old.save(update_fields=["is_current"])
    return world


def _token(user, scope: str = TokenScope.READ) -> str:
    return token_create(user_email=user.email or user.username, name="bi", scope=scope).token


def _api_ids(client, path: str, token: str, query: dict) -> set[str]:
    ids, page = set(), 1
    while True:
        response = client.get(
            path, {**query, "page": page, "page_size": 2}, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200, response.content
        body = response.json()
        ids |= {str(row["id"]) for row in body["results"]}
        if not body["next"]:
            assert body["count"] == len(ids)
            return ids
        page += 1


def _admin_ids(client, user, changelist: str) -> set[str]:
    client.force_login(user)
    response = client.get(reverse(changelist))
    assert response.status_code == 200
    ids = {str(pk) for pk in response.context["cl"].queryset.values_list("pk", flat=True)}
    client.logout()
    return ids


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource", sorted(RESOURCES))
def test_a_read_token_sees_exactly_what_its_user_sees_in_the_admin(client, world, role, resource):
    path, changelist, query = RESOURCES[resource]
    user = world.logins[role]
    admin_ids = _admin_ids(client, user, changelist)
    assert _api_ids(client, path, _token(user), query) == admin_ids
    if role == "rep":  # the world is built so a rep sees some but not all rows of every resource
        everything = _admin_ids(client, world.logins["ops"], changelist)
        assert admin_ids and admin_ids < everything


def test_a_reps_token_lists_only_the_reps_own_calls_and_scores(client, world):
    token = _token(world.logins["rep"])
    calls = client.get("/api/v1/calls/", headers={"Authorization": f"Bearer {token}"}).json()["results"]
    assert {row["id"] for row in calls} == {world.calls[name].pk for name in ("own", "shared", "own_private")}
    scores = client.get("/api/v1/scores/", headers={"Authorization": f"Bearer {token}"}).json()["results"]
    assert scores and {row["rep_id"] for row in scores} == {world.rep.pk}


def test_superseded_sessions_are_left_out_unless_asked_for(client, world):
    token = _token(world.logins["ops"])
    auth = {"Authorization": f"Bearer {token}"}
    current = {row["id"] for row in client.get("/api/v1/sessions/", headers=auth).json()["results"]}
    everything = {
        row["id"] for row in client.get("/api/v1/sessions/?include_superseded=true", headers=auth).json()["results"]
    }
    assert everything - current == {world.sessions["own"].pk}


def test_filters_narrow_the_list(client, world):
    auth = {"Authorization": f"Bearer {_token(world.logins['ops'])}"}
    own = world.calls["own"]
    rows = client.get("/api/v1/scores/", {"call": own.pk, "include_superseded": "true"}, headers=auth).json()
    assert rows["count"] == len(world.scores["own"])
    by_rep = client.get("/api/v1/calls/", {"rep": world.rep3.pk}, headers=auth).json()["results"]
    assert [row["id"] for row in by_rep] == [world.calls["other_team"].pk]
    later = (own.started + dt.timedelta(days=1)).isoformat()
    assert client.get("/api/v1/calls/", {"since": later}, headers=auth).json()["count"] == 0


def test_requests_without_a_valid_token_get_401_json(client, world):
    user = world.logins["rep"]
    token = _token(user)
    assert client.get("/api/v1/calls/").status_code == 401
    wrong = client.get("/api/v1/calls/", headers={"Authorization": "Bearer cc_not-a-real-token"})
    assert wrong.status_code == 401 and "error" in wrong.json()
    assert wrong["WWW-Authenticate"].startswith("Bearer")
    token_revoke(user_email=user.email, prefix=token[:11])
    assert client.get("/api/v1/calls/", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_logged_in_admin_session_is_not_enough(client, world):
    client.force_login(world.logins["ops"])
    assert client.get("/api/v1/calls/").status_code == 401


def test_malformed_filters_and_writes_are_refused_with_json(client, world):
    auth = {"Authorization": f"Bearer {_token(world.logins['ops'])}"}
    bad = client.get("/api/v1/calls/", {"since": "last tuesday"}, headers=auth)
    assert bad.status_code == 400 and bad.json()["error"].startswith("since:")
    assert client.get("/api/v1/scores/", {"dimension": "charm"}, headers=auth).status_code == 400
    assert client.post("/api/v1/calls/", {}, headers=auth).status_code == 405


def test_a_read_token_is_refused_by_the_mcp_server_and_a_full_token_reads_the_api(client, world):
    user = world.logins["manager"]
    read, full = _token(user), _token(user, TokenScope.FULL)
    assert token_authenticate(token=read) is None  # the MCP server's check (its tools can write)
    assert token_authenticate(token=read, scope=TokenScope.READ) == user.pk
    assert token_authenticate(token=full) == user.pk
    assert client.get("/api/v1/calls/", headers={"Authorization": f"Bearer {full}"}).status_code == 200


def test_the_schema_and_swagger_ui_document_the_webhook_and_the_read_api_without_a_cdn(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert {
        "/webhooks/gong/",
        "/api/v1/calls/",
        "/api/v1/sessions/",
        "/api/v1/scores/",
        "/api/v1/weekly-reviews/",
    } <= set(schema["paths"])
    assert set(schema["components"]["securitySchemes"]) == {"apiToken", "gongSignedJwt", "gongUrlKey", "hmacSignature"}
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn." not in html and "unpkg" not in html
