"""/metrics after real webhook requests: the counters move by exactly what was sent."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from gong.auth import hmac_signature
from tests.factories.gong import CallFactory

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "gong" / "call_processed.json"
SECRET = "ops-metrics-test-secret"


def _body(call_id: str) -> bytes:
    payload = copy.deepcopy(json.loads(FIXTURE.read_text()))
    payload["callData"]["metaData"]["id"] = call_id
    return json.dumps(payload).encode()


def _value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _post(client, body: bytes, *, signed: bool = True):
    headers = {"HTTP_X_GONG_SIGNATURE": hmac_signature(body=body, secret=SECRET)} if signed else {}
    return client.post("/webhooks/gong/", body, content_type="application/json", **headers)


def test_metrics_count_webhooks_by_result_and_time_them(client, settings):
    settings.GONG_WEBHOOK_HMAC_SECRET = SECRET
    settings.GONG_WEBHOOK_PUBLIC_KEY = []
    settings.GONG_WEBHOOK_URL_KEY = ""
    before = {r: _value("callcoach_webhooks_total", result=r) for r in ("accepted", "duplicate", "401")}
    latency_before = _value("callcoach_webhook_latency_seconds_count")
    statuses = [
        _post(client, _body("7100000000000000001")).status_code,
        _post(client, _body("7100000000000000002")).status_code,
        _post(client, _body("7100000000000000001")).status_code,
        _post(client, _body("7100000000000000003"), signed=False).status_code,
    ]
    assert statuses == [202, 202, 202, 401]
    after = {r: _value("callcoach_webhooks_total", result=r) for r in before}
    assert {r: after[r] - before[r] for r in before} == {"accepted": 2, "duplicate": 1, "401": 1}
    assert _value("callcoach_webhook_latency_seconds_count") - latency_before >= 3
    body = client.get("/metrics").content.decode()
    assert 'callcoach_webhooks_total{result="accepted"}' in body


def test_metrics_show_calls_by_status_from_the_database(client):
    CallFactory.create_batch(2, pending=True)
    body = client.get("/metrics").content.decode()
    assert 'callcoach_calls{status="pending"} 2.0' in body
