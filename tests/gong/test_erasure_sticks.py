"""Erasure sticks: a re-sent webhook, the poll, the fetch, the users and scorecards syncs store nothing of an erased
call or person — until the tombstone is lifted. Tombstones hold keyed digests only, never the subject."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from prometheus_client import REGISTRY

from coaching.services.erasure import erasure_run
from core.models import ErasureAction, ErasureRecord, ErasureTombstone
from core.tombstones import erased_among, subject_digest
from gong.models import AnsweredScorecard, Call, CallParticipant, CallStatus, GongUser, Transcript, WebhookEvent
from gong.services import calls_fetch_pending, gong_sync, users_sync
from gong.services.scorecards import scorecards_sync
from gong.simulator.webhooks import webhook_body
from tests.factories.gong import CallFactory
from tests.gong.conftest import WEBHOOK_PATH, corpus_ids, sign

pytestmark = pytest.mark.django_db


def _week(corpus) -> tuple[datetime, datetime]:
    start = datetime.combine(corpus.week_start, datetime.min.time(), tzinfo=UTC)
    return start, start + timedelta(days=7)


def _skipped(path: str, kind: str = "call") -> float:
    return REGISTRY.get_sample_value("callcoach_erased_skipped_total", {"path": path, "kind": kind}) or 0.0


def _nothing_stored_of(call_id: str) -> None:
    assert not Call.objects.filter(pk=call_id).exists()
    assert not CallParticipant.objects.filter(call_id=call_id).exists()
    assert not Transcript.objects.filter(call_id=call_id).exists()
    assert not WebhookEvent.objects.filter(call_id=call_id).exists()
    assert not WebhookEvent.objects.filter(raw_body__contains=call_id).exists()


@pytest.fixture
def deliver(client, jwt_settings, gong_keys, gong_settings):
    def _deliver(body: bytes):
        headers = {"Authorization": sign(body, gong_keys)}
        return client.post(WEBHOOK_PATH, data=body, content_type="application/json", headers=headers)

    return _deliver


def test_an_erased_call_stays_erased_when_its_webhook_is_resent_and_the_poll_runs(corpus, gong_client, deliver):
    erased, kept = corpus_ids(corpus, kind="regular")[:2]
    body = webhook_body(corpus.call(erased))
    assert deliver(body).json()["status"] == "accepted"
    calls_fetch_pending(client=gong_client, debounce=False)
    assert Call.objects.get(pk=erased).status == CallStatus.TRANSCRIBED
    erasure_run(call_id=erased, actor="test", via="command")
    webhook_before, poll_before = _skipped("webhook"), _skipped("poll")

    resent = deliver(body)
    since, until = _week(corpus)
    report = gong_sync(since=since, until=until, client=gong_client)

    assert resent.status_code == 202 and resent.json() == {"status": "duplicate", "call_id": erased}
    assert report.erased == 1 and report.new == len(corpus.calls) - 1
    _nothing_stored_of(erased)
    assert Call.objects.get(pk=kept).status == CallStatus.TRANSCRIBED  # the rest of the week came in
    assert (_skipped("webhook") - webhook_before, _skipped("poll") - poll_before) == (1, 1)
    assert "erased=1" in report.summary()


def test_a_call_erased_before_it_arrives_is_never_stored(corpus, gong_client, deliver):
    call_id = corpus_ids(corpus, kind="regular")[0]
    outcome = erasure_run(call_id=call_id, actor="test", via="command")
    assert outcome.tombstoned == 1 and outcome.total == 0

    assert deliver(webhook_body(corpus.call(call_id))).json()["status"] == "duplicate"

    _nothing_stored_of(call_id)


def test_a_call_that_slipped_in_past_its_erasure_is_removed_by_the_fetch_never_fetched(corpus, gong_client, simulator):
    call_id, other = corpus_ids(corpus, kind="regular")[:2]
    erasure_run(call_id=call_id, actor="test", via="command")
    # A webhook that raced the erasure: its row was inserted before the tombstone was committed.
    CallFactory(id=call_id, status=CallStatus.PENDING, metadata={})
    WebhookEvent.objects.create(received_at=datetime.now(UTC), auth_method="jwt", body_sha256="0" * 64,
                                call_id=call_id, status="accepted", raw_body="{}")  # fmt: skip
    CallFactory(id=other, status=CallStatus.PENDING, metadata={})
    before = _skipped("fetch")

    report = calls_fetch_pending(client=gong_client, debounce=False)

    assert report.erased == 1 and report.transcribed == 1
    _nothing_stored_of(call_id)
    assert _skipped("fetch") - before == 1
    assert call_id not in str(simulator.stats())  # no Gong request named it (the request log has no bodies)


def _person(corpus) -> dict:
    """A rep with calls this week: the primary user of the first regular call."""
    first = corpus.call(corpus_ids(corpus, kind="regular")[0])
    return next(u for u in corpus.users if u["id"] == first["metaData"]["primaryUserId"])


def test_an_erased_person_is_not_recreated_by_the_users_sync(corpus, gong_client):
    person = _person(corpus)
    users_sync(client=gong_client)
    erasure_run(email=person["emailAddress"].upper(), actor="test", via="command")
    before = _skipped("users_sync", "gong_user")

    report = users_sync(client=gong_client)

    row = GongUser.objects.get(pk=person["id"])
    assert row.email.endswith("@erased.invalid") and (row.first_name, row.title, row.raw) == ("", "", {})
    assert not GongUser.objects.filter(email__iexact=person["emailAddress"]).exists()
    assert report.erased == 1 and report.updated == len(corpus.users) - 1
    assert _skipped("users_sync", "gong_user") - before == 1


def test_a_person_erased_before_the_first_users_sync_is_never_created(corpus, gong_client):
    person = _person(corpus)
    erasure_run(email=person["emailAddress"], actor="test", via="command")

    report = users_sync(client=gong_client)

    assert report.created == len(corpus.users) - 1 and report.erased == 1
    assert not GongUser.objects.filter(pk=person["id"]).exists()
    assert not GongUser.objects.filter(email__iexact=person["emailAddress"]).exists()


def test_scorecards_of_an_erased_call_are_not_synced_again(corpus, gong_client, simulator):
    users_sync(client=gong_client)
    window = {"review_from": corpus.week_start - timedelta(days=1), "review_to": corpus.week_start + timedelta(14)}
    first = scorecards_sync(client=gong_client, **window)
    stored = AnsweredScorecard.objects.values_list("call_id", flat=True)
    if not stored:
        pytest.skip("this corpus serves no scorecard a person answered")
    call_id = stored[0]
    n_erased = AnsweredScorecard.objects.filter(call_id=call_id).count()
    erasure_run(call_id=call_id, actor="test", via="command")

    again = scorecards_sync(client=gong_client, **window)

    assert not AnsweredScorecard.objects.filter(call_id=call_id).exists()
    served = sum(1 for card in simulator.api.scorecards.answered if card["callId"] == call_id)  # AI ones too
    assert again.skipped["erased"] == served >= n_erased and again.stored == first.stored - n_erased


def test_tombstones_hold_keyed_digests_never_the_subject(corpus, gong_client, settings):
    person = _person(corpus)
    call_id = corpus_ids(corpus, kind="regular")[0]
    users_sync(client=gong_client)
    erasure_run(call_id=call_id, actor="test", via="command")
    erasure_run(email=person["emailAddress"], actor="test", via="command")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t::text FROM core_erasure_tombstone t UNION ALL SELECT r::text FROM core_erasure_record r"
        )
        dump = " ".join(row[0] for row in cursor.fetchall()).lower()
    for subject in (call_id, person["emailAddress"].lower(), person["id"]):
        assert subject not in dump
        assert hashlib.sha256(subject.encode()).hexdigest() not in dump  # keyed: not a plain hash anyone can compute
        assert hashlib.sha256(f"call:{subject}".encode()).hexdigest() not in dump
    kinds = sorted(ErasureTombstone.objects.values_list("kind", flat=True))
    assert kinds.count("person") == 1 and kinds.count("gong_user") == 1 and "call" in kinds
    assert ErasureTombstone.objects.filter(subject_digest=subject_digest(kind="call", subject=call_id)).exists()

    old_key, settings.SECRET_KEY = settings.SECRET_KEY, "a-rotated-secret-key-for-this-test-only"
    assert erased_among(kind="call", subjects=[call_id]) == set()  # another key, another digest
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert erased_among(kind="call", subjects=[call_id]) == {call_id}  # the old key as a fallback keeps it erased
    settings.SECRET_KEY_FALLBACKS = []  # the rotation ends (Django: drop old keys after a while, a leaked one now)
    assert erased_among(kind="call", subjects=[call_id]) == {call_id}  # seen under the fallback: re-keyed then


def _not_of(corpus, person: dict) -> str:
    """A regular call the person took no part in."""
    return next(
        cid
        for cid in corpus_ids(corpus, kind="regular")
        if person["id"] not in {p.get("userId") for p in corpus.call(cid)["parties"]}
        and corpus.call(cid)["metaData"]["primaryUserId"] != person["id"]
    )


def test_lifting_a_tombstone_lets_the_call_and_the_person_come_back(corpus, gong_client, deliver):
    person = _person(corpus)
    since, until = _week(corpus)
    users_sync(client=gong_client)
    gong_sync(since=since, until=until, client=gong_client)
    call_id = _not_of(corpus, person)
    erasure_run(call_id=call_id, actor="test", via="command")
    erased = erasure_run(email=person["emailAddress"], actor="test", via="command")
    assert erased.counts["calls"] >= 1 and erased.tombstoned == erased.counts["calls"] + 2  # + email, Gong user
    assert gong_sync(since=since, until=until, client=gong_client).new == 0

    out = StringIO()
    call_command("erase", "--lift", "--call", call_id, "--by", "privacy ticket 9", stdout=out)
    call_command("erase", "--lift", "--email", person["emailAddress"], stdout=out)
    call_command("erase", "--lift", "--call", call_id, stdout=out)  # again: nothing left to lift

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("lifted: 1 tombstone(s)")
    assert lines[2] == "lifted: nothing (no erasure of it is in force)"
    assert lines[1].startswith(f"lifted: {erased.tombstoned} tombstone(s)")
    assert not ErasureTombstone.objects.exists()
    assert deliver(webhook_body(corpus.call(call_id))).json()["status"] == "accepted"
    assert gong_sync(since=since, until=until, client=gong_client, fetch=False).new == erased.counts["calls"]
    users_sync(client=gong_client)
    assert GongUser.objects.get(pk=person["id"]).email.lower() == person["emailAddress"].lower()
    lifts = ErasureRecord.objects.filter(action=ErasureAction.LIFT)
    assert sorted(lifts.values_list("kind", flat=True)) == ["call", "person"]
    assert lifts.get(kind="call").actor == "privacy ticket 9"


def _customer_on(corpus, call_id: str) -> str:
    return next(
        p["emailAddress"] for p in corpus.call(call_id)["parties"] if p.get("emailAddress") and not p.get("userId")
    )


def test_a_call_from_before_a_persons_erasure_is_not_stored_when_gong_sends_it_later(corpus, gong_client):
    """Erasing a person erases every call they were on; a call of theirs from before the erasure that Gong sends
    only afterwards (the poll lists it) is no exception: found to name them, removed and tombstoned under their
    erasure — never stored. (Their calls recorded after the erasure are new calls: stored as usual.)"""
    users_sync(client=gong_client)
    rep = _person(corpus)
    theirs = {
        cid
        for cid in corpus_ids(corpus, kind="regular")
        if rep["id"] in {p.get("userId") for p in corpus.call(cid)["parties"]}
        or corpus.call(cid)["metaData"]["primaryUserId"] == rep["id"]
    }
    erasure_run(email=rep["emailAddress"], actor="test", via="command")  # before their calls came in
    since, until = _week(corpus)
    before = _skipped("fetch", "person")

    gong_sync(since=since, until=until, client=gong_client)

    assert theirs and not Call.objects.filter(pk__in=theirs).exists()
    assert not CallParticipant.objects.filter(email__iexact=rep["emailAddress"]).exists()
    assert erased_among(kind="call", subjects=theirs) == theirs  # tombstoned: the next poll skips them at once
    assert _skipped("fetch", "person") - before >= len(theirs)  # (and any other call naming them)
    assert Call.objects.exclude(pk__in=theirs).exists()  # everyone else's calls came in


def test_a_call_an_erased_person_takes_part_in_after_the_erasure_is_stored(corpus, gong_client):
    users_sync(client=gong_client)
    rep = _person(corpus)
    erasure_run(email=rep["emailAddress"], actor="test", via="command")
    since, until = _week(corpus)
    ErasureTombstone.objects.update(created_at=since - timedelta(days=1))  # erased before the week's calls
    report = gong_sync(since=since, until=until, client=gong_client)
    assert report.erased == 0 and report.new == len(corpus.calls)


def test_lifting_one_erasure_does_not_let_back_a_call_another_erasure_covers(corpus, gong_client, deliver):
    """A call erased on its own, then a customer who was on it, then the rep: lifting the rep, or the call's own
    erasure, must not let the call — with the customer's words — come back; lifting the customer too does."""
    rep = _person(corpus)
    shared = corpus_ids(corpus, kind="regular")[0]
    customer = _customer_on(corpus, shared)
    since, until = _week(corpus)
    users_sync(client=gong_client)
    gong_sync(since=since, until=until, client=gong_client)
    erasure_run(call_id=shared, actor="test", via="command")
    erasure_run(email=customer, actor="test", via="command")
    erasure_run(email=rep["emailAddress"], actor="test", via="command")
    body = webhook_body(corpus.call(shared))

    call_command("erase", "--lift", "--email", rep["emailAddress"], stdout=StringIO())
    call_command("erase", "--lift", "--call", shared, stdout=StringIO())
    deliver(body)
    calls_fetch_pending(client=gong_client, debounce=False)

    _nothing_stored_of(shared)
    assert erased_among(kind="call", subjects=[shared]) == {shared}  # blocked again, under the customer's erasure
    call_command("erase", "--lift", "--email", customer, stdout=StringIO())
    assert deliver(body).json()["status"] == "accepted"
    calls_fetch_pending(client=gong_client, debounce=False)
    assert Call.objects.get(pk=shared).status == CallStatus.TRANSCRIBED
