"""GET /metrics: Prometheus text, guarded by token or network."""

from __future__ import annotations

import pytest

from core.metrics import WEBHOOKS

pytestmark = pytest.mark.django_db


def test_metrics_from_loopback_show_counters_and_database_gauges(client):
    WEBHOOKS.labels(result="accepted").inc()
    response = client.get("/metrics")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'callcoach_webhooks_total{result="accepted"}' in body
    assert "callcoach_queue_depth" in body
    assert "# TYPE callcoach_calls gauge" in body


def test_metrics_refuse_other_networks_without_token(client, settings):
    settings.METRICS_TOKEN = ""
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403
    assert "METRICS_TOKEN" in response.json()["error"]


def test_metrics_accept_the_bearer_token_from_anywhere(client, settings):
    settings.METRICS_TOKEN = "s3cret-metrics"
    wrong = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer nope")
    right = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-metrics")
    assert wrong.status_code == 403
    assert right.status_code == 200


def test_metrics_relayed_by_a_local_proxy_need_the_token(client, settings):
    settings.METRICS_TOKEN = "s3cret-metrics"
    proxied = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert client.get("/metrics", **proxied).status_code == 403
    assert client.get("/metrics", **proxied, HTTP_AUTHORIZATION="Bearer s3cret-metrics").status_code == 200
