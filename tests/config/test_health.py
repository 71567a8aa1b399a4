import pytest

from config import health

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_queue(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["queue"]["backlog"] == 0


def test_healthz_is_503_when_the_database_check_fails(client, monkeypatch):
    monkeypatch.setattr(health, "_database_check", lambda: {"ok": False, "error": "OperationalError"})
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "error": "OperationalError"}


def test_healthz_is_503_when_the_queue_backlog_is_too_large(client, settings):
    from django.utils import timezone
    from django_q.models import OrmQ

    settings.HEALTH_QUEUE_BACKLOG_MAX = 1
    for n in range(2):
        OrmQ.objects.create(key="callcoach", payload=f"p{n}", lock=timezone.now())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["queue"]["backlog"] == 2
