"""Carry ids on every log line: bind `call_id`, `run_id`, `task`, `request_id` into structlog's contextvars.

structlog.contextvars.merge_contextvars is the first processor (config/logging.py), and stdlib records go
through the same chain, so everything logged inside the block carries the ids — our own lines and library
lines alike. Values are restored on exit, so nested blocks and worker threads never leak ids into the next
task or request.

    with log_context(call_id=call_id, task="coaching.tasks.call_coach"):
        ...

Never bind secrets or transcript text: only ids and short labels.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

import structlog

REQUEST_ID_HEADER = "X-Request-ID"


@contextmanager
def log_context(**ids: Any) -> Iterator[None]:
    """Bind the given ids (None values are skipped) for the duration of the block."""
    tokens = structlog.contextvars.bind_contextvars(**{key: value for key, value in ids.items() if value is not None})
    try:
        yield
    finally:
        structlog.contextvars.reset_contextvars(**tokens)


def task_logged(func: Callable) -> Callable:
    """Decorate a django-q2 task whose first argument is a call id: binds `task` and `call_id`."""
    task = f"{func.__module__}.{func.__name__}"

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        call_id = kwargs.get("call_id", args[0] if args else None)
        with log_context(task=task, call_id=call_id if isinstance(call_id, str) else None):
            return func(*args, **kwargs)

    return wrapper


class RequestIdMiddleware:
    """Binds `request_id` (the caller's X-Request-ID when it is a sane token, else a new one) for the request
    and echoes it in the response header, so a log line can be matched to the HTTP exchange."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if 0 < len(incoming) <= 64 and incoming.replace("-", "").isalnum() else uuid.uuid4().hex
        request.request_id = request_id
        with log_context(request_id=request_id):
            response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response
