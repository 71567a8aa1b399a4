"""Ids bound with core.logging_context appear on every log line inside the block, and only there."""

from __future__ import annotations

import logging

import structlog
from django.http import HttpResponse
from django.test import RequestFactory

from core.logging_context import RequestIdMiddleware, log_context, task_logged


def _event(record: logging.LogRecord) -> dict:
    assert isinstance(record.msg, dict), "structlog hands the event dict to the stdlib formatter"
    return record.msg


def test_ids_are_on_structlog_and_stdlib_lines_inside_the_block_and_gone_after(caplog):
    log = structlog.get_logger("callcoach.test")
    with caplog.at_level(logging.INFO), log_context(call_id="123", run_id=7, task="t"):
        log.info("inside")
    with caplog.at_level(logging.INFO):
        log.info("outside")
    inside, outside = (_event(r) for r in caplog.records[-2:])
    assert (inside["call_id"], inside["run_id"], inside["task"]) == ("123", 7, "t")
    assert "call_id" not in outside


def test_nested_blocks_restore_the_outer_ids():
    with log_context(call_id="1"):
        with log_context(call_id="2", run_id=None):
            assert structlog.contextvars.get_contextvars() == {"call_id": "2"}
        assert structlog.contextvars.get_contextvars() == {"call_id": "1"}
    assert structlog.contextvars.get_contextvars() == {}


def test_task_decorator_binds_the_task_path_and_call_id():
    seen = {}

    @task_logged
    def call_coach(call_id: str) -> None:
        seen.update(structlog.contextvars.get_contextvars())

    call_coach("42")
    assert seen == {"task": f"{__name__}.call_coach", "call_id": "42"}


def test_request_id_is_bound_for_the_request_and_echoed():
    seen = {}

    def view(request):
        seen.update(structlog.contextvars.get_contextvars())
        return HttpResponse("ok")

    middleware = RequestIdMiddleware(view)
    echoed = middleware(RequestFactory().get("/", HTTP_X_REQUEST_ID="abc-123"))
    fresh = middleware(RequestFactory().get("/", HTTP_X_REQUEST_ID="<script>"))
    assert echoed["X-Request-ID"] == "abc-123"
    assert seen["request_id"] == fresh["X-Request-ID"] != "<script>"
    assert structlog.contextvars.get_contextvars() == {}
