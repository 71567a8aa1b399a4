"""What each portal page shows: dashboard figures, rep trends and flags, team heat and examples, the call page
with anchored evidence, highlighting, provenance and cost, and search by every criterion."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from analysis.models import ApiCall, ApiCallStatus, ApiPurpose
from knowledgebase.models import Rubric, RubricVersion, VersionStatus
from tests.coaching.portal_world import login
from tests.factories.coaching import coached_call
from tests.factories.gong import GongUserFactory

pytestmark = pytest.mark.django_db

ALL = ("product_knowledge", "discovery", "objection_handling", "engagement")


def _scores(value, **overrides):
    return {dimension: overrides.get(dimension, value) for dimension in ALL}


@pytest.fixture
def team(client):
    manager = GongUserFactory(first_name="Mia", last_name="Manager", title="Sales Manager", role="MANAGER")
    strong = GongUserFactory(first_name="Sam", last_name="Strong", manager=manager)
    weak = GongUserFactory(first_name="Wes", last_name="Weak", manager=manager)
    client.force_login(login("u-manager", group="manager", email=manager.email))
    return manager, strong, weak


def days_ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def test_dashboard_shows_this_weeks_calls_averages_against_the_previous_four_weeks_and_who_needs_attention(
    client, team
):
    _manager, strong, weak = team
    coached_call(rep=strong, started=days_ago(2), scores=_scores(4))
    coached_call(rep=weak, started=days_ago(3), scores=_scores(2))
    coached_call(rep=strong, started=days_ago(15), scores=_scores(3))  # previous 4 weeks
    coached_call(rep=weak, started=days_ago(20), scores=_scores(3, discovery=5))
    dashboard = client.get(reverse("admin:index")).context["coaching_dashboard"]
    assert dashboard.calls_analysed == 2
    discovery = next(row for row in dashboard.averages if row.dimension == "discovery")
    assert (discovery.current, discovery.baseline, discovery.count) == (3.0, 4.0, 2)
    assert discovery.change == -1.0
    engagement = next(row for row in dashboard.averages if row.dimension == "engagement")
    assert engagement.change == 0.0
    assert dashboard.attention == []  # one call each: too few to judge (coaching.needs; tests/coaching/test_needs.py)
    assert dashboard.cost is None  # a manager does not manage Claude spend: no cost card


def test_dashboard_cost_for_all_seeing_roles_is_the_whole_ledger_this_month(client, team):
    _manager, strong, _weak = team
    coached_call(rep=strong, started=days_ago(1), cost=Decimal("0.500000"))
    ApiCall.objects.create(
        created_at=timezone.now(),
        purpose=ApiPurpose.MCP,
        model="claude-sonnet-4-5",
        status=ApiCallStatus.OK,
        cost_usd=Decimal("0.250000"),
    )
    ApiCall.objects.create(
        created_at=timezone.now() - dt.timedelta(days=70),
        purpose=ApiPurpose.MCP,
        model="claude-sonnet-4-5",
        status=ApiCallStatus.OK,
        cost_usd=Decimal("9"),
    )
    client.force_login(login("u-ops", group="coaching ops"))
    page = client.get(reverse("admin:index"))
    assert page.context["coaching_dashboard"].cost.cost_usd == Decimal("0.750000")
    assert 'id="dash-cost">$0.75<' in page.content.decode()


def test_rep_page_shows_weekly_trends_flags_stats_and_recurring_themes(client, team):
    _manager, strong, _weak = team
    coached_call(rep=strong, started=days_ago(0.5), scores=_scores(4))
    coached_call(rep=strong, started=days_ago(7.5), scores=_scores(2))
    one_off = coached_call(rep=strong, started=days_ago(7.6), scores=_scores(3))[1]
    one_off.strengths = ["Asked open discovery questions", "Closed with a mutual action plan"]
    one_off.save(update_fields=["strengths"])
    response = client.get(reverse("admin:gong_gonguser_change", args=[strong.pk]))
    report = response.context["report"]
    discovery = next(trend for trend in report.trends if trend.dimension == "discovery")
    assert discovery.weekly[-1] == 4.0 and discovery.weekly[-2] == 2.5
    assert discovery.counts[-2:] == [2, 1]
    talk = next(stat for stat in report.stats if stat.name == "talk_ratio")
    assert (talk.display, talk.assessment, talk.count) == ("70%", "high", 3)
    assert [(theme.label, theme.count) for theme in report.strengths] == [("Asked open discovery questions", 3)]
    assert len(report.recent) == 3
    html = response.content.decode()
    assert html.count('<svg class="cc-chart"') == 4
    assert "⚑ high" in html and "ideal 43% talking, flag &gt; 65%" in html


def test_team_page_shows_a_heat_table_skill_gaps_and_the_best_example_calls(client, team):
    manager, strong, weak = team
    best_call, _s, best_scores = coached_call(rep=strong, started=days_ago(1), scores=_scores(5))
    coached_call(rep=weak, started=days_ago(2), scores=_scores(2, engagement=4))
    report = client.get(reverse("admin:gong_gonguser_team", args=[manager.pk])).context["report"]
    rows = {row.rep.pk: row for row in report.rows}
    assert [cell.mean for cell in rows[weak.pk].cells] == [2.0, 2.0, 2.0, 4.0]
    assert rows[weak.pk].cells[0].level == "l2" and rows[strong.pk].cells[0].level == "l5"
    assert report.rows[0].rep == weak  # weakest first
    assert [cell.mean for cell in report.team_means] == [3.5, 3.5, 3.5, 4.5]
    examples = dict((dimension, items) for dimension, _label, items in report.examples)
    assert [example.score.session.call_id for example in examples["discovery"]] == [best_call.pk]
    assert {example.score.session.call_id for example in examples["engagement"]} == {best_call.pk, _weak_call(weak)}
    assert examples["discovery"][0].anchor == f"t-{best_scores[0].evidence[0]['start_ms']}"


def _weak_call(weak) -> str:
    from coaching.models import CoachingSession

    return CoachingSession.objects.get(rep=weak).call_id


def test_call_page_anchors_every_quote_at_its_sentence_and_highlights_searched_words(client, team):
    _manager, strong, _weak = team
    call, _session, scores = coached_call(rep=strong)
    version = RubricVersion.objects.create(
        rubric=Rubric.objects.create(key="discovery-ae", name="Discovery (AE)", dimension="discovery"),
        number=3,
        status=VersionStatus.PUBLISHED,
        content={},
        sha256="s" * 64,
        published_at=timezone.now(),
    )
    scores[1].rubric_version = version
    scores[1].save(update_fields=["rubric_version"])
    html = client.get(reverse("admin:gong_call_change", args=[call.pk]), {"q": "prices"}).content.decode()
    start = scores[0].evidence[0]["start_ms"]
    assert f'href="#t-{start}" data-anchor="t-{start}"' in html
    assert f'<span class="cc-sentence" id="t-{start}">' in html
    assert "The <mark>price</mark> increase worries us." in html  # english stemming: prices ~ price
    assert "1 matching sentence" in html
    assert f'href="{call.url}"' in html and "Open in Gong" in html
    assert "Discovery (AE) v3" in html and "coach-v3" in html and "claude-sonnet-4-5" in html
    assert "Pat Buyer" in html and "External" in html
    assert 'id="analysis-cost"' not in html  # cost is for the roles that manage it
    client.force_login(login("u-ops", group="coaching ops"))
    html = client.get(reverse("admin:gong_call_change", args=[call.pk])).content.decode()
    assert "<strong>$0.12</strong> from 1 Claude request" in html


def test_call_page_marks_an_offline_analysis_clearly(client, team):
    _manager, strong, _weak = team
    call, _session, _scores = coached_call(rep=strong, analyzer="offline")
    html = client.get(reverse("admin:gong_call_change", args=[call.pk])).content.decode()
    assert 'class="cc-badge cc-badge-offline"' in html
    assert "Offline baseline — not scored by Claude." in html
    client.force_login(login("u-staff", group="staff"))
    assert "$0.00 (no Claude request)" in client.get(reverse("admin:gong_call_change", args=[call.pk])).content.decode()


def test_transcript_text_is_escaped_while_highlighting(client, team):
    _manager, strong, _weak = team
    lines = [("5100000000000000009", "Internal", "Is <script>alert(1)</script> the price?")]
    call, _session, _scores = coached_call(rep=strong, lines=lines)
    html = client.get(reverse("admin:gong_call_change", args=[call.pk]), {"q": "price"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; the <mark>price</mark>?" in html


def test_search_filters_by_rep_account_date_score_range_and_words(client, team):
    _manager, strong, weak = team
    a, _s, _r = coached_call(rep=strong, started=days_ago(3), scores=_scores(4), account="Globex")
    b, _s, _r = coached_call(
        rep=weak,
        started=days_ago(40),
        scores=_scores(2),
        account="Initech",
        lines=[("5100000000000000011", "Internal", "Let us talk about the renewal timeline.")],
    )
    url = reverse("admin:gong_call_search")

    def found(**params) -> list[str]:
        return [hit.call.pk for hit in client.get(url, params).context["results"].hits]

    assert found(rep=strong.pk) == [a.pk]
    assert found(account="init") == [b.pk]
    assert found(**{"from": (timezone.now() - dt.timedelta(days=10)).date().isoformat()}) == [a.pk]
    assert found(to=(timezone.now() - dt.timedelta(days=10)).date().isoformat()) == [b.pk]
    assert found(dimension="discovery", min="4") == [a.pk]
    assert found(dimension="discovery", max="2") == [b.pk]
    assert found(min="5") == []
    assert found(words="renewal") == [b.pk]
    snippet = client.get(url, {"words": "renewal timeline"}).context["results"].hits[0].snippet
    assert "<mark>renewal</mark> <mark>timeline</mark>" in snippet
