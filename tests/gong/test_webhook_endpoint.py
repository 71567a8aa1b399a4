"""What the webhook endpoint stores and answers: accepted, duplicate, 400/405/413, and the enqueue on commit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gong.models import Call, CallStatus, WebhookEvent
from tests.gong.conftest import WEBHOOK_PATH, fixture_body, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliver(client, jwt_settings, gong_keys):
    def _deliver(body: bytes, **extra):
        return client.post(
            WEBHOOK_PATH, data=body, content_type="application/json", headers={"Authorization": sign(body, gong_keys)}
        )

    return _deliver


def test_accepted_webhook_stores_the_delivery_and_a_pending_call(deliver):
    body = fixture_body("call_processed.json")
    assert deliver(body).status_code == 202
    call = Call.objects.get(pk="5599332235511222779")
    assert (call.status, call.source, call.title) == (CallStatus.PENDING, "webhook", "Acme / Lumina - Discovery")
    assert (call.account_name, call.opportunity_stage) == ("Acme", "Discovery")
    assert call.opportunity_amount == Decimal("50000")
    assert call.call_type == "discovery"
    assert call.duration_s == 2159 and call.started.isoformat().startswith("2026-11-16T21:03:37")
    assert [p["name"] for p in call.metadata["parties"]] == ["Deshon White", "Jennifer Band"]
    event = WebhookEvent.objects.get()
    assert event.raw_body.encode() == body and event.status == "accepted" and event.call_id == call.id


def test_duplicate_webhook_creates_one_call_and_one_enqueue(deliver, django_capture_on_commit_callbacks):
    body = fixture_body("call_processed.json")
    with django_capture_on_commit_callbacks() as callbacks:
        first = deliver(body)
        second = deliver(body)
    assert first.json()["status"] == "accepted"
    assert second.status_code == 202
    assert second.json() == {"status": "duplicate", "call_id": "5599332235511222779"}
    assert Call.objects.count() == 1
    assert sorted(WebhookEvent.objects.values_list("status", flat=True)) == ["accepted", "duplicate"]
    assert len(callbacks) == 1


def test_webhook_for_a_call_the_poller_already_found_is_a_duplicate(deliver):
    Call.objects.create(id="5599332235511222779", source="poll")
    assert deliver(fixture_body("call_processed.json")).json()["status"] == "duplicate"
    assert Call.objects.get().source == "poll"


def test_test_delivery_is_flagged(deliver):
    assert deliver(fixture_body("test_delivery.json")).status_code == 202
    assert Call.objects.get().is_test and WebhookEvent.objects.get().is_test


def test_unknown_fields_are_ignored(deliver):
    assert deliver(fixture_body("unknown_fields.json")).json()["status"] == "accepted"


def test_private_call_is_stored_as_private(deliver):
    deliver(fixture_body("private_call.json"))
    assert Call.objects.get().is_private


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "callData.metaData is missing"),
        (fixture_body("not_a_call.json"), "callData.metaData is missing"),
        (fixture_body("numeric_call_id.json"), "string of 1-20 digits"),
        (fixture_body("call_processed.json").decode().encode("utf-16"), "not UTF-8"),
        (fixture_body("call_processed.json").decode().encode("utf-32-le"), "not valid JSON"),
    ],
)
def test_bodies_that_are_not_gong_calls_get_400(deliver, body, fragment):
    response = deliver(body)
    assert response.status_code == 400
    assert fragment in response.json()["error"]
    assert not WebhookEvent.objects.exists()


def test_other_methods_get_405_json(client, jwt_settings):
    response = client.get(WEBHOOK_PATH)
    assert response.status_code == 405
    assert response.json() == {"error": "Method not allowed: use POST"}
    assert response["Allow"] == "POST"


def test_declared_content_length_over_the_limit_gets_413_before_auth(client, jwt_settings):
    jwt_settings.GONG_WEBHOOK_MAX_BYTES = 1000
    response = client.post(WEBHOOK_PATH, data=b"x" * 1001, content_type="application/json")
    assert response.status_code == 413
    assert "1000 bytes" in response.json()["error"]


def test_body_longer_than_its_content_length_claims_is_cut_at_the_limit(rf, jwt_settings):
    from io import BytesIO

    from gong.views import gong_webhook

    jwt_settings.GONG_WEBHOOK_MAX_BYTES = 1000
    request = rf.post(WEBHOOK_PATH, data=b"", content_type="application/json")
    request.META.pop("CONTENT_LENGTH", None)
    request.META["HTTP_TRANSFER_ENCODING"] = "chunked"
    request.META["wsgi.input"] = BytesIO(b"x" * 50_000)
    response = gong_webhook(request)
    assert response.status_code == 413
