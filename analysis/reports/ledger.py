"""Read-only cost reports over the Claude ledger (analysis_api_call) and the result cache (analysis_run).

Every figure is a sum of ledger rows: nothing is estimated. The ledger is partitioned by `created_at`, so every
query here is bounded by a [start, end) range and PostgreSQL only reads the partitions it needs. Rows whose
price is unknown (a model missing from the price table) have cost NULL: they are counted, never priced.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from analysis.models import AnalysisRun, Analyzer, ApiCall, ApiCallStatus, ApiPurpose, RunMode, RunStatus
from analysis.pricing import BATCH

# A result-cache hit recorded in the ledger: a zero-token row with this purpose (no request was made). Proposed
# to the analysis engine; until it writes them, hits read as "not recorded".
CACHE_HIT_PURPOSE = "cache_hit"
ZERO = Decimal("0")
# Requests that re-score a stored call and store nothing: counted as spend, never as the cost of an analysis.
NOT_ANALYSIS_PURPOSES = (ApiPurpose.RUBRIC_PREVIEW, ApiPurpose.RETEST)
MICRO = Decimal("0.000001")
Bucket = Literal["day", "week", "month"]
Dimension = Literal["model", "purpose", "mode", "cache_ttl"]
# The ledger's cache_ttl values (analysis/services/cache_ttl.py): what each request asked of the prompt cache.
CACHE_TTL_LABELS = {
    "5m": "5-minute cache",
    "1h": "1-hour cache",
    "none": "no cache write (calls too rare)",
    "": "no prompt / not recorded",
}
_TRUNC = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


@dataclass(frozen=True)
class Tokens:
    input: int = 0
    cache_write: int = 0
    cache_read: int = 0
    output: int = 0

    @property
    def prompt(self) -> int:
        """Every prompt token, however it was billed (uncached input + cache write + cache read)."""
        return self.input + self.cache_write + self.cache_read

    @property
    def prompt_cache_hit_rate(self) -> float | None:
        """Share of prompt tokens read from Anthropic's prompt cache."""
        return self.cache_read / self.prompt if self.prompt else None


@dataclass(frozen=True)
class CostSlice:
    key: str
    label: str
    cost_usd: Decimal
    requests: int
    tokens: Tokens
    unknown_cost_requests: int = 0


@dataclass(frozen=True)
class CostSummary:
    start: dt.datetime
    end: dt.datetime
    cost_usd: Decimal
    requests: int
    failed_requests: int
    unknown_cost_requests: int
    tokens: Tokens
    analysed_calls: int  # calls with a run that finished in the window, Claude or offline
    claude_runs: int
    offline_runs: int
    transcript_tokens: int  # transcript tokens of the runs the window's requests were made for
    batch_cost_usd: Decimal
    realtime_cost_usd: Decimal
    batch_saved_usd: Decimal
    # Re-scores that store nothing (rubric draft previews, evaluate_scorer re-tests): spend, not analyses.
    not_analysis_cost_usd: Decimal = ZERO

    @property
    def analysis_cost_usd(self) -> Decimal:
        return self.cost_usd - self.not_analysis_cost_usd

    @property
    def cost_per_analysed_call(self) -> Decimal | None:
        return (self.analysis_cost_usd / self.analysed_calls).quantize(MICRO) if self.analysed_calls else None

    @property
    def cost_per_1k_transcript_tokens(self) -> Decimal | None:
        if not self.transcript_tokens:
            return None
        return (self.analysis_cost_usd * 1000 / self.transcript_tokens).quantize(MICRO)

    @property
    def batch_share(self) -> float | None:
        return float(self.batch_cost_usd / self.cost_usd) if self.cost_usd else None


@dataclass(frozen=True)
class CostBucket:
    start: dt.date
    cost_usd: Decimal
    requests: int


@dataclass(frozen=True)
class MonthProjection:
    month: str
    spent_usd: Decimal
    projected_usd: Decimal
    budget_usd: Decimal | None  # None: no budget set
    days_elapsed: float
    days_in_month: int

    @property
    def spent_ratio(self) -> float | None:
        return float(self.spent_usd / self.budget_usd) if self.budget_usd else None

    @property
    def projected_ratio(self) -> float | None:
        return float(self.projected_usd / self.budget_usd) if self.budget_usd else None


@dataclass(frozen=True)
class ExpensiveCall:
    call_id: str
    title: str
    cost_usd: Decimal
    requests: int
    tokens: Tokens


def ledger_rows(*, start: dt.datetime, end: dt.datetime) -> QuerySet[ApiCall]:
    """Claude requests in [start, end) (the range prunes partitions); cache-hit markers are not requests."""
    rows = ApiCall.objects.filter(created_at__gte=start, created_at__lt=end)
    return rows.exclude(purpose=CACHE_HIT_PURPOSE).order_by()


@dataclass(frozen=True)
class ResultCacheReport:
    hits: int  # analyses served from analysis_run without a request
    claude_runs: int  # analyses that made Claude requests (result-cache misses)
    offline_runs: int  # analyses computed by the offline analyzer (no request, no cost)

    @property
    def hit_rate(self) -> float | None:
        served = self.hits + self.claude_runs + self.offline_runs
        return self.hits / served if served else None


