"""Read-only views of the Claude cost ledger (analysis.models.ApiCall) and runs for the portal.

analysis has no ledger selector for these two questions yet; these read the ledger directly, never write.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from analysis.models import AnalysisRun, ApiCall, ApiPurpose, RunStatus
from coaching.access import Viewer, calls_visible_q
from gong.models import Call


@dataclass(frozen=True)
class LedgerTotal:
    cost_usd: Decimal
    requests: int
    unknown_cost_requests: int  # rows whose model had no price: counted, never guessed
    input_tokens: int
    output_tokens: int


def _total(queryset) -> LedgerTotal:
    row = queryset.aggregate(
        cost=Sum("cost_usd"),
        requests=Count("id"),
        unknown=Count("id", filter=Q(cost_usd__isnull=True)),
        input_tokens=Sum("input_tokens"),
        output_tokens=Sum("output_tokens"),
    )
    return LedgerTotal(
        cost_usd=row["cost"] or Decimal("0"),
        requests=row["requests"] or 0,
        unknown_cost_requests=row["unknown"] or 0,
        input_tokens=row["input_tokens"] or 0,
        output_tokens=row["output_tokens"] or 0,
    )


def ledger_total_since(*, viewer: Viewer, since: dt.datetime) -> LedgerTotal:
    """Claude spend since `since`: the whole ledger for all-seeing viewers, else their visible calls' rows."""
    rows = ApiCall.objects.filter(created_at__gte=since).exclude(purpose=ApiPurpose.CACHE_HIT)
    if not viewer.sees_all:
        visible_ids = Call.objects.filter(calls_visible_q(viewer)).values("id")
        rows = rows.filter(call_id__in=visible_ids)
    return _total(rows)


def _visible_call(viewer: Viewer, call_id: str):
    """The call's id as a subquery, empty when the viewer may not see it (no extra round trip)."""
    return Call.objects.filter(calls_visible_q(viewer), pk=call_id).values("id")


def ledger_total_for_run(*, viewer: Viewer, run_id: int, call_id: str) -> LedgerTotal:
    """What the Claude requests of one analysis run cost (zero rows for the offline analyzer, and for a call
    the viewer may not see)."""
    rows = ApiCall.objects.filter(call_id=call_id, run_id=run_id).exclude(purpose=ApiPurpose.CACHE_HIT)
    if not viewer.sees_all:
        rows = rows.filter(call_id__in=_visible_call(viewer, call_id))
    return _total(rows)


def run_latest_for_call(*, viewer: Viewer, call_id: str) -> AnalysisRun | None:
    """The call's most recent succeeded analysis run (metadata only; callers never show `result`), or None
    (also when the viewer may not see the call)."""
    runs = AnalysisRun.objects.filter(call_id=call_id, status=RunStatus.SUCCEEDED).defer("result")
    if not viewer.sees_all:
        runs = runs.filter(call_id__in=_visible_call(viewer, call_id))
    return runs.order_by("-created_at").first()
