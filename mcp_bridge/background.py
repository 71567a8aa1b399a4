"""Run a call's analysis for an MCP request, waiting only a short time for it.

`analyze_call` should answer within a conversation turn. The analysis runs in a small pool of background
threads through `coaching.services.call_coach` (the same claim → analyse → store path as the queue, so a
concurrent worker or a second request cannot analyse the call twice); if it is not done within the timeout the
tool answers "queued" and the thread finishes on its own, so calling again later finds the result.
"""

from __future__ import annotations

import concurrent.futures
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connections

from coaching.services import call_coach

DEFAULT_TIMEOUT_S = 20.0
_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="mcp-analysis")


@dataclass(frozen=True)
class AnalysisWait:
    status: str  # analyzed | failed | held | batch_submitted | not_claimed | queued
    detail: str = ""
    cache_hit: bool = False


# The ledger's purpose for analyses a Claude Desktop user asked for (analysis.models.ApiPurpose.MCP).
MCP_PURPOSE = "mcp"


def timeout_s() -> float:
    return float(getattr(settings, "MCP_ANALYZE_TIMEOUT_S", DEFAULT_TIMEOUT_S))


def _coach(call_id: str, batch_run: int | None = None):
    close_old_connections()
    try:
        extra = {} if batch_run is None else {"takeover": True, "batch_run": batch_run}
        return call_coach(call_id=call_id, worker="mcp", purpose=MCP_PURPOSE, **extra)
    finally:
        connections.close_all()  # pool threads are long-lived; never leave a connection behind


def call_analyze_wait(*, call_id: str, timeout: float | None = None) -> AnalysisWait:
    """Analyse the call (or reuse its cached analysis), waiting at most `timeout` seconds for the outcome."""
    future = _POOL.submit(_coach, call_id)
    try:
        outcome = future.result(timeout=timeout_s() if timeout is None else timeout)
    except concurrent.futures.TimeoutError:
        return AnalysisWait(status="queued")
    return AnalysisWait(status=outcome.status, detail=outcome.detail, cache_hit=outcome.cache_hit)


def calls_coach_later(*, call_ids: list[str], batch_runs: dict[str, int] | None = None) -> int:
    """Store sessions for calls whose analysis is ready (cache hits), in the background; returns how many.
    `batch_runs` (call id → run an ended Message Batch just finished for it): those calls are taken over and get
    that run's result as their own (see coaching.services.call_coach)."""
    for call_id in call_ids:
        _POOL.submit(_coach, call_id, (batch_runs or {}).get(call_id))
    return len(call_ids)
