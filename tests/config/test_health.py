import pytest

from config import health

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_queue(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["queue"]["backlog"] == 0 and body["queue"]["over_threshold"] is False


def test_healthz_is_503_when_the_database_check_fails(client, monkeypatch):
    monkeypatch.setattr(health, "_database_check", lambda: {"ok": False, "error": "OperationalError"})
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "error": "OperationalError"}


def test_a_long_queue_is_reported_and_alertable_but_never_takes_the_web_tier_out(client, settings):
    """Liveness is web + database: a backlog past the thresholds stays 200, says so in the body and in /metrics."""
    import datetime as dt

    from django.utils import timezone
    from django_q.models import OrmQ

    settings.HEALTH_QUEUE_BACKLOG_MAX = 3
    settings.METRICS_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    old = timezone.now() - dt.timedelta(hours=2)
    OrmQ.objects.bulk_create(OrmQ(key="callcoach", payload=f"p{n}", lock=old) for n in range(5))
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and list(body["checks"]) == ["database"]
    assert body["queue"]["backlog"] == 5 and body["queue"]["over_threshold"] is True
    assert body["queue"]["oldest_age_s"] >= 7200
    metrics = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert "callcoach_queue_depth 5.0" in metrics and "callcoach_queue_over_threshold 1.0" in metrics


def test_a_broken_queue_read_is_reported_not_fatal(client, monkeypatch):
    def broken():
        raise RuntimeError("broker unreachable")

    monkeypatch.setattr(health, "queue_state", broken)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["queue"]["error"] == "RuntimeError"
