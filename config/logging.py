"""structlog + stdlib logging: JSON lines in production, readable lines in development.

Every record passes through the same processors, so a `call_id` or `request_id` bound with
structlog.contextvars appears on library log lines too. Secrets and transcript text are never passed to a
logger in the first place; `redact_secrets` is a second line of defence for keys that slip into event dicts.
"""

from __future__ import annotations

import re

import structlog

# Query parameters that carry credentials (Gong's "URL includes key" webhooks use `key`).
_URL_SECRET = re.compile(
    r"(?<![\w-])(key|api_key|apikey|token|access_token|secret|signature|sig|password)=[^&\s\"'#]*", re.IGNORECASE
)
_SECRET_KEYS = {"authorization", "api_key", "password", "secret", "token", "access_key_secret", "x-api-key"}


def redact_secrets(_logger, _method, event_dict: dict) -> dict:
    for key in list(event_dict):
        if key.lower() in _SECRET_KEYS:
            event_dict[key] = "[redacted]"
    return event_dict


def redact_url_secrets(text: str) -> str:
    """`…?key=s3cret&x=1` → `…?key=[redacted]&x=1`, anywhere in a line (request lines, query strings, referers)."""
    return _URL_SECRET.sub(r"\1=[redacted]", text) if "=" in text else text


def redact_event_urls(_logger, _method, event_dict: dict) -> dict:
    """A URL with a secret in its query string, logged as the event or a value, is logged without it."""
    for key, value in event_dict.items():
        if isinstance(value, str) and "=" in value:
            event_dict[key] = redact_url_secrets(value)
    return event_dict


def shared_processors() -> list:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_secrets,
        redact_event_urls,
    ]


def logging_config(*, level: str, json_output: bool) -> dict:
    """A dictConfig for Django's LOGGING that renders every record through structlog."""
    renderer = structlog.processors.JSONRenderer() if json_output else structlog.dev.ConsoleRenderer(colors=False)
    structlog.configure(
        processors=[
            *shared_processors(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structlog": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    renderer,
                ],
                "foreign_pre_chain": shared_processors(),
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structlog"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "django_q": {"level": "WARNING" if level == "INFO" else level},
            "django-q": {"level": "WARNING" if level == "INFO" else level},
            "httpx": {"level": "WARNING"},
            # The anthropic SDK logs whole request bodies (transcripts) at DEBUG: never let them through.
            "anthropic": {"level": "WARNING"},
            "httpx2": {"level": "WARNING"},
            "httpcore2": {"level": "WARNING"},
            "httpcore": {"level": "WARNING"},
            "urllib3": {"level": "WARNING"},
        },
    }
