"""A manager's override survives a re-analysis: carried to the new current score of the same call, speaker and
dimension, shown beside the new AI score; flagged for confirmation when the rubric version changed."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from coaching.models import DimensionScore
from coaching.services.pipeline import call_coach
from coaching.services.review import score_override
from knowledgebase.models import Rubric
from knowledgebase.services.rubrics import rubric_version_create_draft, rubric_version_publish
from tests.factories.analysis import REP_SPEAKER, SE_SPEAKER, call_with_reps, knowledge_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysed(settings):
    settings.ANTHROPIC_API_KEY, settings.ANALYZER = "", "offline"
    knowledge_seed()
    call = call_with_reps(levels={REP_SPEAKER: 4, SE_SPEAKER: 2})
    assert call_coach(call_id=call.pk, worker="t").status == "analyzed"
    return call


def _current(call, speaker: str, dimension: str) -> DimensionScore:
    return DimensionScore.objects.get(
        session__call_id=call.pk, session__is_current=True, session__speaker_id=speaker, dimension=dimension
    )


def _override(call, dimension: str = "discovery") -> tuple[DimensionScore, object]:
    root = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")
    score = _current(call, REP_SPEAKER, dimension)
    score_override(score_id=score.pk, manager_score=1, note="Never asked about impact", user=root)
    return score, root


def test_a_re_analysis_carries_the_override_to_the_new_current_score(analysed):
    old, root = _override(analysed)
    assert call_coach(call_id=analysed.pk, force=True, worker="t").status == "analyzed"
    new = _current(analysed, REP_SPEAKER, "discovery")
    assert new.pk != old.pk
    assert (new.manager_score, new.manager_note, new.reviewed_by_id) == (1, "Never asked about impact", root.pk)
    assert new.override_carried_from == old.pk and not new.override_needs_confirmation
    assert new.score is not None and new.effective_score == 1  # the AI's new score is kept beside it
    untouched = _current(analysed, REP_SPEAKER, "engagement")
    assert untouched.manager_score is None and untouched.override_carried_from is None
    assert _current(analysed, SE_SPEAKER, "discovery").manager_score is None  # same dimension, other speaker
    old.refresh_from_db()
    assert old.manager_score == 1  # the history keeps it too


def test_an_override_made_under_an_older_rubric_is_kept_but_flagged_for_confirmation(analysed, client):
    old, root = _override(analysed)
    rubric = Rubric.objects.get(pk=old.rubric_version.rubric_id)
    content = {**rubric.active_version.content, "na_rule": "Score N/A only when the call has no discovery at all."}
    rubric_version_publish(version_id=rubric_version_create_draft(rubric_id=rubric.pk, content=content).pk)
    assert call_coach(call_id=analysed.pk, force=True, worker="t").status == "analyzed"
    new = _current(analysed, REP_SPEAKER, "discovery")
    assert new.rubric_version_id != old.rubric_version_id
    assert new.manager_score == 1 and new.override_needs_confirmation and new.override_carried_from == old.pk

    client.force_login(root)
    page = client.get(reverse("admin:gong_call_change", args=[analysed.pk])).content.decode()
    card = page.split(f'id="score-{new.pk}"', 1)[1].split('class="cc-score-card"', 1)[0]
    assert 'title="AI score">AI' in card and 'title="Manager score">Manager' in card
    assert "rubric changed: confirm" in card and "made on an earlier analysis (AI" in card
    listed = client.get("/admin/coaching/dimensionscore/?reviewed=confirm").content.decode()
    assert f"#score-{new.pk}" in listed

    score_override(score_id=new.pk, manager_score=2, note="Still weak under the new anchors", user=root)
    new.refresh_from_db()
    assert new.manager_score == 2 and not new.override_needs_confirmation


def test_a_repeat_of_the_same_run_changes_nothing(analysed):
    old, _root = _override(analysed)
    run_id = old.session.run_id
    from coaching.services.sessions import sessions_store_from_run

    sessions_store_from_run(run_id=run_id)
    assert _current(analysed, REP_SPEAKER, "discovery").pk == old.pk
