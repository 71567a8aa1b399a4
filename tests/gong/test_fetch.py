"""Fetching webhook-delivered calls from the simulator over real HTTP: batching, storing, waiting, skipping."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.db.models import Max
from django.utils import timezone

from gong.models import Call, CallParticipant, CallStatus, Transcript, WebhookAuthMethod
from gong.services import calls_fetch_pending, users_sync, webhook_receive
from gong.services.transcripts import transcript_sha256
from gong.simulator.webhooks import webhook_body
from tests.gong.conftest import corpus_ids

pytestmark = pytest.mark.django_db


def deliver(corpus, call_ids) -> None:
    for call_id in call_ids:
        webhook_receive(body=webhook_body(corpus.call(call_id)), auth_method=WebhookAuthMethod.JWT)


def transcript_requests(simulator) -> int:
    return sum(simulator.stats()["by_endpoint"].get("POST /v2/calls/transcript", {}).values())


def test_webhook_calls_are_fetched_with_one_transcript_request(corpus, simulator, gong_client):
    regular = corpus_ids(corpus, kind="regular")
    deliver(corpus, regular)
    report = calls_fetch_pending(client=gong_client)
    assert report.transcribed == len(regular)
    assert set(Call.objects.values_list("status", flat=True)) == {CallStatus.TRANSCRIBED}
    stats = simulator.stats()
    assert transcript_requests(simulator) == 1
    assert "POST /v2/calls/extensive" not in stats["by_endpoint"]


def test_stored_transcript_merges_turns_and_tags_parties(corpus, simulator, gong_client):
    call_id = corpus_ids(corpus, kind="regular")[0]
    deliver(corpus, [call_id])
    calls_fetch_pending(client=gong_client)
    transcript = Transcript.objects.get(call_id=call_id)
    turns = transcript.turns
    assert all(a["speaker_id"] != b["speaker_id"] for a, b in itertools.pairwise(turns))
    parties = {p["speakerId"]: p["affiliation"] for p in corpus.call(call_id)["parties"] if p.get("speakerId")}
    assert {t["party"] for t in turns} <= {"Internal", "External"}
    assert all(t["party"] == parties[t["speaker_id"]] for t in turns)
    assert transcript.text == "\n".join(t["text"] for t in turns)
    assert transcript.sha256 == transcript_sha256(turns=turns)
    sentences = sum(len(m["sentences"]) for m in corpus.transcripts[call_id]["transcript"])
    assert sum(len(t["sentences"]) for t in turns) == sentences
    assert transcript.token_count == -(-len(transcript.text) // 4)
    assert Transcript.objects.filter(search_vector="discovery").exists() or transcript.text


def test_participants_keep_gong_affiliation_and_link_users_after_user_sync(corpus, simulator, gong_client):
    call_id = corpus_ids(corpus, kind="regular")[0]
    deliver(corpus, [call_id])
    calls_fetch_pending(client=gong_client)
    party_affiliations = {p["id"]: p["affiliation"] for p in corpus.call(call_id)["parties"]}
    stored = {p.party_id: p.affiliation for p in CallParticipant.objects.filter(call_id=call_id)}
    assert stored == party_affiliations
    users_sync(client=gong_client)
    internal = CallParticipant.objects.filter(call_id=call_id, affiliation="Internal")
    assert internal.exists() and all(p.user_id for p in internal)
    call = Call.objects.select_related("primary_user").get(pk=call_id)
    assert call.primary_user.id == corpus.call(call_id)["metaData"]["primaryUserId"]


def test_private_and_internal_calls_are_stored_but_skipped_without_asking_for_transcripts(
    corpus, simulator, gong_client
):
    skipped = corpus_ids(corpus, kind="private") + corpus_ids(corpus, kind="internal")
    deliver(corpus, skipped)
    report = calls_fetch_pending(client=gong_client)
    assert report.skipped == len(skipped) == 2
    reasons = dict(Call.objects.values_list("id", "status_reason"))
    assert "Private call" in reasons[corpus_ids(corpus, kind="private")[0]]
    assert "Internal-only" in reasons[corpus_ids(corpus, kind="internal")[0]]
    assert set(Call.objects.values_list("status", flat=True)) == {CallStatus.SKIPPED}
    assert transcript_requests(simulator) == 0
    assert not Transcript.objects.exists()


def test_private_calls_are_transcribed_when_the_setting_allows(corpus, simulator, gong_client, settings):
    settings.GONG_ANALYZE_PRIVATE_CALLS = True
    deliver(corpus, corpus_ids(corpus, kind="private"))
    assert calls_fetch_pending(client=gong_client).transcribed == 1


def test_late_transcript_waits_with_backoff_then_is_stored(corpus, simulator, gong_client):
    late = corpus_ids(corpus, kind="late")[0]
    deliver(corpus, [late])
    calls_fetch_pending(client=gong_client)
    call = Call.objects.get(pk=late)
    assert (call.status, call.attempts) == (CallStatus.PENDING, 1)
    assert 55 <= (call.next_attempt_at - timezone.now()).total_seconds() <= 60
    assert "Waiting for Gong" in call.status_reason
    assert calls_fetch_pending(client=gong_client).claimed == 0  # not due yet: no Gong request
    Call.objects.filter(pk=late).update(next_attempt_at=timezone.now())
    calls_fetch_pending(client=gong_client)
    call.refresh_from_db()
    assert call.attempts == 2 and 115 <= (call.next_attempt_at - timezone.now()).total_seconds() <= 120
    simulator.advance(24 * 3600)
    Call.objects.filter(pk=late).update(next_attempt_at=timezone.now())
    calls_fetch_pending(client=gong_client)
    assert Call.objects.get(pk=late).status == CallStatus.TRANSCRIBED


def test_transcript_still_missing_after_the_wait_limit_fails_with_a_reason(corpus, simulator, gong_client):
    late = corpus_ids(corpus, kind="late")[0]
    deliver(corpus, [late])
    Call.objects.filter(pk=late).update(received_at=timezone.now() - timedelta(hours=25))
    report = calls_fetch_pending(client=gong_client)
    call = Call.objects.get(pk=late)
    assert report.failed == 1 and call.status == CallStatus.FAILED
    assert call.status_reason == "Gong had no transcript for this call after 24 hours"


def test_a_stale_fetch_claim_is_taken_over(corpus, simulator, gong_client):
    call_id = corpus_ids(corpus, kind="regular")[0]
    deliver(corpus, [call_id])
    Call.objects.filter(pk=call_id).update(
        status=CallStatus.FETCHING, claimed_at=timezone.now() - timedelta(hours=1), claimed_by="dead-worker"
    )
    assert calls_fetch_pending(client=gong_client).transcribed == 1


def test_fetching_twice_changes_nothing(corpus, simulator, gong_client):
    deliver(corpus, corpus_ids(corpus, kind="regular")[:2])
    calls_fetch_pending(client=gong_client)
    before = list(Transcript.objects.order_by("call_id").values_list("call_id", "sha256"))
    assert calls_fetch_pending(client=gong_client).claimed == 0
    assert list(Transcript.objects.order_by("call_id").values_list("call_id", "sha256")) == before


def test_transcribed_calls_are_handed_to_analysis_on_commit(
    corpus, simulator, gong_client, settings, django_capture_on_commit_callbacks, monkeypatch
):
    from gong.services import fetch_queue

    settings.GONG_ENQUEUE_ANALYSIS = True
    enqueued: list[tuple] = []
    monkeypatch.setattr(fetch_queue, "_enqueue", lambda func, *args, group: enqueued.append((func, args)))
    call_id = corpus_ids(corpus, kind="regular")[0]
    deliver(corpus, [call_id])
    with django_capture_on_commit_callbacks(execute=True):
        calls_fetch_pending(client=gong_client)
    assert ("coaching.tasks.call_coach", (call_id,)) in enqueued


@pytest.fixture
def fetch_lock_elsewhere():
    """Another process's fetcher: the fetch advisory lock held on a separate connection."""
    from django.db import connections

    from gong.services.fetch_queue import FETCH_LOCK_KEY

    other = connections.create_connection("default")
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [FETCH_LOCK_KEY])
    yield
    other.close()


