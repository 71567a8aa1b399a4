"""GET /healthz: is the database reachable, is the queue draining."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET


def _database_check() -> dict:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the message says which
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "latency_ms": round((time.perf_counter() - started) * 1000, 1)}


def queue_state() -> dict:
    """Tasks waiting and the age of the oldest (None where the broker can't tell)."""
    from django_q.brokers import get_broker
    from django_q.models import OrmQ

    if settings.QUEUE_BROKER == "redis":
        return {"backlog": get_broker().queue_size(), "oldest_age_s": None}
    # ORM broker: `lock` is the enqueue time until a worker takes the task (then now + retry).
    now = timezone.now()
    waiting = OrmQ.objects.filter(lock__lte=now)
    backlog = waiting.count()
    oldest = waiting.order_by("lock").values_list("lock", flat=True).first()
    return {"backlog": backlog, "oldest_age_s": round((now - oldest).total_seconds(), 1) if oldest else 0.0}


def _queue_check() -> dict:
    try:
        state = queue_state()
        backlog, oldest_age_s = state["backlog"], state["oldest_age_s"]
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    ok = backlog <= settings.HEALTH_QUEUE_BACKLOG_MAX and (
        oldest_age_s is None or oldest_age_s <= settings.HEALTH_QUEUE_OLDEST_MAX_S
    )
    return {"ok": ok, "backlog": backlog, "oldest_age_s": oldest_age_s, "broker": settings.QUEUE_BROKER}


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_check()}
    checks["queue"] = _queue_check() if checks["database"]["ok"] else {"ok": False, "error": "database down"}
    healthy = all(check["ok"] for check in checks.values())
    body = {"status": "ok" if healthy else "fail", "checks": checks}
    if checks["database"]["ok"]:
        # Upstream state, reported but not part of the verdict: a stale Gong poll or a held budget is not a
        # reason for a load balancer to stop sending webhooks here.
        from ops.health_checks import budget_check, gong_sync_check

        body["info"] = {"gong_sync": gong_sync_check(), "budget": budget_check()}
    return JsonResponse(body, status=200 if healthy else 503)
