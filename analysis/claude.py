"""Thin typed client over the `anthropic` SDK: messages, token counting and Message Batches.

Built from settings with an explicit timeout and bounded retries. The SDK retries 408/409/429/5xx (529
overloaded included) and connection errors with exponential backoff, honouring `retry-after(-ms)`.
Sampling: SDK 2.x sends anthropic-version 2026-10-21, which removed `temperature`/`top_p`/`top_k` (current
models reject them with a 400), so no temperature is sent; nor is `thinking: {"type": "disabled"}` (Sonnet 5.5
rejects it, per its migration guide). Adaptive thinking is bounded instead by `output_config.effort`
(CLAUDE_EFFORT, default "low": rubric scoring needs little deliberation, and thinking is billed as output).
Structured output uses the documented `output_config.format` JSON schema (what `messages.parse` sends); we
validate the text ourselves so an invalid answer still leaves its usage for the ledger and can get one repair
attempt. No ORM here.

The SDK is imported where a request is made, not at module level: importing it takes seconds, and this module is
reached from the admin (the budget banner) and so from every `manage.py` command, the MCP stdio server included.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings

from analysis.pricing import TokenUsage
from core.errors import ApplicationError

if TYPE_CHECKING:
    import anthropic


class ClaudeError(Exception):
    """A request that failed after the SDK's retries (or was not retryable)."""

    def __init__(
        self, message: str, *, http_status: int | None, error_type: str, request_id: str, latency_ms: int, attempts: int
    ) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.error_type = error_type
        self.request_id = request_id
        self.latency_ms = latency_ms
        self.attempts = attempts


@dataclass(frozen=True)
class ClaudeReply:
    text: str
    usage: TokenUsage
    request_id: str
    latency_ms: int
    attempts: int
    stop_reason: str
    model: str


@dataclass(frozen=True)
class BatchInfo:
    batch_id: str
    status: str  # in_progress | canceling | ended
    counts: dict = field(default_factory=dict)


@dataclass(frozen=True)
class BatchItem:
    custom_id: str
    status: str  # succeeded | errored | canceled | expired
    reply: ClaudeReply | None
    error: str = ""


def claude_client() -> anthropic.Anthropic:
    """The SDK client from settings; fails loudly when ANTHROPIC_API_KEY is missing."""
    import anthropic

    if not settings.ANTHROPIC_API_KEY:
        raise ApplicationError("ANTHROPIC_API_KEY is not set: set it, or use ANALYZER=offline")
    return anthropic.Anthropic(
        api_key=settings.ANTHROPIC_API_KEY,
        base_url=settings.ANTHROPIC_BASE_URL or None,
        timeout=settings.CLAUDE_TIMEOUT_S,
        max_retries=settings.CLAUDE_MAX_RETRIES,
    )


def _untitled(schema):
    """The schema without pydantic's `title`s: they repeat every field name and are no instruction."""
    if isinstance(schema, dict):
        return {k: _untitled(v) for k, v in schema.items() if not (k == "title" and isinstance(v, str))}
    if isinstance(schema, list):
        return [_untitled(item) for item in schema]
    return schema


def output_schema(model_cls) -> dict:
    """The JSON schema sent as the structured-output format (what `messages.parse` would send, minus titles)."""
    import anthropic

    return _untitled(anthropic.transform_schema(model_cls))


def output_format(model_cls) -> dict:
    return {"format": {"type": "json_schema", "schema": output_schema(model_cls)}}


def usage_from(usage) -> TokenUsage:
    creation = getattr(usage, "cache_creation", None)
    return TokenUsage(
        input_tokens=usage.input_tokens or 0,
        output_tokens=usage.output_tokens or 0,
        cache_write_tokens=usage.cache_creation_input_tokens or 0,
        cache_read_tokens=usage.cache_read_input_tokens or 0,
        cache_write_1h_tokens=(creation.ephemeral_1h_input_tokens or 0) if creation else 0,
    )


def _reply(message, *, request_id: str, latency_ms: int, attempts: int) -> ClaudeReply:
    text = "".join(block.text for block in message.content if block.type == "text")
    return ClaudeReply(
        text, usage_from(message.usage), request_id, latency_ms, attempts, message.stop_reason or "", message.model
    )


