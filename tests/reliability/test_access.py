"""7. Access: every admin URL, API endpoint and MCP tool, tried as anonymous, as a rep and as another team's
manager → 0 leaks; CSRF enforced on admin forms; /metrics not public by default; secrets never in logs or error
bodies.

The target is Ada's data (Mia's team, tests/mcp/seed.py): a leak is any of her call titles, call ids, transcript
lines or her email appearing in what Zed (a rep on Olaf's team) or Olaf (that team's manager) is shown. Admin
URLs are enumerated from the URL resolver, so a page added later is tried too; path parameters are filled with
Ada's ids.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re

import pytest
import requests as http
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from fastmcp import Client as McpClient

from coaching.models import CoachingSession
from gong.models import GongUser
from mcp_bridge.server import TOOL_NAMES, build_server
from tests.mcp.seed import world_build
from tests.reliability import harness
from tests.reliability.load import corpus_scaled, delivery_plan
from tests.reliability.world import world_running

# The marker makes pytest-django create the test database before the module's world is built (the world is
# committed: MCP tools read it from their own worker threads, as in tests/mcp).
pytestmark = pytest.mark.django_db

SECRETS = {
    "DJANGO_SECRET_KEY": "access-test-django-secret-0123456789",
    "GONG_ACCESS_KEY_SECRET": "access-test-gong-secret-9876",
    "ANTHROPIC_API_KEY": "fake-anthropic-access-test-key-5555",
    "GONG_WEBHOOK_URL_KEY": "access-test-url-key-4444",
    "GONG_WEBHOOK_HMAC_SECRET": "access-test-hmac-secret-3333",
    "METRICS_TOKEN": "access-test-metrics-token-2222",
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        built = world_build()
        olaf = GongUser.objects.get(first_name="Olaf")
        user = User.objects.create_user("olaf", olaf.email, "pw")
        user.groups.add(Group.objects.get_or_create(name="manager")[0])
        # Portal logins are staff (they sign in to the admin); what they see is narrowed by their role.
        User.objects.filter(username__in=["ada", "ben", "mia", "zed", "olaf", "ops"]).update(is_staff=True)
        olaf.django_user = user
        olaf.save(update_fields=["django_user"])
        built.users["olaf"] = user
    yield built
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def _database(django_db_blocker):
    with django_db_blocker.unblock():
        yield


PROBES = ("", "?q=Acme", "?q=Lovelace", "?term=Acme&app_label=gong&model_name=call&field_name=call", "?o=1&p=1")
ADA_LINE_NUMBERS = (0, 1, 2, 3, 4, 5, 9, 40)  # tests/mcp/seed.py: "Thanks for joining call number N."


def _markers(world, *, asked: tuple[str, ...] = ()) -> list[str]:
    """Strings that only Ada's data contains (ids the caller itself named may be echoed back, e.g. "not found")."""
    from gong.models import Call

    ada_calls = [*world.calls["ada"], world.private_call, world.unanalysed_call]
    titles = list(Call.objects.filter(pk__in=ada_calls).values_list("title", flat=True))
    lines = [f"call number {number}." for number in ADA_LINE_NUMBERS]
    markers = [*titles, *ada_calls, world.gong["ada"].email, *lines]
    return [marker for marker in markers if marker not in asked]


def _ids(world) -> list[str]:
    session = CoachingSession.objects.filter(call_id=world.calls["ada"][0]).values_list("pk", flat=True).first()
    return [world.calls["ada"][0], world.private_call, world.gong["ada"].pk, str(session)]


def _admin_paths(ids: list[str]) -> list[str]:
    """Every URL under /admin/ (and the other app URLs), parameters filled with each of Ada's ids."""
    paths: set[str] = set()

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                paths.update(_fill(route, ids))

    walk(get_resolver().url_patterns, "/")
    return sorted(paths)


def _fill(route: str, ids: list[str]) -> list[str]:
    route = route.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    if "(?P<app_label>" in route:
        route = route.replace("(?P<app_label>gong|coaching|analysis|knowledgebase|auth|django_q|core)", "gong")
        route = re.sub(r"\(\?P<app_label>[^)]*\)", "gong", route)
    names = re.findall(r"<(?:\w+:)?\w+>|\(\?P<\w+>[^)]*\)", route)
    if not names:
        return [route]
    filled = []
    for value in ids:
        path = route
        for name in names:
            path = path.replace(name, value, 1)
        filled.append(path)
    return filled


def _leaks(text: str, markers: list[str]) -> list[str]:
    return [marker for marker in markers if marker and marker in text]


