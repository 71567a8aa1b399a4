"""Hand-made ledger rows and runs for the ops reports: every figure a test expects is summed by the test itself."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from analysis.models import AnalysisRun, ApiCall, RunStatus
from tests.factories.gong import CallFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Budget banner readings and alert markers live in the (per-process) cache: no test sees another's.
    cache.clear()
    yield
    cache.clear()


def ledger_row(*, at: dt.datetime, cost: str | None, call_id: str = "", run=None, **fields) -> ApiCall:
    defaults = {"purpose": "call_analysis", "model": "claude-sonnet-4-5", "mode": "realtime", "status": "ok"}
    return ApiCall.objects.create(
        created_at=at,
        cost_usd=Decimal(cost) if cost is not None else None,
        call_id=call_id,
        run=run,
        **{**defaults, **fields},
    )


def run_row(*, call=None, analyzer: str = "claude", finished_at: dt.datetime | None = None, **fields) -> AnalysisRun:
    call = call or CallFactory()
    finished_at = finished_at or timezone.now()
    return AnalysisRun.objects.create(
        call=call,
        cache_key=f"key-{call.pk}-{analyzer}-{AnalysisRun.objects.count()}",
        transcript_sha256="0" * 64,
        knowledge_hash="1" * 64,
        prompt_version="v1",
        model="claude-sonnet-4-5" if analyzer == "claude" else "offline",
        analyzer=analyzer,
        status=RunStatus.SUCCEEDED,
        finished_at=finished_at,
        **fields,
    )