def test_while_another_fetcher_runs_a_fetch_exits_at_once(corpus, simulator, gong_client, fetch_lock_elsewhere):
    deliver(corpus, corpus_ids(corpus, kind="regular")[:1])
    report = calls_fetch_pending(client=gong_client)
    assert report.busy and report.claimed == 0
    assert simulator.stats()["total"] == 0


def test_webhooks_need_no_new_task_while_a_fetcher_runs(
    client, jwt_settings, gong_keys, fetch_lock_elsewhere, django_capture_on_commit_callbacks
):
    from tests.gong.conftest import WEBHOOK_PATH, fixture_body, sign

    body = fixture_body("call_processed.json")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            WEBHOOK_PATH, data=body, content_type="application/json", headers={"Authorization": sign(body, gong_keys)}
        )
    assert response.json()["status"] == "accepted"
    assert callbacks == []


def test_a_fetch_waits_for_a_burst_of_webhooks_to_end(corpus, simulator, gong_client, settings):
    settings.GONG_FETCH_DEBOUNCE_S, settings.GONG_FETCH_MAX_DELAY_S = 30.0, 120.0
    deliver(corpus, corpus_ids(corpus, kind="regular")[:3])
    # The fetch runs on a clock of its own that only its naps move, starting at the newest delivery: no
    # wall-clock wait, and however slowly the machine runs the loop, no real time counts as quiet time.
    now = [Call.objects.aggregate(newest=Max("received_at"))["newest"]]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += timedelta(seconds=seconds)

    report = calls_fetch_pending(client=gong_client, sleep=sleep, clock=lambda: now[0])
    # It waited until the newest delivery had been quiet for the whole debounce, in short naps, and stopped
    # within one nap of it (not until the max delay).
    assert 30.0 <= sum(slept) <= 30.02 and max(slept) <= 0.51
    assert report.transcribed == 3 and transcript_requests(simulator) == 1


