"""Manager review: an override keeps the AI score beside it; only the rep's manager or coaching ops may (not staff)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coaching.models import DimensionScore
from coaching.services.review import ReviewNotAllowed, score_override
from core.errors import ApplicationError, NotFound
from tests.coaching.portal_world import build_world
from tests.factories.coaching import coached_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _post(client, call, score, **data):
    payload = {"score_id": score.pk, "call_started": score.call_started.isoformat(), **data}
    return client.post(reverse("admin:gong_call_change", args=[call.pk]), payload)


def test_a_manager_override_keeps_the_ai_score_and_shows_both(client, world):
    score = world.scores["own"][1]
    client.force_login(world.logins["manager"])
    response = _post(client, world.calls["own"], score, manager_score="5", note="Great follow-up on impact")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#score-{score.pk}")
    stored = DimensionScore.objects.get(pk=score.pk)
    assert (stored.score, stored.manager_score, stored.manager_note) == (3, 5, "Great follow-up on impact")
    assert stored.reviewed_by == world.logins["manager"] and stored.reviewed_at is not None
    assert stored.effective_score == 5
    page = client.get(reverse("admin:gong_call_change", args=[world.calls["own"].pk])).content.decode()
    card = page.split(f'id="score-{score.pk}"', 1)[1].split('class="cc-score-card"', 1)[0]
    assert 'title="AI score">AI <span class="cc-score l3">3</span>' in card
    assert 'title="Manager score">Manager <span class="cc-score l5">5</span>' in card
    assert "Great follow-up on impact" in card and "reviewed by Mia Manager" in card


def test_clearing_an_override_returns_to_the_ai_score(world):
    score = world.scores["own"][0]
    score_override(score_id=score.pk, manager_score=2, note="Too generous", user=world.logins["manager"])
    score_override(score_id=score.pk, manager_score=None, note="", user=world.logins["manager"])
    stored = DimensionScore.objects.get(pk=score.pk)
    assert (stored.score, stored.manager_score, stored.manager_note, stored.reviewed_by) == (3, None, "", None)


def test_the_same_override_twice_leaves_one_consistent_row(world):
    score = world.scores["own"][0]
    for _ in range(2):
        score_override(score_id=score.pk, manager_score=4, note="ok", user=world.logins["ops"])
    stored = DimensionScore.objects.get(pk=score.pk)
    assert (stored.score, stored.manager_score, stored.manager_note) == (3, 4, "ok")


def test_a_rep_may_not_override_their_own_score(client, world):
    score = world.scores["own"][0]
    with pytest.raises(ReviewNotAllowed):
        score_override(score_id=score.pk, manager_score=5, note="I was great", user=world.logins["rep"])
    client.force_login(world.logins["rep"])
    response = _post(client, world.calls["own"], score, manager_score="5", note="I was great")
    assert response.status_code == 302
    assert DimensionScore.objects.get(pk=score.pk).manager_score is None
    page = client.get(reverse("admin:gong_call_change", args=[world.calls["own"].pk])).content.decode()
    assert 'name="manager_score"' not in page  # no review form for a rep


def test_a_manager_may_not_review_their_own_call_but_their_manager_may(world):
    _call, _session, scores = coached_call(rep=world.manager)
    with pytest.raises(ReviewNotAllowed):
        score_override(score_id=scores[0].pk, manager_score=5, note="me", user=world.logins["manager"])
    score_override(score_id=scores[0].pk, manager_score=2, note="rushed", user=world.logins["director"])
    assert DimensionScore.objects.get(pk=scores[0].pk).manager_score == 2


def test_a_manager_loses_review_rights_when_the_rep_moves_team(world):
    score = world.scores["own"][0]
    score_override(score_id=score.pk, manager_score=4, note="fine", user=world.logins["manager"])
    world.rep.manager = world.manager2
    world.rep.save(update_fields=["manager"])
    with pytest.raises(NotFound):  # no longer the manager's report: the score is invisible to them
        score_override(score_id=score.pk, manager_score=2, note="x", user=world.logins["manager"])


def test_another_teams_manager_gets_a_404_for_a_score_they_cannot_see(client, world):
    score = world.scores["own"][0]
    with pytest.raises(NotFound):
        score_override(score_id=score.pk, manager_score=1, note="x", user=world.logins["manager2"])
    client.force_login(world.logins["manager2"])
    assert _post(client, world.calls["own"], score, manager_score="1", note="x").status_code == 404
    client.force_login(world.logins["manager"])  # a visible call with another team's score id in the form
    other = world.scores["other_team"][0]
    assert _post(client, world.calls["own"], other, manager_score="1", note="x").status_code == 404
    assert DimensionScore.objects.filter(manager_score__isnull=False).count() == 0


@pytest.mark.parametrize(("manager_score", "note"), [(6, "x"), (0, "x"), (3, "   ")])
def test_an_override_needs_a_score_from_1_to_5_and_a_note(world, manager_score, note):
    score = world.scores["own"][0]
    with pytest.raises(ApplicationError):
        score_override(score_id=score.pk, manager_score=manager_score, note=note, user=world.logins["ops"])
    assert DimensionScore.objects.get(pk=score.pk).manager_score is None


def test_reviewed_and_unreviewed_filters_split_the_scores(client, world):
    score = world.scores["own"][0]
    score_override(score_id=score.pk, manager_score=4, note="ok", user=world.logins["manager"])
    client.force_login(world.logins["manager"])
    url = reverse("admin:coaching_dimensionscore_changelist")
    reviewed = client.get(url, {"reviewed": "yes"}).context["cl"].result_list
    unreviewed = client.get(url, {"reviewed": "no"}).context["cl"].result_list
    assert [row.pk for row in reviewed] == [score.pk]
    assert score.pk not in {row.pk for row in unreviewed} and len(unreviewed) == 4 * 4 - 1
    search = reverse("admin:gong_call_search")
    assert [hit.call.pk for hit in client.get(search, {"reviewed": "yes"}).context["results"].hits] == [
        world.calls["own"].pk
    ]
    unreviewed_calls = {hit.call.pk for hit in client.get(search, {"reviewed": "no"}).context["results"].hits}
    assert unreviewed_calls == {world.calls["colleague"].pk, world.calls["shared"].pk}
