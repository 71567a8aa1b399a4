"""GET /metrics: Prometheus text for the whole deployment.

Counters and histograms come from core.metrics (merged across processes when PROMETHEUS_MULTIPROC_DIR is set);
gauges that live in the database (queue depth and age, calls by status, held analyses) are read at scrape time,
so they are right whichever process answers.
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from config.health import queue_over_threshold, queue_state
from core.metrics import process_registry
from ops.metrics_collector import OpsCollector


class DatabaseCollector:
    """Gauges read from PostgreSQL at scrape time."""

    def collect(self):
        calls = GaugeMetricFamily("callcoach_calls", "Calls by processing status.", labels=["status"])
        with connection.cursor() as cursor:
            cursor.execute("SELECT status, count(*) FROM gong_call GROUP BY status")
            for status, count in cursor.fetchall():
                calls.add_metric([status], count)
        yield calls
        queue = queue_state()
        yield GaugeMetricFamily("callcoach_queue_depth", "Tasks waiting in the queue.", value=queue["backlog"] or 0)
        yield GaugeMetricFamily(
            "callcoach_queue_oldest_age_seconds",
            "Age of the oldest waiting task (0 when none; ORM broker only).",
            value=queue["oldest_age_s"] or 0,
        )
        yield GaugeMetricFamily(
            "callcoach_queue_over_threshold",
            "1 past HEALTH_QUEUE_BACKLOG_MAX or HEALTH_QUEUE_OLDEST_MAX_S (alert on it; /healthz stays 200).",
            value=1 if queue_over_threshold(queue) else 0,
        )


_DATABASE_REGISTRY = CollectorRegistry()
_DATABASE_REGISTRY.register(DatabaseCollector())
_DATABASE_REGISTRY.register(OpsCollector())


_PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def _allowed(request: HttpRequest) -> bool:
    if settings.METRICS_TOKEN:
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ").strip()
        if token and hmac.compare_digest(token.encode(), settings.METRICS_TOKEN.encode()):
            return True
    if any(header in request.META for header in _PROXY_HEADERS):
        # Relayed by a reverse proxy on this host: REMOTE_ADDR is the proxy's loopback address, not the client's.
        # Only the token opens /metrics through a proxy (scrape the backend port directly otherwise).
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in settings.METRICS_ALLOWED_NETWORKS)


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        message = "metrics need Authorization: Bearer <METRICS_TOKEN> or a client in METRICS_ALLOWED_NETWORKS"
        return JsonResponse({"error": message}, status=403)
    body = generate_latest(process_registry()) + generate_latest(_DATABASE_REGISTRY)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
