"""Selectors and the analysis-claim state machine other apps build on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import NotFound
from gong import selectors, services
from gong.models import Call, CallStatus, GongUser
from tests.factories.gong import (
    CallFactory,
    CallParticipantFactory,
    GongUserFactory,
    TranscriptFactory,
    transcript_turns,
)

pytestmark = pytest.mark.django_db


def test_call_get_raises_not_found_for_unknown_call():
    with pytest.raises(NotFound):
        selectors.call_get(call_id="123")


def test_transcript_factory_computes_text_and_digest_like_ingestion():
    transcript = TranscriptFactory()
    stored = selectors.transcript_get(call_id=transcript.call_id)
    assert stored.text.splitlines()[0].startswith("Thanks for joining.")
    assert len(stored.sha256) == 64
    assert stored.token_count == -(-len(stored.text) // 4)


def test_transcript_turns_merge_consecutive_lines_of_one_speaker():
    lines = [("1", "Internal", "Hi. Hello."), ("1", "Internal", "Still me."), ("2", "External", "Ok.")]
    turns = transcript_turns(lines)
    assert [t["speaker_id"] for t in turns] == ["1", "2"]
    assert turns[0]["text"] == "Hi. Hello. Still me."
    assert len(turns[0]["sentences"]) == 3


def test_call_participants_lists_internal_people_first_with_their_user():
    call = CallFactory()
    CallParticipantFactory(call=call, external=True, name="Zed Buyer")
    rep = CallParticipantFactory(call=call)
    participants = selectors.call_participants(call_id=call.id)
    assert participants[0].pk == rep.pk
    assert participants[0].user.email == rep.user.email


def test_user_reports_walks_the_hierarchy_and_survives_cycles():
    vp = GongUserFactory()
    manager = GongUserFactory(manager=vp)
    rep = GongUserFactory(manager=manager)
    GongUser.objects.filter(pk=vp.pk).update(manager=rep)  # bad data: a cycle
    assert selectors.user_reports(manager_id=vp.id) == {manager.id, rep.id}
    assert selectors.user_reports(manager_id=vp.id, recursive=False) == {manager.id}


def test_user_link_django_user_links_by_email_case_insensitively(django_user_model):
    gong_user = GongUserFactory(email="ana.rep@lumina-labs.example")
    user = django_user_model.objects.create_user("ana", "Ana.Rep@Lumina-Labs.example", "pw")
    assert selectors.user_for_django_user(user=user) == gong_user
    services.user_link_django_user(user=user)
    assert GongUser.objects.get(pk=gong_user.pk).django_user_id == user.pk


def test_only_one_worker_claims_a_transcribed_call():
    call = CallFactory()
    assert services.call_claim_for_analysis(call_id=call.id, worker="w1", stale_after_s=600)
    assert not services.call_claim_for_analysis(call_id=call.id, worker="w2", stale_after_s=600)
    stored = Call.objects.get(pk=call.id)
    assert (stored.status, stored.claimed_by, stored.attempts) == (CallStatus.ANALYZING, "w1", 1)


def test_a_stale_analysis_claim_is_taken_over():
    call = CallFactory(status=CallStatus.ANALYZING, claimed_at=timezone.now() - timedelta(hours=1), claimed_by="w1")
    assert call.id in selectors.calls_awaiting_analysis(stale_after_s=600, limit=10)
    assert services.call_claim_for_analysis(call_id=call.id, worker="w2", stale_after_s=600)
    assert Call.objects.get(pk=call.id).claimed_by == "w2"


def test_analyzed_calls_are_claimed_again_only_with_force():
    call = CallFactory(status=CallStatus.ANALYZED)
    assert not services.call_claim_for_analysis(call_id=call.id, worker="w", stale_after_s=600)
    assert services.call_claim_for_analysis(call_id=call.id, worker="w", stale_after_s=600, force=True)


def test_held_calls_are_released_back_to_transcribed():
    call = CallFactory()
    services.call_mark_held(call_id=call.id, reason="budget spent")
    assert selectors.calls_held(limit=5) == [call.id]
    services.call_release(call_id=call.id)
    assert Call.objects.get(pk=call.id).status == CallStatus.TRANSCRIBED


def test_marking_failed_and_analyzed_records_status_and_reason():
    call = CallFactory()
    services.call_mark_failed(call_id=call.id, reason="model refused")
    assert Call.objects.get(pk=call.id).status_reason == "model refused"
    services.call_mark_analyzed(call_id=call.id)
    stored = Call.objects.get(pk=call.id)
    assert stored.status == CallStatus.ANALYZED and stored.analyzed_at is not None


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("Enterprise Account Executive", "AE"),
        ("Senior Sales Engineer", "SE"),
        ("Solutions Architect", "SE"),
        ("Customer Success Manager", "CSM"),
        ("Sales Manager, West", "MANAGER"),
        ("VP of Sales", "MANAGER"),
        ("Sales Engineering Manager", "MANAGER"),
        ("Marketing Coordinator", "OTHER"),
        ("", "OTHER"),
    ],
)
def test_role_is_derived_from_the_job_title(title, role):
    assert services.role_from_title(title=title) == role
