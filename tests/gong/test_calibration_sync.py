"""Gong scorecards and deal outcomes, offline: the simulator over HTTP → sync → mapping → stored references.

The simulator plants managers' answers (with disagreement, self-reviews, Gong-AI reviews and unmapped
questions) and deal outcomes; these tests pin that exactly what it planted comes back.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from coaching.calibration.mapping import (
    reference_scores_refresh,
    scorecard_mapping_set,
    scorecard_mappings_ensure,
    scorecard_questions_unmapped,
)
from coaching.calibration.sync import calibration_sync
from coaching.models import ReferenceScore
from gong.models import AnsweredScorecard, Opportunity, ScorecardAnswer
from gong.services import gong_sync, users_sync
from gong.services.outcomes import outcome_from_fields
from gong.services.scorecards import scorecards_sync
from gong.simulator.corpus import corpus_build
from gong.simulator.outcomes import outcomes_truth
from gong.simulator.scorecards import SUGGESTED_MAPPING, scorecards_truth
from gong.simulator.server import SimulatorServer

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def week():
    return corpus_build(seed=3, calls=30, long_calls=0, private_calls=1, internal_calls=1, late_calls=0)


@pytest.fixture
def sim(settings, week):
    with SimulatorServer(week, rate_per_second=1000) as server:
        settings.GONG_BASE_URL = server.base_url
        settings.GONG_ACCESS_KEY = server.access_key
        settings.GONG_ACCESS_KEY_SECRET = server.access_key_secret
        settings.GONG_RATE_PER_SECOND = 1000.0
        users_sync()
        yield server


def _window(week):
    return {"review_from": week.week_start - timedelta(days=1), "review_to": week.week_start + timedelta(days=14)}


def mapping_apply(plan) -> None:
    """Ops' mapping of the simulator's questions (gong.simulator.scorecards.SUGGESTED_MAPPING)."""
    scorecard_mappings_ensure()
    for key, mapping in SUGGESTED_MAPPING.items():
        scorecard_mapping_set(question_id=str(plan.question_ids[key]), **mapping)


def test_only_answers_people_gave_are_stored_and_a_second_sync_changes_nothing(sim, week):
    plan = sim.api.scorecards
    report = scorecards_sync(**_window(week))
    served = Counter(card["scorecardName"] for card in plan.answered)
    self_reviews = sum(1 for card in plan.answered if card.get("reviewerUserId") == card["reviewedUserId"])
    assert report.answered == len(plan.answered)
    assert report.skipped["ai"] == served["Gong AI call review"]
    assert report.skipped["self_review"] == self_reviews > 0
    assert report.stored == len(plan.answered) - served["Gong AI call review"] - self_reviews
    assert not AnsweredScorecard.objects.filter(scorecard__review_method="AUTOMATIC").exists()
    assert not AnsweredScorecard.objects.filter(reviewer_user_id__isnull=True).exists()
    counts = (AnsweredScorecard.objects.count(), ScorecardAnswer.objects.count())

    again = scorecards_sync(**_window(week))

    assert again.stored == report.stored
    assert (AnsweredScorecard.objects.count(), ScorecardAnswer.objects.count()) == counts
    # Two requests: the definitions and one page of answered scorecards (< 100).
    assert sim.stats()["by_endpoint"]["GET /v2/settings/scorecards"] == {200: 2}
    assert sim.stats()["by_endpoint"]["POST /v2/stats/activity/scorecards"] == {200: 2}


def test_mapped_answers_become_the_planted_reference_scores(sim, week):
    plan = sim.api.scorecards
    scorecards_sync(**_window(week))
    mapping_apply(plan)

    reference_scores_refresh()

    stored = {(r.call_id, r.rep_id, r.dimension): r.level for r in ReferenceScore.objects.all()}
    planted = {(t["call_id"], t["user_id"], t["dimension"]): t["reference"] for t in scorecards_truth(plan)}
    assert stored == planted
    assert None in stored.values()  # N/A answers are kept as N/A references
    # The planted disagreement is there: managers do not simply repeat the planted level.
    scored = [t for t in scorecards_truth(plan) if t["gold"] is not None]
    assert 0.5 < sum(t["manager_level"] == t["gold"] for t in scored) / len(scored) < 0.8


def test_unmapped_questions_are_listed_and_mapping_one_to_none_removes_it(sim, week):
    plan = sim.api.scorecards
    scorecards_sync(**_window(week))
    mapping_apply(plan)

    unmapped = scorecard_questions_unmapped()

    assert [q.text for q in unmapped] == ["Next steps agreed?"]  # the AI scorecard's questions are not listed
    assert unmapped[0].answers > 0
    scorecard_mapping_set(question_id=unmapped[0].question_id, dimension="", scale="none")
    assert scorecard_questions_unmapped() == []


def test_a_changed_mapping_rederives_the_reference_scores(sim, week):
    plan = sim.api.scorecards
    scorecards_sync(**_window(week))
    mapping_apply(plan)
    reference_scores_refresh()
    before = ReferenceScore.objects.filter(dimension="objection_handling").count()
    assert before > 0

    scorecard_mapping_set(question_id=str(plan.question_ids["objections"]), dimension="", scale="none")
    report = reference_scores_refresh()

    assert report.removed == before
    assert not ReferenceScore.objects.filter(dimension="objection_handling").exists()


def test_deal_outcomes_come_back_as_planted_and_final_deals_are_not_read_again(sim, week):
    since = datetime.combine(week.week_start, datetime.min.time(), tzinfo=UTC)
    gong_sync(since=since, until=since + timedelta(days=7))
    sim.advance(200 * 86400)  # every planted close date has passed
    sim.reset_stats()

    first = calibration_sync(scorecards=False)

    truth = outcomes_truth(sim.api.outcomes)
    stored = dict(Opportunity.objects.values_list("id", "outcome"))
    assert stored and stored == {opp: truth[opp]["outcome"] for opp in stored}
    assert first.outcomes.won > 0 and first.outcomes.lost > 0
    extensive = sim.stats()["by_endpoint"]["POST /v2/calls/extensive"]
    assert extensive == {200: 1}  # all opportunities in one batched request

    second = calibration_sync(scorecards=False)

    assert second.outcomes.asked == first.outcomes.still_open  # won and lost deals are final
    assert dict(Opportunity.objects.values_list("id", "outcome")) == stored


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"StageName": "Negotiation", "IsClosed": False, "IsWon": False}, "open"),
        ({"StageName": "Anything", "IsClosed": True, "IsWon": True}, "won"),
        ({"StageName": "Anything", "IsClosed": "true", "IsWon": "false"}, "lost"),
        ({"StageName": "Closed Won"}, "won"),
        ({"dealstage": "closedlost"}, "lost"),
        ({"StageName": "closed-won"}, "won"),
        ({}, "open"),
    ],
)
def test_outcome_from_crm_fields(fields, expected):
    assert outcome_from_fields(fields=fields) == expected