def result_cache_report(*, start: dt.datetime, end: dt.datetime) -> ResultCacheReport:
    """Result-cache hits against analyses that had to be computed, in [start, end)."""
    hits = ApiCall.objects.filter(created_at__gte=start, created_at__lt=end, purpose=CACHE_HIT_PURPOSE).count()
    paid = ledger_rows(start=start, end=end).exclude(run_id=None).values("run_id").distinct().count()
    offline = AnalysisRun.objects.filter(
        analyzer=Analyzer.OFFLINE, status=RunStatus.SUCCEEDED, finished_at__gte=start, finished_at__lt=end
    ).count()
    return ResultCacheReport(hits=hits, claude_runs=paid, offline_runs=offline)


LEDGER_SUMS = {
    "cost": Coalesce(Sum("cost_usd"), ZERO),
    "requests": Count("id"),
    "unknown": Count("id", filter=Q(cost_usd__isnull=True)),
    "input": Coalesce(Sum("input_tokens"), 0),
    "cache_write": Coalesce(Sum("cache_write_tokens"), 0),
    "cache_read": Coalesce(Sum("cache_read_tokens"), 0),
    "output": Coalesce(Sum("output_tokens"), 0),
}


def tokens_from_row(row: dict) -> Tokens:
    return Tokens(row["input"], row["cache_write"], row["cache_read"], row["output"])


def cost_summary_report(*, start: dt.datetime, end: dt.datetime) -> CostSummary:
    """Totals for [start, end): cost, requests, tokens by kind, analysed calls, batch share and saving."""
    ledger = ledger_rows(start=start, end=end)
    totals = ledger.aggregate(
        **LEDGER_SUMS,
        failed=Count("id", filter=Q(status=ApiCallStatus.ERROR)),
        batch=Coalesce(Sum("cost_usd", filter=Q(mode=RunMode.BATCH)), ZERO),
        not_analysis=Coalesce(Sum("cost_usd", filter=Q(purpose__in=NOT_ANALYSIS_PURPOSES)), ZERO),
    )
    run_ids = ledger.exclude(run_id=None).values("run_id").distinct()
    transcript_tokens = AnalysisRun.objects.filter(pk__in=run_ids).aggregate(n=Coalesce(Sum("transcript_tokens"), 0))
    finished = AnalysisRun.objects.filter(status=RunStatus.SUCCEEDED, finished_at__gte=start, finished_at__lt=end)
    runs = finished.aggregate(
        calls=Count("call_id", distinct=True),
        claude=Count("id", filter=Q(analyzer=Analyzer.CLAUDE)),
        offline=Count("id", filter=Q(analyzer=Analyzer.OFFLINE)),
    )
    batch = totals["batch"]
    return CostSummary(
        start=start,
        end=end,
        cost_usd=totals["cost"],
        requests=totals["requests"],
        failed_requests=totals["failed"],
        unknown_cost_requests=totals["unknown"],
        tokens=tokens_from_row(totals),
        analysed_calls=runs["calls"],
        claude_runs=runs["claude"],
        offline_runs=runs["offline"],
        transcript_tokens=transcript_tokens["n"],
        batch_cost_usd=batch,
        realtime_cost_usd=totals["cost"] - batch,
        # The Batches API bills every token kind at BATCH × list price: realtime would have cost batch / BATCH.
        batch_saved_usd=(batch / BATCH - batch).quantize(MICRO),
        not_analysis_cost_usd=totals["not_analysis"],
    )


def cost_series_report(*, start: dt.datetime, end: dt.datetime, bucket: Bucket = "day") -> list[CostBucket]:
    """Cost and requests per day, ISO week (starting Monday) or month, in the current time zone; days
    without requests appear with zero so a chart has no holes."""
    trunc = _TRUNC[bucket]("created_at", tzinfo=timezone.get_current_timezone())
    rows = (
        ledger_rows(start=start, end=end)
        .annotate(bucket=trunc)
        .values("bucket")
        .annotate(cost=LEDGER_SUMS["cost"], requests=Count("id"))
        .order_by("bucket")
    )
    found = {timezone.localtime(row["bucket"]).date(): row for row in rows}
    series = []
    for day in _bucket_starts(start=start, end=end, bucket=bucket):
        row = found.get(day)
        series.append(CostBucket(day, row["cost"] if row else ZERO, row["requests"] if row else 0))
    return series


def _bucket_starts(*, start: dt.datetime, end: dt.datetime, bucket: Bucket) -> list[dt.date]:
    first = timezone.localtime(start).date()
    last = timezone.localtime(end - dt.timedelta(microseconds=1)).date()
    if bucket == "week":
        first -= dt.timedelta(days=first.weekday())
    elif bucket == "month":
        first = first.replace(day=1)
    starts, day = [], first
    while day <= last:
        starts.append(day)
        if bucket == "day":
            day += dt.timedelta(days=1)
        elif bucket == "week":
            day += dt.timedelta(days=7)
        else:
            day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return starts


def cost_by_report(*, start: dt.datetime, end: dt.datetime, dimension: Dimension) -> list[CostSlice]:
    """Cost, requests and tokens grouped by model, purpose (call analysis, chunk merge, MCP …), mode
    (realtime / batch) or the prompt-cache TTL the request asked for, most expensive first."""
    labels = {"purpose": dict(ApiPurpose.choices), "mode": dict(RunMode.choices), "cache_ttl": CACHE_TTL_LABELS}.get(
        dimension, {}
    )
    rows = ledger_rows(start=start, end=end).values(dimension).annotate(**LEDGER_SUMS).order_by("-cost", dimension)
    return [
        CostSlice(
            key=row[dimension],
            label=str(labels.get(row[dimension], row[dimension])),
            cost_usd=row["cost"],
            requests=row["requests"],
            tokens=tokens_from_row(row),
            unknown_cost_requests=row["unknown"],
        )
        for row in rows
    ]
