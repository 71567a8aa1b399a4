"""Webhooks as Gong signs them, the sender, and the `gong_simulator` command."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import stat
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from django.core.management import CommandError, call_command

from gong.simulator.corpus import corpus_build, gold_read
from gong.simulator.webhooks import (
    dev_keypair_ensure,
    webhook_body,
    webhook_hmac_signature,
    webhook_jwt,
    webhook_url_with_key,
    webhooks_fire,
)

WEEK = datetime.date(2025, 1, 6)
ONE_EACH = {"internal_calls": 1, "private_calls": 1}


@pytest.fixture(scope="module")
def corpus():
    return corpus_build(seed=7, week_start=WEEK, calls=12, long_calls=0, late_calls=1)


def public_key(public_b64: str):
    return serialization.load_der_public_key(base64.b64decode(public_b64))


class Receiver:
    """A local HTTP endpoint that records every delivery and answers 202."""

    def __init__(self):
        self.deliveries: list[tuple[dict[str, str], bytes]] = []
        lock = threading.Lock()
        deliveries = self.deliveries

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with lock:
                    deliveries.append((dict(self.headers), body))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/webhooks/gong/?tenant=lumina"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


def test_dev_keypair_is_created_once_with_a_private_key_only_the_owner_can_read(tmp_path):
    keys = dev_keypair_ensure(tmp_path / "demo")
    again = dev_keypair_ensure(tmp_path / "demo")
    assert again == keys
    private_file = tmp_path / "demo" / "gong_webhook_private.pem"
    assert stat.S_IMODE(private_file.stat().st_mode) == 0o600
    assert public_key(keys.public_b64).key_size == 2048


def test_webhook_body_is_gongs_payload(corpus):
    record = corpus.calls[0]
    payload = json.loads(webhook_body(record))
    assert payload["isTest"] is False
    assert payload["callData"]["metaData"] == record["metaData"]
    assert payload["callData"]["parties"] == record["parties"]
    assert json.loads(webhook_body(record, is_test=True))["isTest"] is True


def test_jwt_verifies_against_the_public_key_and_pins_the_body(corpus, tmp_path):
    keys = dev_keypair_ensure(tmp_path)
    body = webhook_body(corpus.calls[0])
    url = "https://callcoach.example.com/webhooks/gong/?tenant=lumina"
    token = webhook_jwt(body, private_pem=keys.private_pem, webhook_url=url)
    claims = jwt.decode(token, public_key(keys.public_b64), algorithms=["RS256"])
    assert claims["body_sha256"] == hashlib.sha256(body).hexdigest()
    assert claims["webhook_url"] == url
    assert claims["exp"] - claims["iat"] == 300
    assert jwt.get_unverified_header(token) == {"alg": "RS256"}
    assert claims["body_sha256"] != hashlib.sha256(body + b" ").hexdigest()


def test_expired_jwt_is_rejected_by_a_verifier(corpus, tmp_path):
    keys = dev_keypair_ensure(tmp_path)
    body = webhook_body(corpus.calls[0])
    old = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    token = webhook_jwt(body, private_pem=keys.private_pem, webhook_url="https://x.example/", now=old)
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(token, public_key(keys.public_b64), algorithms=["RS256"])


def test_url_key_and_hmac_helpers():
    assert (
        webhook_url_with_key("https://a.example/hook/?tenant=t", "s3cret")
        == "https://a.example/hook/?tenant=t&key=s3cret"
    )
    assert webhook_hmac_signature(b"{}", "k") == "sha256=" + hmac.new(b"k", b"{}", "sha256").hexdigest()


def test_fire_posts_every_call_signed_and_resends_duplicates(corpus, tmp_path, receiver):
    keys = dev_keypair_ensure(tmp_path)
    stats = webhooks_fire(corpus, url=receiver.url, private_pem=keys.private_pem, duplicate_rate=0.5)
    assert stats.by_status == {202: stats.sent}
    assert stats.sent == len(corpus.calls) + stats.duplicates and stats.duplicates > 0
    call_ids = [json.loads(body)["callData"]["metaData"]["id"] for _, body in receiver.deliveries]
    assert sorted(set(call_ids)) == sorted(corpus.call_ids())
    for headers, body in receiver.deliveries:
        claims = jwt.decode(headers["Authorization"], public_key(keys.public_b64), algorithms=["RS256"])
        assert claims["body_sha256"] == hashlib.sha256(body).hexdigest()
        assert claims["webhook_url"] == receiver.url


def test_fire_can_send_bearer_tokens_and_hmac_for_a_subset(corpus, tmp_path, receiver):
    keys = dev_keypair_ensure(tmp_path)
    wanted = corpus.call_ids()[:3]
    stats = webhooks_fire(
        corpus, url=receiver.url, private_pem=keys.private_pem, duplicate_rate=0.0, call_ids=wanted,
        bearer=True, hmac_secret="shh",
    )  # fmt: skip
    assert stats.sent == 3
    for headers, body in receiver.deliveries:
        assert headers["Authorization"].startswith("Bearer ")
        assert headers["X-Gong-Signature"] == webhook_hmac_signature(body, "shh")


def test_fire_reports_unreachable_receivers_instead_of_raising(corpus):
    stats = webhooks_fire(corpus, url="http://127.0.0.1:9/", private_pem=None, call_ids=corpus.call_ids()[:2],
                          duplicate_rate=0.0, timeout_s=2)  # fmt: skip
    assert stats.by_status == {0: 2} and stats.errors


def test_command_writes_gold_labels(tmp_path, capsys):
    path = tmp_path / "gold.json"
    call_command("gong_simulator", "--gold", str(path), "--week", "2025-W02", "--calls", "10")
    gold = gold_read(path)
    assert gold == corpus_build(seed=7, week_start=WEEK, calls=10, long_calls=0, late_calls=1, **ONE_EACH).gold
    assert "gold labels" in capsys.readouterr().out


def test_command_fires_at_a_running_receiver(tmp_path, receiver, capsys):
    call_command("gong_simulator", "--fire", receiver.url, "--calls", "8", "--week", "2025-W02",
                 "--duplicate-rate", "0", "--keys-dir", str(tmp_path))  # fmt: skip
    assert len(receiver.deliveries) == 8
    assert "sent 8 webhooks" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args",
    [["--week", "2025-02"], ["--week", "2025-W60"], ["--fault-rate", "2"], ["--fire", "not-a-url"], ["--calls", "0"]],
)
def test_command_rejects_bad_arguments_with_a_one_line_error(args, tmp_path):
    with pytest.raises(CommandError):
        call_command("gong_simulator", "--gold", str(tmp_path / "g.json"), *args)