def _admin_scan(world, *, probes: tuple[str, ...] = ("",)) -> tuple[list, dict, int]:
    """(leaks, pages each role was shown, requests made) over every URL × role × query (`probes` are extra query
    strings tried on every URL: a search, an autocomplete term)."""
    # Ids are left out of the markers: the admin echoes an id the visitor asked for ("… doesn't exist").
    ids = _ids(world)
    markers = _markers(world, asked=tuple(ids))
    paths = _admin_paths(ids)
    assert len(paths) > 50, "the URL enumeration found the admin"
    found, shown, tried = [], {"zed": 0, "olaf": 0}, 0
    for role in ("anonymous", "zed", "olaf"):
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            client.force_login(world.users[role])
        for path in paths:
            for suffix in probes if "?" not in path else ("",):
                response = client.get(path + suffix)
                tried += 1
                raw = b"".join(response.streaming_content) if response.streaming else response.content
                body = raw.decode(errors="replace")
                assert response.status_code < 500, (role, path + suffix, response.status_code)
                if role == "anonymous" and path.startswith("/admin/") and response.status_code == 200:
                    assert "login" in path or 'name="password"' in body, f"anonymous got {path}"
                found += [(role, path + suffix, leak) for leak in _leaks(body, markers)]
                if role in shown and response.status_code == 200:
                    shown[role] += 1
    return found, shown, tried


def test_no_admin_or_app_url_shows_ada_s_data_to_anonymous_a_rep_or_another_team_s_manager(world):
    found, shown, _tried = _admin_scan(world, probes=("?q=Acme",))
    assert found == [], found[:10]
    assert min(shown.values()) > 20, f"the roles did reach pages of their own: {shown}"


def test_admin_forms_refuse_a_post_without_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["boss"])
    score_id = CoachingSession.objects.filter(call_id=world.calls["ada"][0]).first().scores.first().pk
    for path in ("/admin/logout/", f"/admin/coaching/dimensionscore/{score_id}/change/", "/admin/password_change/"):
        response = client.post(path, {"manager_score": 5, "manager_note": "csrf"})
        assert response.status_code == 403, path


