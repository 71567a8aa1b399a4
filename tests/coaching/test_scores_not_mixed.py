"""Offline-baseline and Claude scores are never averaged together on the dashboard, team and rep pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.coaching.portal_world import login
from tests.factories.coaching import coached_call
from tests.factories.gong import GongUserFactory

pytestmark = pytest.mark.django_db
ALL = ("product_knowledge", "discovery", "objection_handling", "engagement")


def test_dashboard_averages_use_claudes_scores_and_leave_the_offline_baseline_out(client):
    manager = GongUserFactory(role="MANAGER")
    rep = GongUserFactory(manager=manager)
    client.force_login(login("u-manager", group="manager", email=manager.email))
    recent = timezone.now() - dt.timedelta(days=2)
    coached_call(rep=rep, started=recent, scores=dict.fromkeys(ALL, 4))
    coached_call(rep=rep, started=recent, scores=dict.fromkeys(ALL, 1), analyzer="offline")
    dashboard = client.get(reverse("admin:index")).context["coaching_dashboard"]
    discovery = next(row for row in dashboard.averages if row.dimension == "discovery")
    assert (discovery.current, discovery.count) == (4.0, 1)  # not (4 + 1) / 2 over two calls


def test_with_only_offline_scores_the_averages_are_the_offline_ones(client):
    manager = GongUserFactory(role="MANAGER")
    rep = GongUserFactory(manager=manager)
    client.force_login(login("u-manager", group="manager", email=manager.email))
    coached_call(
        rep=rep, started=timezone.now() - dt.timedelta(days=2), scores=dict.fromkeys(ALL, 2), analyzer="offline"
    )
    dashboard = client.get(reverse("admin:index")).context["coaching_dashboard"]
    discovery = next(row for row in dashboard.averages if row.dimension == "discovery")
    assert (discovery.current, discovery.count) == (2.0, 1)


def test_the_rep_page_says_in_which_week_the_scoring_contract_changed(client):
    from coaching.models import CoachingSession

    manager = GongUserFactory(role="MANAGER")
    rep = GongUserFactory(manager=manager)
    client.force_login(login("u-manager", group="manager", email=manager.email))
    coached_call(rep=rep, started=timezone.now() - dt.timedelta(days=21), scores=dict.fromkeys(ALL, 3))
    _call, newer, _scores = coached_call(
        rep=rep, started=timezone.now() - dt.timedelta(days=1), scores=dict.fromkeys(ALL, 4)
    )
    html = client.get(reverse("admin:gong_gonguser_change", args=[rep.pk])).content.decode()
    assert 'id="scoring-changed"' not in html  # one contract: one line
    CoachingSession.objects.filter(pk=newer.pk).update(contract=2)
    html = client.get(reverse("admin:gong_gonguser_change", args=[rep.pk])).content.decode()
    assert 'id="scoring-changed"' in html and "Scoring changed in the week of" in html


def test_the_team_page_says_in_which_week_the_scoring_contract_changed(client):
    from coaching.models import CoachingSession

    manager = GongUserFactory(role="MANAGER")
    rep = GongUserFactory(manager=manager)
    client.force_login(login("u-manager", group="manager", email=manager.email))
    coached_call(rep=rep, started=timezone.now() - dt.timedelta(days=21), scores=dict.fromkeys(ALL, 3))
    _call, newer, _scores = coached_call(
        rep=rep, started=timezone.now() - dt.timedelta(days=1), scores=dict.fromkeys(ALL, 4)
    )
    CoachingSession.objects.filter(pk=newer.pk).update(contract=2)
    response = client.get(reverse("admin:gong_gonguser_team", args=[manager.pk]))
    assert response.context["report"].scoring_changed is not None
    assert 'id="scoring-changed"' in response.content.decode()


def test_the_product_knowledge_mean_uses_claudes_scores_and_leaves_the_offline_baseline_out():
    from coaching.access import viewer_for_user
    from coaching.selectors.product_knowledge import product_knowledge_review

    manager = GongUserFactory(role="MANAGER")
    rep = GongUserFactory(manager=manager)
    viewer = viewer_for_user(login("u-manager", group="manager", email=manager.email))
    recent = timezone.now() - dt.timedelta(days=2)
    coached_call(rep=rep, started=recent, scores=dict.fromkeys(ALL, 4))
    offline_call, _session, _scores = coached_call(
        rep=rep, started=recent, scores=dict.fromkeys(ALL, 1), analyzer="offline"
    )
    review = product_knowledge_review(viewer=viewer, rep_id=rep.pk)
    assert (review.sessions, review.offline_sessions) == (2, 1)
    assert (review.mean_score, review.mean_analyzer) == (4.0, "claude")  # not (4 + 1) / 2 over two calls
    # The offline call's statements are still listed; a review of that call alone has no Claude score to average.
    assert {s["score"] for s in review.statements} >= {1, 4}
    alone = product_knowledge_review(viewer=viewer, call_id=offline_call.pk)
    assert (alone.mean_score, alone.mean_analyzer) == (None, None)


def test_with_only_offline_scores_the_product_knowledge_mean_is_the_offline_one():
    from coaching.access import viewer_for_user
    from coaching.selectors.product_knowledge import product_knowledge_review

    manager = GongUserFactory(role="MANAGER")
    rep = GongUserFactory(manager=manager)
    viewer = viewer_for_user(login("u-manager", group="manager", email=manager.email))
    recent = timezone.now() - dt.timedelta(days=2)
    coached_call(rep=rep, started=recent, scores=dict.fromkeys(ALL, 2), analyzer="offline")
    coached_call(rep=rep, started=recent, scores=dict.fromkeys(ALL, 3), analyzer="offline")
    review = product_knowledge_review(viewer=viewer, rep_id=rep.pk)
    assert (review.mean_score, review.mean_analyzer) == (2.5, "offline")
