"""The cost ledger (one analysis_api_call row per Claude request, failed ones included) and the monthly budget."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import structlog
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from analysis.claude import ClaudeError, ClaudeReply
from analysis.models import ApiCall, ApiCallStatus, ApiPurpose, RunMode
from analysis.pricing import TokenUsage, cost_usd, price_for
from core.durable import durable_atomic
from core.metrics import CLAUDE_COST, CLAUDE_REQUESTS, CLAUDE_TOKENS

logger = structlog.get_logger(__name__)


@dataclass(frozen=True)
class OpenRequest:
    """A ledger row written before its request was sent (status pending)."""

    id: int
    created_at: object


def redaction_fields(redaction) -> dict:
    """Ledger fields for an analysis.redaction.Redaction (None: the request carried no redacted transcript)."""
    if redaction is None:
        return {}
    return {"pii_redacted": True, "pii_spans": dict(sorted(redaction.counts.items()))}


def api_call_open(*, run_id: int | None, call_id: str, purpose: str, model: str, redaction=None) -> OpenRequest:
    """Record a request about to be sent. If the worker dies before the answer, the row stays `pending` and the
    sweep turns it `lost` (cost unknown) — so the ledger shows every request Anthropic may have billed. The row is
    on disk before the request goes out (core.durable)."""
    with durable_atomic():
        row = ApiCall.objects.create(
            created_at=timezone.now(),
            run_id=run_id,
            call_id=call_id or "",
            purpose=purpose,
            model=model[:80],
            status=ApiCallStatus.PENDING,
            price_source="in flight",
            **redaction_fields(redaction),
        )
    return OpenRequest(row.pk, row.created_at)


def api_calls_mark_lost(*, older_than_s: float) -> int:
    """Pending ledger rows older than any request can take: their worker died mid-request."""
    cutoff = timezone.now() - timedelta(seconds=older_than_s)
    return ApiCall.objects.filter(status=ApiCallStatus.PENDING, created_at__lt=cutoff).update(
        status=ApiCallStatus.LOST, error_type="worker lost mid-request", price_source="unknown: request lost"
    )


def api_call_record(
    *,
    run_id: int | None,
    call_id: str,
    purpose: str,
    mode: str = RunMode.REALTIME,
    reply: ClaudeReply | None = None,
    error: ClaudeError | None = None,
    batch_id: str = "",
    model: str | None = None,
    opened: OpenRequest | None = None,
    redaction=None,
    cache_ttl: str = "",
) -> tuple[TokenUsage, Decimal | None]:
    """Write one ledger row (or complete the pending row `opened`); returns the request's usage and cost
    (cost None = unknown model price). `cache_ttl`: the prompt-cache TTL the request asked for ("5m" | "1h" |
    "none": no cache_control; "" for requests that carry no prompt, e.g. token counts)."""
    model = (reply.model if reply and reply.model else None) or model or settings.CLAUDE_MODEL
    usage = reply.usage if reply else TokenUsage()
    price = price_for(model)
    cost = cost_usd(model=model, usage=usage, batch=mode == RunMode.BATCH, price=price)
    fields = dict(
        run_id=run_id,
        call_id=call_id or "",
        purpose=purpose,
        model=model[:80],
        mode=mode,
        request_id=(reply.request_id if reply else error.request_id if error else "")[:120],
        batch_id=batch_id,
        status=ApiCallStatus.OK if reply else ApiCallStatus.ERROR,
        http_status=200 if reply else (error.http_status if error else None),
        error_type=(error.error_type if error else "")[:80],
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cache_write_tokens=usage.cache_write_tokens,
        cache_read_tokens=usage.cache_read_tokens,
        cache_ttl=cache_ttl[:4],
        cost_usd=cost,
        price_source=price.source[:40] if price else "unknown model: cost not recorded",
        latency_ms=reply.latency_ms if reply else (error.latency_ms if error else None),
        attempt=reply.attempts if reply else (error.attempts if error else 1),
        **redaction_fields(redaction),
    )
    with durable_atomic():  # what a request cost is on disk once recorded
        if opened is None:
            ApiCall.objects.create(created_at=timezone.now(), **fields)
        else:  # created_at in the filter lets PostgreSQL go straight to the row's partition
            ApiCall.objects.filter(pk=opened.id, created_at=opened.created_at).update(**fields)
    CLAUDE_REQUESTS.labels(purpose=purpose, status="ok" if reply else "error").inc()
    for kind, tokens in (
        ("input", usage.input_tokens),
        ("output", usage.output_tokens),
        ("cache_write", usage.cache_write_tokens),
        ("cache_read", usage.cache_read_tokens),
    ):
        if tokens:
            CLAUDE_TOKENS.labels(kind=kind, model=model).inc(tokens)
    if cost is not None:
        CLAUDE_COST.labels(model=model, mode=mode).inc(float(cost))
    return usage, cost


def cache_hit_record(*, run_id: int, call_id: str, model: str) -> None:
    """Log a result-cache hit in the ledger: zero tokens, $0, purpose cache_hit (reports count it apart).

    The marker is the only write of a cache lookup, and its commit waited for the WAL flush to disk: on a busy
    disk that flush, not the lookup's reads, was the lookup's time. A $0 marker needs no such wait, so on its own
    transaction it commits with synchronous_commit off (PostgreSQL still writes it within ~3 × wal_writer_delay;
    a server crash in that window loses markers only, never a paid request's row). Inside a caller's
    transaction nothing is changed: SET LOCAL would relax that transaction's own commit too."""
    marker = ApiCall(
        created_at=timezone.now(),
        run_id=run_id,
        call_id=call_id or "",
        purpose=ApiPurpose.CACHE_HIT,
        model=model[:80],
        status=ApiCallStatus.OK,
        cost_usd=Decimal(0),
        price_source="result cache: no request",
    )
    if connection.in_atomic_block:
        marker.save(force_insert=True)
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        marker.save(force_insert=True)


@dataclass(frozen=True)
class BudgetState:
    status: str  # ok | warning | held
    spent_usd: Decimal
    budget_usd: Decimal | None  # None = no budget set
    month: str  # YYYY-MM


def budget_state() -> BudgetState:
    """This month's Claude spend against ANALYSIS_MONTHLY_BUDGET_USD (0 = unlimited)."""
    now = timezone.now()
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    spent = ApiCall.objects.filter(created_at__gte=month_start).aggregate(total=Sum("cost_usd"))["total"]
    spent = spent or Decimal("0")
    budget = Decimal(str(settings.ANALYSIS_MONTHLY_BUDGET_USD))
    month = now.strftime("%Y-%m")
    if budget <= 0:
        return BudgetState("ok", spent, None, month)
    if spent >= budget:
        return BudgetState("held", spent, budget, month)
    if spent >= budget * Decimal(str(settings.ANALYSIS_BUDGET_WARN_RATIO)):
        return BudgetState("warning", spent, budget, month)
    return BudgetState("ok", spent, budget, month)


def budget_hold_reason(state: BudgetState) -> str:
    """Log the alert and return the reason shown on held calls."""
    reason = f"monthly Claude budget reached: ${state.spent_usd:.2f} of ${state.budget_usd:.2f} spent in {state.month}"
    logger.error(
        "analysis_budget_reached", spent_usd=str(state.spent_usd), budget_usd=str(state.budget_usd), month=state.month
    )
    return reason