def _error(exc: Exception, started: float) -> ClaudeError:
    latency_ms = int((time.monotonic() - started) * 1000)
    status = getattr(exc, "status_code", None)
    retryable = status is None or status in (408, 409, 429) or status >= 500
    attempts = settings.CLAUDE_MAX_RETRIES + 1 if retryable else 1
    return ClaudeError(
        f"{exc.__class__.__name__}: {exc}"[:500],
        http_status=status,
        error_type=exc.__class__.__name__,
        request_id=getattr(exc, "request_id", None) or "",
        latency_ms=latency_ms,
        attempts=attempts,
    )


def message_request(*, system: list[dict], messages: list[dict], output_model, max_tokens: int) -> dict:
    """The request body (shared by realtime calls and batch entries)."""
    effort = settings.CLAUDE_EFFORT
    return {
        "model": settings.CLAUDE_MODEL,
        "max_tokens": max_tokens,
        "system": system,
        "messages": messages,
        "output_config": {**output_format(output_model), **({"effort": effort} if effort else {})},
    }


def message_create(*, request: dict) -> ClaudeReply:
    """POST /v1/messages; raises ClaudeError after retries."""
    import anthropic

    client = claude_client()
    started = time.monotonic()
    try:
        # Reference: https://platform.claude.com/docs/en/api/messages
        raw = client.messages.with_raw_response.create(**request)
        message = raw.parse()
    except anthropic.APIError as exc:
        raise _error(exc, started) from exc
    latency_ms = int((time.monotonic() - started) * 1000)
    request_id = raw.headers.get("request-id", "") or (message._request_id or "")
    return _reply(message, request_id=request_id, latency_ms=latency_ms, attempts=raw.retries_taken + 1)


def tokens_count(*, system: list[dict] | str, messages: list[dict]) -> int:
    """POST /v1/messages/count_tokens (free, rate-limited): the input tokens of a would-be request."""
    import anthropic

    client = claude_client()
    started = time.monotonic()
    try:
        # Reference: https://platform.claude.com/docs/en/api/messages-count-tokens
        extra = {"system": system} if system else {}  # an empty system prompt is left out, not sent blank
        result = client.messages.count_tokens(model=settings.CLAUDE_MODEL, messages=messages, **extra)
    except anthropic.APIError as exc:
        raise _error(exc, started) from exc
    return result.input_tokens


def _batch_info(batch) -> BatchInfo:
    return BatchInfo(batch.id, batch.processing_status, batch.request_counts.model_dump())


def batch_create(*, requests: list[dict]) -> BatchInfo:
    """POST /v1/messages/batches with [{"custom_id", "params"}]; half price, results within 24 h."""
    import anthropic

    client = claude_client()
    started = time.monotonic()
    try:
        # Reference: https://platform.claude.com/docs/en/build-with-claude/batch-processing
        return _batch_info(client.messages.batches.create(requests=requests))
    except anthropic.APIError as exc:
        raise _error(exc, started) from exc


def batch_get(*, batch_id: str) -> BatchInfo:
    import anthropic

    client = claude_client()
    started = time.monotonic()
    try:
        return _batch_info(client.messages.batches.retrieve(batch_id))
    except anthropic.APIError as exc:
        raise _error(exc, started) from exc


def batch_results(*, batch_id: str) -> Iterator[BatchItem]:
    """The results of an ended batch, one per request (in any order: match on custom_id)."""
    import anthropic

    client = claude_client()
    started = time.monotonic()
    try:
        for item in client.messages.batches.results(batch_id):
            result = item.result
            if result.type == "succeeded":
                reply = _reply(result.message, request_id=result.message.id, latency_ms=0, attempts=1)
                yield BatchItem(item.custom_id, "succeeded", reply)
            else:
                detail = getattr(getattr(result, "error", None), "error", None)
                message = getattr(detail, "message", "") if detail else ""
                yield BatchItem(item.custom_id, result.type, None, f"{result.type}: {message}".strip(": "))
    except anthropic.APIError as exc:
        raise _error(exc, started) from exc
