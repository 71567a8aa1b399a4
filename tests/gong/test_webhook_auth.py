"""Every way a webhook authenticates, and every way it fails to (nothing is stored on failure)."""

from __future__ import annotations

import hashlib
import hmac
import time

import pytest

from gong.models import Call, WebhookEvent
from tests.gong.conftest import PUBLIC_URL, WEBHOOK_PATH, fixture_body, sign, unsigned_token

pytestmark = pytest.mark.django_db

BODY = fixture_body("call_processed.json")


def post(client, body: bytes = BODY, path: str = WEBHOOK_PATH, **headers):
    return client.post(path, data=body, content_type="application/json", headers=headers)


def assert_rejected(response, fragment: str) -> None:
    assert response.status_code == 401, response.content
    assert fragment in response.json()["error"]
    assert not Call.objects.exists()
    assert not WebhookEvent.objects.exists()


def test_bare_jwt_in_authorization_is_accepted(client, jwt_settings, gong_keys):
    response = post(client, Authorization=sign(BODY, gong_keys))
    assert response.status_code == 202
    assert response.json() == {"status": "accepted", "call_id": "5599332235511222779"}
    assert WebhookEvent.objects.get().auth_method == "jwt"


def test_bearer_jwt_is_accepted(client, jwt_settings, gong_keys):
    response = post(client, Authorization="Bearer " + sign(BODY, gong_keys))
    assert response.status_code == 202


def test_pem_public_key_is_accepted(client, jwt_settings, gong_keys):
    jwt_settings.GONG_WEBHOOK_PUBLIC_KEY = [gong_keys.public_pem]
    assert post(client, Authorization=sign(BODY, gong_keys)).status_code == 202


def test_any_of_several_rule_keys_verifies(client, jwt_settings, gong_keys, other_keys):
    jwt_settings.GONG_WEBHOOK_PUBLIC_KEY = [other_keys.public_b64, gong_keys.public_pem]
    assert post(client, Authorization=sign(BODY, gong_keys)).status_code == 202


def test_token_signed_by_another_key_is_rejected(client, jwt_settings, other_keys):
    assert_rejected(post(client, Authorization=sign(BODY, other_keys)), "does not verify")


def test_expired_token_is_rejected(client, jwt_settings, gong_keys):
    assert_rejected(post(client, Authorization=sign(BODY, gong_keys, exp_in=-120)), "expired")


def test_token_expired_within_the_leeway_is_accepted(client, jwt_settings, gong_keys):
    assert post(client, Authorization=sign(BODY, gong_keys, exp_in=-5)).status_code == 202


def test_token_without_exp_is_rejected(client, jwt_settings, gong_keys):
    assert_rejected(post(client, Authorization=sign(BODY, gong_keys, exp=None)), "'exp'")


def test_body_changed_by_one_byte_is_rejected(client, jwt_settings, gong_keys):
    token = sign(BODY, gong_keys)
    assert_rejected(post(client, BODY + b" ", Authorization=token), "body_sha256")


def test_token_for_another_webhook_url_is_rejected(client, jwt_settings, gong_keys):
    token = sign(BODY, gong_keys, url="https://attacker.example/webhooks/gong/")
    assert_rejected(post(client, Authorization=token), "webhook_url")


def test_webhook_url_matches_ignoring_host_case_and_trailing_slash(client, jwt_settings, gong_keys):
    token = sign(BODY, gong_keys, url="https://CallCoach.example.com/webhooks/gong")
    assert post(client, Authorization=token).status_code == 202


def test_webhook_url_is_not_checked_when_no_public_url_is_configured(client, jwt_settings, gong_keys):
    jwt_settings.GONG_WEBHOOK_PUBLIC_URL = ""
    token = sign(BODY, gong_keys, url="https://anywhere.example/hook")
    assert post(client, Authorization=token).status_code == 202


def test_missing_authorization_header_is_rejected(client, jwt_settings):
    assert_rejected(post(client), "Missing credentials")


