"""Analysis reads: runs (the result cache) and the cost ledger."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum

from analysis.models import AnalysisRun, ApiCall, ApiCallStatus, ApiPurpose, RunStatus
from core.errors import NotFound


def run_get(*, run_id: int) -> AnalysisRun:
    """The run with this id; NotFound otherwise."""
    run = AnalysisRun.objects.filter(pk=run_id).first()
    if run is None:
        raise NotFound(f"Analysis run {run_id} not found")
    return run


def batches_open() -> list[str]:
    """Message Batch ids that still have runs waiting for results."""
    rows = AnalysisRun.objects.filter(status=RunStatus.BATCH_SUBMITTED).values_list("batch_id", flat=True)
    return sorted(set(rows))


def calls_waiting_for_batches(*, submitted_after) -> list[str]:
    """Calls whose run waits in a Message Batch submitted after `submitted_after` (the API gives a batch up to 24
    hours): such a call is busy, not stuck."""
    rows = AnalysisRun.objects.filter(status=RunStatus.BATCH_SUBMITTED, claimed_at__gte=submitted_after)
    return list(rows.values_list("call_id", flat=True))


def call_batch_waiting(*, call_id: str, submitted_after) -> str:
    """The Message Batch the call's run waits in (submitted after `submitted_after`), or "" when none."""
    rows = AnalysisRun.objects.filter(
        call_id=call_id, status=RunStatus.BATCH_SUBMITTED, claimed_at__gte=submitted_after
    )
    return rows.values_list("batch_id", flat=True).first() or ""


@dataclass(frozen=True)
class CostSummary:
    requests: int
    failed_requests: int
    input_tokens: int
    output_tokens: int
    cache_write_tokens: int
    cache_read_tokens: int
    cost_usd: Decimal
    unpriced_requests: int  # rows whose model had no price: cost unknown, not in cost_usd
    by_purpose: dict = field(default_factory=dict)
    by_model: dict = field(default_factory=dict)


def cost_summary(*, start: datetime, end: datetime) -> CostSummary:
    """Ledger totals for created_at in [start, end) (Claude requests only: result-cache hit markers excluded)."""
    rows = ApiCall.objects.filter(created_at__gte=start, created_at__lt=end).exclude(purpose=ApiPurpose.CACHE_HIT)
    sums = {
        name: Sum(name)
        for name in ("input_tokens", "output_tokens", "cache_write_tokens", "cache_read_tokens", "cost_usd")
    }
    totals = rows.aggregate(
        requests=Count("id"),
        failed=Count("id", filter=Q(status=ApiCallStatus.ERROR)),
        unpriced=Count("id", filter=Q(cost_usd__isnull=True, status=ApiCallStatus.OK)),
        **sums,
    )

    def group(field_name: str) -> dict:
        return {
            row[field_name]: {"requests": row["n"], "cost_usd": row["cost"] or Decimal("0")}
            for row in rows.values(field_name).order_by(field_name).annotate(n=Count("id"), cost=Sum("cost_usd"))
        }

    return CostSummary(
        requests=totals["requests"],
        failed_requests=totals["failed"],
        input_tokens=totals["input_tokens"] or 0,
        output_tokens=totals["output_tokens"] or 0,
        cache_write_tokens=totals["cache_write_tokens"] or 0,
        cache_read_tokens=totals["cache_read_tokens"] or 0,
        cost_usd=totals["cost_usd"] or Decimal("0"),
        unpriced_requests=totals["unpriced"],
        by_purpose=group("purpose"),
        by_model=group("model"),
    )


@dataclass(frozen=True)
class LedgerSpend:
    requests: int
    failed: int
    cost_usd: Decimal  # priced rows only
    unpriced: int  # successful rows whose model had no price: their cost is unknown, not in cost_usd


def ledger_spend(*, purpose: str, call_ids: list[str], since: datetime) -> LedgerSpend:
    """What the ledger recorded for `purpose` on these calls since `since` (e.g. one rubric preview run)."""
    rows = ApiCall.objects.filter(created_at__gte=since, purpose=purpose, call_id__in=call_ids)
    totals = rows.aggregate(
        requests=Count("id"),
        failed=Count("id", filter=~Q(status=ApiCallStatus.OK)),
        unpriced=Count("id", filter=Q(cost_usd__isnull=True, status=ApiCallStatus.OK)),
        cost=Sum("cost_usd"),
    )
    return LedgerSpend(totals["requests"], totals["failed"], totals["cost"] or Decimal("0"), totals["unpriced"])