def test_missing_credentials_give_claimed_calls_back(corpus, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.GONG_ACCESS_KEY = ""
    settings.GONG_FETCH_DEBOUNCE_S = 0
    call_id = corpus_ids(corpus, kind="regular")[0]
    deliver(corpus, [call_id])
    with pytest.raises(ImproperlyConfigured, match="GONG_ACCESS_KEY"):
        calls_fetch_pending()
    call = Call.objects.get(pk=call_id)
    assert call.status == CallStatus.PENDING and call.claimed_by == ""


def test_a_trickle_of_webhooks_waits_for_the_batching_window_then_goes_in_one_request(
    corpus, simulator, gong_client, settings
):
    settings.GONG_FETCH_WINDOW_S = 300
    first, *rest = corpus_ids(corpus, kind="regular")[:4]
    deliver(corpus, [first])
    report = calls_fetch_pending(client=gong_client)
    assert report.claimed == 0 and "batching window" in report.summary()
    deliver(corpus, rest)  # more calls trickle in within the window: still nothing asked of Gong
    assert calls_fetch_pending(client=gong_client).claimed == 0
    assert transcript_requests(simulator) == 0
    # The oldest has waited the window out: every call waiting goes in one request.
    Call.objects.filter(pk=first).update(received_at=timezone.now() - timedelta(seconds=301))
    report = calls_fetch_pending(client=gong_client)
    assert report.transcribed == 4 and transcript_requests(simulator) == 1


def test_the_window_never_holds_back_a_full_batch_or_a_retry(corpus, simulator, gong_client, settings):
    settings.GONG_FETCH_WINDOW_S = 300
    settings.GONG_FETCH_BATCH_SIZE = 2
    deliver(corpus, corpus_ids(corpus, kind="regular")[:2])
    assert calls_fetch_pending(client=gong_client).transcribed == 2
    settings.GONG_FETCH_BATCH_SIZE = 100
    retry = corpus_ids(corpus, kind="regular")[2]
    deliver(corpus, [retry])
    Call.objects.filter(pk=retry).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert calls_fetch_pending(client=gong_client).transcribed == 1


def test_one_unreadable_record_fails_its_call_with_a_reason_and_the_rest_are_stored(corpus, simulator, gong_client):
    bad, *good = corpus_ids(corpus, kind="regular")[:4]
    original = corpus.transcripts[bad]
    corpus.transcripts[bad] = {**original, "transcript": [{"speakerId": "1", "sentences": [{"start": "soon"}]}]}
    try:
        deliver(corpus, [bad, *good])
        report = calls_fetch_pending(client=gong_client)
    finally:
        corpus.transcripts[bad] = original
    assert (report.transcribed, report.failed) == (3, 1)
    failed = Call.objects.get(pk=bad)
    assert failed.status == CallStatus.FAILED and "Gong returned a record we cannot read" in failed.status_reason
    assert set(Call.objects.filter(pk__in=good).values_list("status", flat=True)) == {CallStatus.TRANSCRIBED}
    assert transcript_requests(simulator) == 1
