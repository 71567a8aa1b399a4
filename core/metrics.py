"""Prometheus metrics every app updates (defined once, here at the bottom layer, so any app may import them).

Multiprocess-safe: under gunicorn and the django-q2 cluster set PROMETHEUS_MULTIPROC_DIR (a directory shared by
the web and worker processes; `make serve` / `make worker` use .run/prometheus) before the processes start, and
empty it when the whole set restarts.
prometheus_client then keeps each process's values in mmap files there and `/metrics` merges them. Values that
live in the database (queue depth, calls by status) are read at scrape time instead (config/metrics.py).
"""

from __future__ import annotations

from django.conf import settings
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram
from prometheus_client.multiprocess import MultiProcessCollector

WEBHOOKS = Counter(
    "callcoach_webhooks_total",
    "Gong webhook deliveries by result (accepted, duplicate, 400, 401, 405, 413, 503).",
    ["result"],
)
WEBHOOK_LATENCY = Histogram(
    "callcoach_webhook_latency_seconds",
    "Time to verify, store and answer a Gong webhook.",
    buckets=(0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5),
)
GONG_REQUESTS = Counter(
    "callcoach_gong_requests_total",
    "Requests made to the Gong API by endpoint and HTTP status (or 'error' for transport failures).",
    ["endpoint", "status"],
)
ANALYSES = Counter(
    "callcoach_analyses_total",
    "Call analyses by outcome (succeeded, cache_hit, failed, held, batch_submitted) and analyzer.",
    ["outcome", "analyzer"],
)
CLAUDE_TOKENS = Counter(
    "callcoach_claude_tokens_total",
    "Claude tokens billed, by kind (input, output, cache_write, cache_read) and model.",
    ["kind", "model"],
)
CLAUDE_COST = Counter(
    "callcoach_claude_cost_usd_total",
    "Claude cost in USD from the ledger price table (unknown-price requests are not counted).",
    ["model", "mode"],
)
CLAUDE_REQUESTS = Counter(
    "callcoach_claude_requests_total",
    "Claude requests by purpose and status (ok, error).",
    ["purpose", "status"],
)

ERASED_SKIPPED = Counter(
    "callcoach_erased_skipped_total",
    "Gong records not stored because their subject was erased (an erasure tombstone), by ingest path and kind.",
    ["path", "kind"],
)


def process_registry() -> CollectorRegistry:
    """Every process's counters and histograms: merged from PROMETHEUS_MULTIPROC_DIR when it is set (what
    /metrics serves and the ops pages read), else this process's own registry."""
    if settings.PROMETHEUS_MULTIPROC_DIR:
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return registry
    return REGISTRY