def test_metrics_are_not_public_by_default(world, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = ["127.0.0.1/32", "::1/128"]
    outside = Client(REMOTE_ADDR="203.0.113.9")
    response = outside.get("/metrics")
    assert response.status_code == 403 and "error" in response.json()
    settings.METRICS_TOKEN = SECRETS["METRICS_TOKEN"]
    assert outside.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    allowed = outside.get("/metrics", headers={"Authorization": f"Bearer {SECRETS['METRICS_TOKEN']}"})
    assert allowed.status_code == 200


async def _tool(user_id: int, name: str, arguments: dict) -> tuple[bool, str]:
    async with McpClient(build_server(user_id=user_id)) as client:
        result = await client.call_tool(name, arguments, raise_on_error=False)
    return result.is_error, " ".join(getattr(block, "text", "") for block in result.content)


def _tool_arguments(world) -> dict[str, list[dict]]:
    ada, call = "Ada Lovelace", world.calls["ada"][0]
    return {
        "analyze_call": [{"call_id": call}, {"call_id": world.private_call, "include_transcript": True}],
        "get_rep_insights": [{"rep": ada}, {"rep": world.gong["ada"].email}],
        "search_calls": [{"query": "coach your forty reps"}, {"rep": ada}, {"account": "Acme"}],
        "compare_calls": [{"call_ids": [call, world.calls["ada"][1]]}, {"call_ids": [call, world.calls["zed"][0]]}],
        "analyze_product_knowledge": [{"call_id": call}, {"rep": ada}],
        "get_coaching_plan": [{"rep": ada}],
        "update_knowledge_base": [{"kind": "document", "key": "pricing", "content": "x", "publish": True}],
        "batch_analyze_calls": [{"call_ids": [call], "dry_run": True}, {"rep": ada, "dry_run": True}],
        "export_coaching_report": [{"scope": "rep", "subject": ada}, {"scope": "team", "subject": "Mia Manager"}],
    }


def _mcp_scan(world) -> tuple[list, int]:
    """(leaks, tool calls made) over every tool × argument variant × role."""
    arguments = _tool_arguments(world)
    assert set(arguments) == set(TOOL_NAMES)
    found, tried = [], 0
    for role, (name, variants) in itertools.product(("zed", "olaf"), arguments.items()):
        for args in variants:
            is_error, text = asyncio.run(_tool(world.users[role].pk, name, args))
            tried += 1
            asked = tuple(str(value) for value in args.values() if isinstance(value, str))
            asked += tuple(args.get("call_ids", ()))
            found += [(role, name, leak) for leak in _leaks(text, _markers(world, asked=asked))]
            if name == "update_knowledge_base":
                assert is_error, f"{role} changed the knowledge base"
    return found, tried


def test_no_mcp_tool_shows_ada_s_data_to_a_rep_or_another_team_s_manager(world):
    found, _tried = _mcp_scan(world)
    assert found == [], found[:10]


def test_secrets_never_reach_logs_or_error_bodies(world, settings, caplog, webhook_keys):
    for name, value in SECRETS.items():
        setattr(settings, name, value)
    settings.GONG_WEBHOOK_PUBLIC_KEY = [webhook_keys.public_b64]
    settings.GONG_BASE_URL = "http://127.0.0.1:9"  # nothing listens: the client's error path runs
    settings.GONG_ACCESS_KEY = "access-test-key-id"
    client = Client(raise_request_exception=False)
    bodies = []
    with caplog.at_level(logging.DEBUG):
        for path in ("/webhooks/gong/?key=wrong", "/webhooks/gong/", "/metrics"):
            headers = {"X-Gong-Signature": "sha256=00", "Authorization": "Bearer x.y.z"}
            response = client.post(path, data=b'{"callData": {}}', content_type="application/json", headers=headers)
            bodies.append(response.content.decode(errors="replace"))
        from gong.client import GongClient
        from gong.errors import GongError

        settings.GONG_MAX_RETRIES = 0
        with pytest.raises(GongError) as failure:
            GongClient.from_settings().users()
        bodies.append(str(failure.value))
    logged = caplog.text + "\n".join(bodies)
    leaked = [name for name, value in SECRETS.items() if value in logged]
    assert leaked == []


@pytest.mark.reliability
def test_access_matrix_and_secrets_in_the_running_stack(world, pg_cluster, run_dir, record_row):
    """The in-process matrix (every URL and tool, three roles) plus the production-settings stack's logs, after
    deliveries with wrong secrets and a Gong client failing auth, scanned for every secret value."""
    admin_leaks, shown, requests_made = _admin_scan(world, probes=PROBES)
    tool_leaks, tool_calls = _mcp_scan(world)
    corpus = corpus_scaled(calls=3)
    env = {"GONG_WEBHOOK_URL_KEY": SECRETS["GONG_WEBHOOK_URL_KEY"], "GONG_WEBHOOK_HMAC_SECRET": SECRETS[
        "GONG_WEBHOOK_HMAC_SECRET"], "METRICS_TOKEN": SECRETS["METRICS_TOKEN"], "LOG_LEVEL": "DEBUG"}  # fmt: skip
    with world_running(corpus=corpus, run_dir=run_dir, env=env, server_url=pg_cluster.url, label="access") as running:
        running.fire(delivery_plan([r["metaData"]["id"] for r in corpus.calls], total=3))
        for path in ("?key=wrong", "?key=" + SECRETS["GONG_WEBHOOK_URL_KEY"][:-1]):
            http.post(running.stack.webhook_url + path, data=b"{}", timeout=10,
                      headers={"X-Gong-Signature": "sha256=00", "Authorization": "Bearer a.b.c"})  # fmt: skip
        running.wait_final(expected=3, timeout_s=120)
        logs = running.stack.logs()
        secrets = [*SECRETS.values(), harness.SECRET_KEY, harness.ANTHROPIC_KEY, running.simulator.access_key_secret]
        in_logs = [value[:6] + "…" for value in secrets if value in logs and value != SECRETS["DJANGO_SECRET_KEY"]]
    record_row(
        test="access",
        load=f"{requests_made} admin/app requests (every URL × anonymous, rep, other team's manager × "
        f"{len(PROBES)} queries), "
        f"{tool_calls} MCP tool calls, stack logs at DEBUG",
        faults="forged ids, search/autocomplete probes, wrong webhook secrets, foreign reps and calls in tools",
        lost=0,
        duplicated=0,
        five_xx=0,
        passed=not admin_leaks and not tool_leaks and not in_logs and min(shown.values()) > 20,
        notes=f"leaks: admin {len(admin_leaks)}, MCP {len(tool_leaks)}; secrets in logs: {in_logs or 'none'}; "
        f"pages shown to own roles {shown}",
    )
    assert admin_leaks == [] and tool_leaks == []
    assert in_logs == []
