"""The webhook as a DRF view keeps the plain view's contract where DRF would otherwise differ: any Accept and any
Content-Type, OPTIONS refused, one method failing while the next verifies, and the first failure reported."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from gong.models import WebhookEvent
from tests.gong.conftest import WEBHOOK_PATH, fixture_body, sign

pytestmark = pytest.mark.django_db

BODY = fixture_body("call_processed.json")


def test_a_sender_that_accepts_only_html_still_gets_json_not_406(client, jwt_settings, gong_keys):
    response = client.post(
        WEBHOOK_PATH, data=BODY, content_type="application/json",
        headers={"Authorization": sign(BODY, gong_keys), "Accept": "text/html"},
    )  # fmt: skip
    assert response.status_code == 202
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "accepted"


@pytest.mark.parametrize("content_type", ["text/plain", "application/octet-stream", ""])
def test_a_json_body_under_another_content_type_is_still_read_not_415(client, jwt_settings, gong_keys, content_type):
    response = client.generic(
        "POST", WEBHOOK_PATH, data=BODY, content_type=content_type, headers={"Authorization": sign(BODY, gong_keys)}
    )
    assert response.status_code == 202
    assert WebhookEvent.objects.get().raw_body.encode() == BODY


def test_options_is_refused_like_any_other_method(client, jwt_settings):
    response = client.options(WEBHOOK_PATH)
    assert response.status_code == 405
    assert response.json() == {"error": "Method not allowed: use POST"}


def test_a_failed_jwt_does_not_stop_a_valid_hmac_signature(client, settings, other_keys, gong_keys):
    settings.GONG_WEBHOOK_PUBLIC_KEY = [gong_keys.public_b64]
    settings.GONG_WEBHOOK_HMAC_SECRET = "hmac-secret"
    signature = "sha256=" + hmac.new(b"hmac-secret", BODY, hashlib.sha256).hexdigest()
    response = client.post(
        WEBHOOK_PATH, data=BODY, content_type="application/json",
        headers={"Authorization": sign(BODY, other_keys), "X-Gong-Signature": signature},
    )  # fmt: skip
    assert response.status_code == 202
    assert WebhookEvent.objects.get().auth_method == "hmac"


def test_when_every_presented_method_fails_the_first_failure_is_reported(client, settings, other_keys, gong_keys):
    settings.GONG_WEBHOOK_PUBLIC_KEY = [gong_keys.public_b64]
    settings.GONG_WEBHOOK_URL_KEY = "url-key"
    response = client.post(
        WEBHOOK_PATH + "?key=wrong", data=BODY, content_type="application/json",
        headers={"Authorization": sign(BODY, other_keys)},
    )  # fmt: skip
    assert response.status_code == 401
    assert "does not verify" in response.json()["error"]
    assert response["WWW-Authenticate"] == "Bearer"
    assert not WebhookEvent.objects.exists()
