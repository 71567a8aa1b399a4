"""GET /healthz: liveness of the web tier (this process answers and reaches the database); queue state reported.

Only the database decides the status code (200, or 503 when it is unreachable). A long queue is a reason to add
workers, never to take the web tier out of a load balancer: webhooks must still be accepted (seen: 503 on 1,349
of 4,000 requests during a 5,000-task backlog). The queue's backlog and oldest-task age are in the body, with
`over_threshold` past HEALTH_QUEUE_BACKLOG_MAX / HEALTH_QUEUE_OLDEST_MAX_S, and in /metrics
(callcoach_queue_depth, callcoach_queue_oldest_age_seconds, callcoach_queue_over_threshold) for alerting."""

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


def queue_over_threshold(state: dict) -> bool:
    """Past the alert thresholds (reported, and alertable through /metrics; never a failed health check)."""
    oldest = state.get("oldest_age_s")
    return (state.get("backlog") or 0) > settings.HEALTH_QUEUE_BACKLOG_MAX or (
        oldest is not None and oldest > settings.HEALTH_QUEUE_OLDEST_MAX_S
    )


def _queue_report() -> dict:
    try:
        state = queue_state()
    except Exception as exc:  # reported, not failing liveness: the broker is not the web tier
        return {"error": exc.__class__.__name__, "broker": settings.QUEUE_BROKER}
    return {**state, "over_threshold": queue_over_threshold(state), "broker": settings.QUEUE_BROKER}


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_check()}
    healthy = checks["database"]["ok"]
    body = {"status": "ok" if healthy else "fail", "checks": checks}
    if healthy:
        # State reported but not part of the verdict: a long queue, a stale Gong poll or a held budget is no reason
        # for a load balancer to stop sending webhooks here.
        from ops.health_checks import budget_check, gong_sync_check

        body["queue"] = _queue_report()
        body["info"] = {"gong_sync": gong_sync_check(), "budget": budget_check()}
    return JsonResponse(body, status=200 if healthy else 503)
