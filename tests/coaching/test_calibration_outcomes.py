"""Won vs lost: the simulator's planted deal outcomes come back through the outcome sync into the validity
report with the planted effect sizes, and the statistics behave as documented."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest

from coaching.access import viewer_for_user
from coaching.calibration.outcomes import MIN_DEALS, auc, cluster_bootstrap_diff, outcome_validity_report
from gong.simulator.outcomes import outcomes_truth
from knowledgebase.dimensions import DIMENSIONS
from tests.coaching.calibration_world import outcomes_settle, sessions_from_levels


def _staff(django_user_model):
    return viewer_for_user(django_user_model.objects.create_superuser("boss", "boss@example.com", "pw"))


def _planted(week, truth: dict, dimension: str) -> tuple[dict, dict]:
    """Planted levels on calls of won / lost deals, clustered by deal."""
    sides: dict[str, dict[str, list[float]]] = {"won": defaultdict(list), "lost": defaultdict(list)}
    for deal_id, deal in truth.items():
        if deal["outcome"] == "open":
            continue
        for call_id in deal["call_ids"]:
            for label in week.gold.get(call_id, {}).values():
                level = label["levels"][dimension]
                if level is not None:
                    sides[deal["outcome"]][deal_id].append(float(level))
    return sides["won"], sides["lost"]


@pytest.mark.django_db
def test_planted_outcome_effects_come_back_with_an_interval_that_holds_them(calibrated_week, django_user_model):
    server, week = calibrated_week
    sessions_from_levels(week, prompt_version="coach-p1")
    outcomes_settle(server)

    report = outcome_validity_report(viewer=_staff(django_user_model))

    truth = outcomes_truth(server.api.outcomes)
    effects = {effect.dimension: effect for effect in report.dimensions}
    assert report.deals["won"] == sum(d["outcome"] == "won" for d in truth.values())
    assert report.deals["lost"] == sum(d["outcome"] == "lost" for d in truth.values())
    for dimension in DIMENSIONS:
        won, lost = _planted(week, truth, dimension)
        effect = effects[dimension]
        assert (effect.deals_won, effect.deals_lost) == (len(won), len(lost))
        if not effect.enough:
            assert "too thin" in effect.reason and effect.diff is None
            continue
        planted, _low, _high = cluster_bootstrap_diff(won, lost, resamples=1)
        assert effect.diff == pytest.approx(planted)
        assert effect.ci_low <= effect.diff <= effect.ci_high
        flat_won, flat_lost = [v for vs in won.values() for v in vs], [v for vs in lost.values() for v in vs]
        assert effect.auc == pytest.approx(auc(flat_won, flat_lost))
    # The simulator makes discovery drive wins: it shows, and clearly.
    assert effects["discovery"].enough and effects["discovery"].diff > 0.5 and effects["discovery"].clear
    assert effects["discovery"].auc > 0.6
    criteria = {(c.dimension, c.criterion, c.measure): c for c in report.criteria}
    met = criteria[("discovery", "discovery_core", "met")]
    assert met.enough and met.diff > 0


@pytest.mark.django_db
def test_without_closed_deals_every_row_says_it_is_too_thin(calibrated_week, django_user_model):
    _server, week = calibrated_week
    sessions_from_levels(week, prompt_version="coach-p1")

    report = outcome_validity_report(viewer=_staff(django_user_model))

    assert not report.enough
    assert all(not e.enough and f"at least {MIN_DEALS}" in e.reason for e in report.dimensions)


def test_cluster_bootstrap_is_wider_when_calls_repeat_within_a_deal():
    rng = random.Random(1)
    won = {f"w{i}": [rng.gauss(3.5, 1)] for i in range(20)}
    lost = {f"l{i}": [rng.gauss(3.0, 1)] for i in range(20)}
    # The same deals, each call repeated 5 times: no new information, so the interval must not shrink.
    won5 = {k: v * 5 for k, v in won.items()}
    lost5 = {k: v * 5 for k, v in lost.items()}
    naive = {f"{k}-{j}": [x] for k, v in won5.items() for j, x in enumerate(v)}
    naive_lost = {f"{k}-{j}": [x] for k, v in lost5.items() for j, x in enumerate(v)}
    point, low, high = cluster_bootstrap_diff(won5, lost5)
    n_point, n_low, n_high = cluster_bootstrap_diff(naive, naive_lost)
    assert point == pytest.approx(n_point)
    assert (high - low) > 1.8 * (n_high - n_low)  # treating repeats as independent claims false precision


def test_auc_counts_ties_as_half():
    assert auc([5, 4], [1, 2]) == 1.0
    assert auc([3, 3], [3, 3]) == 0.5
    assert auc([1], [2]) == 0.0
    assert auc([], [1]) is None


@pytest.mark.django_db
def test_team_page_and_leadership_review_show_won_vs_lost(calibrated_week, admin_client_logged_in, settings):
    from django.core import mail
    from django.urls import reverse

    from coaching.models import WeeklyReview
    from coaching.weekly.services import weekly_review_run

    server, week = calibrated_week
    sessions_from_levels(week, prompt_version="coach-p1")
    outcomes_settle(server)
    vp = next(user["id"] for user in week.users if user["managerId"] is None)

    body = admin_client_logged_in.get(reverse("admin:gong_gonguser_team", args=[vp])).content.decode()

    assert 'id="outcomes"' in body and "Won vs lost deals" in body
    assert "clear" in body  # discovery's planted effect

    settings.ANALYZER = "offline"
    weekly_review_run(week=f"{week.week_start.isocalendar()[0]}-W{week.week_start.isocalendar()[1]:02d}")

    review = WeeklyReview.objects.get(scope="team", subject_id=vp)
    outcomes = review.metrics["outcomes"]
    assert outcomes["deals"]["won"] > 0 and outcomes["enough"]
    discovery = next(row for row in outcomes["rows"] if row["dimension"] == "discovery")
    assert discovery["clear"] and discovery["text"].startswith("won ")
    assert "Won vs lost deals" in review.report_html and "WON VS LOST DEALS" in review.report_text
    assert any("WON VS LOST" in message.body for message in mail.outbox)
    from coaching.weekly.render import report_render

    markdown = report_render(metrics=review.metrics, trends=review.trends, skill_gaps=review.skill_gaps, fmt="md")
    assert "## Won vs lost deals" in markdown and discovery["text"] in markdown


def test_criteria_are_read_from_both_stored_shapes():
    from coaching.calibration.outcomes import _criterion_values

    names: dict = {}
    new = {"dimension": "discovery", "criteria": [
        {"key": "pain", "name": "Uncovers the pain", "status": "met", "level": 4},
        {"key": "impact", "name": "Quantifies impact", "status": "missed", "level": 2},
        {"key": "timing", "name": "Timing", "status": "n_a", "level": None},
    ]}  # fmt: skip
    old = {"dimension": "discovery", "criteria": [], "criteria_met": ["pain"], "criteria_missed": ["impact"]}

    assert sorted(_criterion_values(new, names)) == [
        ("impact", "level", 2.0), ("impact", "met", 0.0), ("pain", "level", 4.0), ("pain", "met", 1.0)
    ]  # fmt: skip
    assert sorted(_criterion_values(old, names)) == [("impact", "met", 0.0), ("pain", "met", 1.0)]
    assert names[("discovery", "pain")] == "Uncovers the pain"


@pytest.mark.django_db
def test_offline_and_claude_scores_are_never_pooled(calibrated_week, django_user_model):
    from coaching.models import CoachingSession

    server, week = calibrated_week
    sessions_from_levels(week, prompt_version="coach-p1")
    outcomes_settle(server)
    one_call = next(iter(week.gold))
    CoachingSession.objects.filter(call_id=one_call).update(is_current=False)
    sessions_from_levels(week, prompt_version="claude-p1", call_ids={one_call}, analyzer="claude")

    report = outcome_validity_report(viewer=_staff(django_user_model))

    assert report.analyzers == ["claude"]  # Claude's scores when there are any; the baseline is left out
    assert not report.enough
