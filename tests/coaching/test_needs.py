"""Who needs coaching: one rule (coaching.needs), and the dashboard, the team page, the weekly review and the
coaching plan all name the same reps for the same reasons."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from coaching.access import viewer_for_user
from coaching.models import DimensionScore, WeeklyReview
from coaching.needs import Side, dimension_reasons
from coaching.selectors import dashboard_report, team_report
from coaching.selectors.plans import coaching_plan_get
from coaching.weekly.services import weekly_review_run
from tests.coaching.portal_world import login
from tests.factories.coaching import coached_call
from tests.factories.gong import GongUserFactory

WEEK = "2026-W10"  # Monday 2026-03-02 .. Sunday 2026-03-08; the review's windows end 2026-03-09 00:00 UTC
END = dt.datetime(2026, 3, 9, tzinfo=ZoneInfo("UTC"))
ALL = ("product_knowledge", "discovery", "objection_handling", "engagement")


def side(*values: int) -> Side:
    return Side(len(values), float(sum(values)), float(sum(v * v for v in values)))


NONE = Side()


def reasons(recent: Side, before: Side = NONE) -> list[str]:
    found = dimension_reasons(dimension="discovery", label="Discovery", recent=recent, before=before, threshold=3.0)
    return [reason.kind for reason in found]


def test_a_mean_below_the_bar_counts_only_over_three_scored_calls():
    assert reasons(side(2, 2)) == []
    assert reasons(side(2, 2, 3)) == ["below_bar"]
    assert reasons(side(3, 3, 3)) == []


def test_a_drop_counts_when_it_is_at_least_half_a_point_and_larger_than_its_noise():
    assert reasons(side(4, 4, 4), side(5, 5, 5)) == ["dropping"]  # 1.0 down, no spread: no noise
    assert reasons(side(3, 5, 4), side(5, 5, 5, 4)) == []  # 0.75 down, noise ±1.2
    assert reasons(side(4, 4, 4), side(4, 5, 4)) == []  # 0.33 down: under half a point
    assert reasons(side(4, 4, 4), side(5, 5)) == []  # two earlier calls are not enough to compare


def test_the_reason_reads_as_a_sentence():
    found = dimension_reasons(
        dimension="discovery", label="Discovery", recent=side(2, 2, 3), before=side(4, 4, 4), threshold=3.0
    )
    assert [reason.text for reason in found] == [
        "Discovery 2.3 over 3 calls (bar 3)",
        "Discovery down 1.7 (4.0 → 2.3, noise ±0.7)",
    ]


def _scores(value, **overrides):
    return {dimension: overrides.get(dimension, value) for dimension in ALL}


def _team():
    """Five reps under one manager, each a case of the rule, with calls in the three weeks before END and in
    the eight weeks before that."""
    manager = GongUserFactory(first_name="Mia", last_name="Manager", title="Sales Manager", role="MANAGER")
    low = GongUserFactory(first_name="Lena", last_name="Low", manager=manager)
    slipping = GongUserFactory(first_name="Sid", last_name="Slipping", manager=manager)
    few = GongUserFactory(first_name="Fay", last_name="Few", manager=manager)
    overridden = GongUserFactory(first_name="Otto", last_name="Overridden", manager=manager)
    strong = GongUserFactory(first_name="Stan", last_name="Strong", manager=manager)
    recent = [END - dt.timedelta(days=days) for days in (2, 9, 16)]
    earlier = [END - dt.timedelta(days=days) for days in (40, 50, 60)]
    for when in recent:
        coached_call(rep=low, started=when, scores=_scores(4, discovery=2))
        coached_call(rep=slipping, started=when, scores=_scores(4, engagement=3))
        coached_call(rep=strong, started=when, scores=_scores(5))
        _, _, rows = coached_call(rep=overridden, started=when, scores=_scores(4))
        DimensionScore.objects.filter(pk=rows[3].pk).update(manager_score=2)  # engagement: the manager says 2
        coached_call(rep=few, started=when, private=True, scores=_scores(1))  # private calls never count
    for when in earlier:
        coached_call(rep=slipping, started=when, scores=_scores(4, engagement=5))
        coached_call(rep=strong, started=when, scores=_scores(5))
    for when in recent[:2]:
        coached_call(rep=few, started=when, scores=_scores(1))  # two calls: not enough to judge
    return manager, low, slipping, few, overridden, strong


@pytest.mark.django_db
def test_dashboard_team_page_and_weekly_review_name_the_same_reps_needing_coaching(settings):
    settings.WEEKLY_REVIEW_TIME_ZONE = "UTC"
    manager, *_reps = _team()
    viewer = viewer_for_user(login("u-manager", group="manager", email=manager.email))

    dashboard = [need.name for need in dashboard_report(viewer=viewer, now=END).attention]
    team = [need.name for need in team_report(viewer=viewer, manager_id=manager.pk, now=END).needs]
    weekly_review_run(week=WEEK)
    review = WeeklyReview.objects.get(scope="team", subject=manager, week=WEEK)
    weekly = [need["name"] for need in review.metrics["needs_coaching"]]

    assert dashboard == team == weekly == ["Lena Low", "Otto Overridden", "Sid Slipping"]
    by_name = {
        need["name"]: [reason["text"] for reason in need["reasons"]] for need in review.metrics["needs_coaching"]
    }
    assert by_name == {
        "Otto Overridden": ["Engagement 2.0 over 3 calls (bar 3)"],
        "Lena Low": ["Discovery 2.0 over 3 calls (bar 3)"],
        "Sid Slipping": ["Engagement down 2.0 (5.0 → 3.0, noise ±0.0)"],
    }
    for name in ("Lena Low", "Sid Slipping", "Otto Overridden"):
        assert name in review.report_html and name in review.report_text
    assert "Discovery 2.0 over 3 calls (bar 3)" in review.report_html
    assert [row["name"] for row in review.metrics["reps"][:3]] == weekly  # the reps table lists them first too


@pytest.mark.django_db
def test_the_pages_show_who_needs_coaching_with_the_reason_and_the_rule(client):
    now = dt.datetime.now(tz=ZoneInfo("UTC"))
    manager = GongUserFactory(first_name="Mia", last_name="Manager", title="Sales Manager", role="MANAGER")
    low = GongUserFactory(first_name="Lena", last_name="Low", manager=manager)
    for days in (1, 3, 5):
        coached_call(rep=low, started=now - dt.timedelta(days=days), scores=_scores(4, objection_handling=1))
    client.force_login(login("u-manager", group="manager", email=manager.email))
    for url in (reverse("admin:index"), reverse("admin:gong_gonguser_team", args=[manager.pk])):
        html = client.get(url).content.decode()
        assert "Lena Low" in html and "Objection handling 1.0 over 3 calls (bar 3)" in html
        assert "Manager overrides count" in html


@pytest.mark.django_db
def test_the_coaching_plan_leads_with_the_dimensions_the_rule_flags():
    manager, low, *_ = _team()
    viewer = viewer_for_user(login("u-manager", group="manager", email=manager.email))
    plan = coaching_plan_get(viewer=viewer, rep_id=low.pk, now=END)
    assert [reason.text for reason in plan.needs] == ["Discovery 2.0 over 3 calls (bar 3)"]
    assert plan.focus[0].dimension == "discovery"
    assert "Discovery 2.0 over 3 calls (bar 3)" in plan.focus[0].reasons
