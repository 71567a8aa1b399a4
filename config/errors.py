"""Error responses for failures no view handled (wired as `handler500` in config/urls.py).

A database that is down or restarting is a temporary condition, not a bug: the answer is 503 with Retry-After,
so Gong (and any client) retries instead of treating the delivery as failed for good. So is a web process whose
connection pool gave no connection within DB_POOL_TIMEOUT_S: every connection busy, or — with the pool — the
database down (the pool keeps trying to reconnect in the background while the request waits). Anything else is a 500;
JSON outside the admin, Django's page in it. Neither ever carries the exception text (it may hold a DSN).
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from psycopg_pool import PoolTimeout, TooManyRequests

RETRY_AFTER_S = 30
POOL_BUSY_RETRY_AFTER_S = 5
POOL_TIMEOUT_MESSAGE = (
    "No database connection became free in time (all busy, or the database unreachable); retry later."
)


def database_unavailable(exc: BaseException | None) -> bool:
    """True for the errors a lost or refused database connection raises."""
    return isinstance(exc, OperationalError | InterfaceError)


def pool_exhausted(exc: BaseException | None) -> bool:
    """True when the web tier's pool gave no connection in time (psycopg_pool.PoolTimeout, wrapped by Django)."""
    return isinstance(exc, OperationalError) and isinstance(exc.__cause__, PoolTimeout | TooManyRequests)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 + Retry-After while the database is unavailable, otherwise a plain 500."""
    exc = sys.exc_info()[1]
    if pool_exhausted(exc):
        response = JsonResponse({"error": POOL_TIMEOUT_MESSAGE}, status=503)
        response["Retry-After"] = str(POOL_BUSY_RETRY_AFTER_S)
        return response
    if database_unavailable(exc):
        response = JsonResponse({"error": "The database is unavailable; retry later."}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_S)
        return response
    if request.path.startswith("/admin/"):
        return defaults.server_error(request)
    return JsonResponse({"error": "Internal server error"}, status=500)