def test_alg_none_token_is_rejected(client, jwt_settings):
    claims = {"webhook_url": PUBLIC_URL, "body_sha256": hashlib.sha256(BODY).hexdigest(), "exp": time.time() + 60}
    token = unsigned_token({"alg": "none", "typ": "JWT"}, claims)
    assert_rejected(post(client, Authorization=token), "RS256")


def test_hs256_token_signed_with_the_public_key_is_rejected(client, jwt_settings, gong_keys):
    claims = {"webhook_url": PUBLIC_URL, "body_sha256": hashlib.sha256(BODY).hexdigest(), "exp": time.time() + 60}
    header = {"alg": "HS256", "typ": "JWT"}
    unsigned = unsigned_token(header, claims).rsplit(".", 1)[0]
    for secret in (gong_keys.public_pem.encode(), gong_keys.public_b64.encode()):
        signature = hmac.new(secret, unsigned.encode(), hashlib.sha256).digest()
        assert_rejected(post(client, Authorization=unsigned_token(header, claims, signature)), "RS256")


def test_garbage_token_is_rejected(client, jwt_settings):
    assert_rejected(post(client, Authorization="Bearer not.a.jwt"), "JWT is invalid")


def test_url_key_is_accepted(client, settings):
    settings.GONG_WEBHOOK_PUBLIC_KEY = []
    settings.GONG_WEBHOOK_URL_KEY = "s3cret-url-key"
    response = post(client, path=WEBHOOK_PATH + "?key=s3cret-url-key")
    assert response.status_code == 202
    assert WebhookEvent.objects.get().auth_method == "url_key"


def test_wrong_url_key_is_rejected_without_echoing_the_secret(client, settings):
    settings.GONG_WEBHOOK_PUBLIC_KEY = []
    settings.GONG_WEBHOOK_URL_KEY = "s3cret-url-key"
    response = post(client, path=WEBHOOK_PATH + "?key=s3cret-url-kez")
    assert_rejected(response, "URL key is wrong")
    assert b"s3cret" not in response.content


def test_hmac_signature_is_accepted(client, settings):
    settings.GONG_WEBHOOK_PUBLIC_KEY = []
    settings.GONG_WEBHOOK_HMAC_SECRET = "hmac-secret"
    signature = "sha256=" + hmac.new(b"hmac-secret", BODY, hashlib.sha256).hexdigest()
    response = post(client, **{"X-Gong-Signature": signature})
    assert response.status_code == 202
    assert WebhookEvent.objects.get().auth_method == "hmac"


def test_hmac_signature_over_another_body_is_rejected(client, settings):
    settings.GONG_WEBHOOK_PUBLIC_KEY = []
    settings.GONG_WEBHOOK_HMAC_SECRET = "hmac-secret"
    signature = "sha256=" + hmac.new(b"hmac-secret", BODY + b"\n", hashlib.sha256).hexdigest()
    assert_rejected(post(client, **{"X-Gong-Signature": signature}), "X-Gong-Signature")


def test_no_configured_method_refuses_with_503_naming_the_settings(client, settings):
    settings.GONG_WEBHOOK_PUBLIC_KEY = []
    settings.GONG_WEBHOOK_URL_KEY = ""
    settings.GONG_WEBHOOK_HMAC_SECRET = ""
    response = post(client)
    assert response.status_code == 503
    assert "GONG_WEBHOOK_PUBLIC_KEY" in response.json()["error"]
    assert not WebhookEvent.objects.exists()


def test_an_unreadable_public_key_is_a_503_that_names_the_setting_and_a_start_up_error(client, settings):
    from gong.checks import webhook_keys_check

    settings.GONG_WEBHOOK_PUBLIC_KEY = ["MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"]  # cut short when pasted
    response = post(client)
    assert response.status_code == 503
    assert "GONG_WEBHOOK_PUBLIC_KEY" in response.json()["error"]
    assert not WebhookEvent.objects.exists()
    assert [error.id for error in webhook_keys_check()] == ["gong.E001"]
