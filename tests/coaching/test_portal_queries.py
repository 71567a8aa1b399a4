"""Every portal page runs a bounded number of queries: the count does not grow with reps, calls or scores."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.coaching.portal_world import login
from tests.factories.coaching import coached_call
from tests.factories.gong import GongUserFactory

pytestmark = pytest.mark.django_db

# Upper bounds per page for a manager: ~12 are fixed costs (session, user, permissions, viewer resolution,
# the budget banner, unfold chrome); the page itself reads 4-10.
MAX_QUERIES = {"dashboard": 30, "rep": 30, "team": 30, "call": 30, "search": 30, "export": 20, "calls_list": 30}


def _team(manager, *, reps: int, calls_each: int) -> list:
    members = [GongUserFactory(manager=manager) for _ in range(reps)]
    now = timezone.now()
    for index, rep in enumerate(members):
        for week in range(calls_each):
            coached_call(
                rep=rep,
                started=now - dt.timedelta(days=1 + 7 * week, hours=index),
                scores={"discovery": 2 + week % 3, "engagement": 4, "objection_handling": None, "product_knowledge": 5},
            )
    return members


def _urls(manager, rep, call) -> dict[str, str]:
    return {
        "dashboard": reverse("admin:index"),
        "rep": reverse("admin:gong_gonguser_change", args=[rep.pk]),
        "team": reverse("admin:gong_gonguser_team", args=[manager.pk]),
        "call": reverse("admin:gong_call_change", args=[call.pk]) + "?q=price",
        "search": reverse("admin:gong_call_search") + "?words=price&dimension=discovery&min=2&reviewed=no",
        "export": reverse("admin:gong_call_export") + "?account=Acme",
        "calls_list": reverse("admin:gong_call_changelist"),
    }


def _counts(client, urls: dict[str, str]) -> dict[str, int]:
    counts = {}
    for page, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        assert response.status_code == 200, page
        counts[page] = len(queries)
    return counts


def test_page_query_counts_are_bounded_and_do_not_grow_with_the_data(client):
    manager = GongUserFactory(first_name="Mia", last_name="Manager", title="Sales Manager", role="MANAGER")
    client.force_login(login("u-manager", group="manager", email=manager.email))
    first = _team(manager, reps=2, calls_each=2)
    rep_call = coached_call(rep=first[0])[0]
    small = _counts(client, _urls(manager, first[0], rep_call))
    _team(manager, reps=6, calls_each=4)
    large = _counts(client, _urls(manager, first[0], rep_call))
    assert large == small, {"small": small, "large": large}
    for page, count in large.items():
        assert count <= MAX_QUERIES[page], (page, count, large)


def test_dashboard_stays_within_its_query_budget(client, django_assert_max_num_queries):
    manager = GongUserFactory(role="MANAGER")
    client.force_login(login("u-manager", group="manager", email=manager.email))
    _team(manager, reps=3, calls_each=3)
    with django_assert_max_num_queries(MAX_QUERIES["dashboard"]):
        assert client.get(reverse("admin:index")).status_code == 200
