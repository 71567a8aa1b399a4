"""Dry-run estimates: tokens and cost for analysing calls, without analysing them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from analysis.claude import ClaudeError, tokens_count
from analysis.models import AnalysisRun, Analyzer, RunStatus
from analysis.pricing import TokenUsage, cost_usd
from analysis.services.claude_run import requests_for, windows_for
from analysis.services.context import analysis_input_build
from analysis.services.rescore import DraftRubric, input_with_draft
from analysis.tokens import token_estimate
from core.errors import NotFound


@dataclass
class Estimate:
    calls: int = 0
    input_tokens: int = 0  # uncached input
    output_tokens: int = 0
    cache_write_tokens: int = 0
    cache_read_tokens: int = 0
    cost_realtime_usd: Decimal | None = Decimal("0")
    cost_batch_usd: Decimal | None = Decimal("0")
    cache_hits: int = 0
    skipped: int = 0  # missing transcript, no internal speaker, …
    method: str = "estimate"  # estimate | count_tokens


def _add(total: Decimal | None, part: Decimal | None) -> Decimal | None:
    return None if total is None or part is None else total + part


def _request_tokens(body: dict, *, use_api: bool) -> tuple[int, int]:
    """(system prefix tokens, per-call message tokens) of one request."""
    system = sum(token_estimate(block["text"]) for block in body["system"])
    message = sum(token_estimate(m["content"]) for m in body["messages"])
    if use_api:
        total = tokens_count(system=body["system"], messages=body["messages"])
        message = max(0, total - system)
    return system, message


def analysis_estimate(
    *, call_ids: list[str], analyzer: str | None = None, fresh: bool = False, draft: DraftRubric | None = None
) -> Estimate:
    """What analysing these calls would cost now: cache hits are free; the system prefix is assumed written to
    the prompt cache once and read by every later request (5-minute TTL, back-to-back requests).
    `analyzer` overrides settings.ANALYZER; `fresh` prices every call (no result-cache hits: a re-score);
    `draft` puts a rubric draft in the prompt (the rubric preview)."""
    estimate = Estimate()
    use_api = bool(settings.ANTHROPIC_API_KEY) and (analyzer or settings.ANALYZER) != "offline"
    estimate.method = "count_tokens" if use_api else "estimate"
    prefix_written = False
    for call_id in call_ids:
        try:
            inp = analysis_input_build(call_id=call_id, analyzer=analyzer)
        except NotFound:
            estimate.skipped += 1
            continue
        estimate.calls += 1
        if inp.error:
            estimate.skipped += 1
            continue
        if draft is not None:
            inp = input_with_draft(inp, draft)
        if not fresh and AnalysisRun.objects.filter(cache_key=inp.cache_key, status=RunStatus.SUCCEEDED).exists():
            estimate.cache_hits += 1
            continue
        if inp.analyzer == Analyzer.OFFLINE:
            continue
        for body in requests_for(inp, windows_for(inp, count_with_api=False)[0], ttl="5m"):
            try:
                system, message = _request_tokens(body, use_api=use_api)
            except ClaudeError:
                system, message = _request_tokens(body, use_api=False)
            usage = TokenUsage(
                input_tokens=message,
                output_tokens=settings.ANALYSIS_OUTPUT_TOKENS_PER_SPEAKER * len(inp.internal),
                cache_write_tokens=0 if prefix_written else system,
                cache_read_tokens=system if prefix_written else 0,
            )
            prefix_written = True
            estimate.input_tokens += usage.input_tokens
            estimate.output_tokens += usage.output_tokens
            estimate.cache_write_tokens += usage.cache_write_tokens
            estimate.cache_read_tokens += usage.cache_read_tokens
            estimate.cost_realtime_usd = _add(estimate.cost_realtime_usd, cost_usd(model=inp.model, usage=usage))
            estimate.cost_batch_usd = _add(estimate.cost_batch_usd, cost_usd(model=inp.model, usage=usage, batch=True))
    return estimate
