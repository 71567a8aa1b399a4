"""Credentials in URLs never reach a log line (gunicorn's lines are covered by test_production_serve.py)."""

from __future__ import annotations

from config.logging import redact_event_urls, redact_url_secrets


def test_secret_query_parameters_are_redacted_wherever_they_appear_in_a_line():
    line = '127.0.0.1 - - "POST /webhooks/gong/?key=abc123&x=1 HTTP/1.1" 202 "https://h/?token=t0k#f" key=raw'
    redacted = redact_url_secrets(line)
    assert "abc123" not in redacted and "t0k" not in redacted and "raw" not in redacted
    assert "/webhooks/gong/?key=[redacted]&x=1" in redacted and "?token=[redacted]#f" in redacted


def test_ordinary_fields_that_merely_end_in_key_are_left_alone():
    assert redact_url_secrets("cache_key=abc run-key=1 monkey=2") == "cache_key=abc run-key=1 monkey=2"


def test_structlog_events_and_values_lose_url_secrets():
    event = redact_event_urls(None, "info", {"event": "POST /webhooks/gong/?key=s3cret", "url": "/x?password=p"})
    assert event == {"event": "POST /webhooks/gong/?key=[redacted]", "url": "/x?password=[redacted]"}
